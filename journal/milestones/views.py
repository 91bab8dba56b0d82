"""Milestone pages: my counters, a new one, one counter (milestones, sharing, history), starting again,
deleting; and the milestones my peers shared, with support to send."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal import database
from journal.extensions import limiter, utcnow
from journal.forms import ActionForm, ask_first, confirmed
from journal.milestones import bp, services
from journal.milestones.counting import ACKNOWLEDGEMENTS, MILESTONES, days_text
from journal.milestones.forms import CounterForm, ShareForm, StartAgainForm
from journal.reactions import REACTIONS
from journal.security import parse_id, roles_only
from journal.urls import has_feature

member_required = roles_only("member")

# Each reaction added tells the member; a limit per account (the peers' reaction budget, counted apart)
# keeps a tapping finger from turning into a stream of notifications.
reaction_limit = limiter.limit(lambda: current_app.config["RATELIMIT_PEER_REACTIONS"],
                               key_func=lambda: f"account:{current_user.id}", scope="milestones-reactions",
                               methods=["POST"])


def _render(template: str, status: int = 200, **context):
    return render_template(template, action_form=ActionForm(), milestones=MILESTONES, days_text=days_text,
                           reactions=REACTIONS, **context), status


def _mine(counter_id: str) -> services.CounterView:
    try:
        return services.counter_of(current_user, parse_id(counter_id), services.today_for(current_user))
    except services.NotFound:
        abort(404)


@bp.get("/")
@member_required
@database.writes  # the milestones reached since the last visit are marked as acknowledged
def index():
    views = services.counters_of(current_user, services.today_for(current_user))
    news = [(view, ACKNOWLEDGEMENTS[m]) for view, m in services.acknowledge(current_user, views)]
    return _render("milestones/index.html", counters=views, news=news)


@bp.route("/new", methods=["GET", "POST"])
@member_required
def new():
    form = CounterForm()
    today = services.today_for(current_user)
    form.start.render_kw = {"max": today.isoformat()}  # the date picker offers no day still to come
    if form.validate_on_submit():
        try:
            with database.attempt():
                counter = services.create_counter(current_user, form.label.data, form.start.data, today)
        except services.ValidationError as exc:
            for name, message in exc.fields.items():
                getattr(form, name).errors.append(message)
        else:
            flash("Your counter is ready. Every day counts.", "success")
            return redirect(url_for("milestones.show", counter_id=counter.id))
    return _render("milestones/new.html", 422 if form.errors else 200, form=form, today=today)


@bp.get("/<counter_id>")
@member_required
@database.writes  # as the list: a milestone reached since the last visit is acknowledged here too
def show(counter_id):
    view = _mine(counter_id)
    news = [(view, ACKNOWLEDGEMENTS[m]) for view, m in services.acknowledge(current_user, [view])]
    return _render("milestones/counter.html", counter=view, news=news, share_form=ShareForm(),
                   sharing=has_feature("peers"))


@bp.route("/<counter_id>/start-again", methods=["GET", "POST"])
@member_required
def start_again(counter_id):
    view = _mine(counter_id)
    form = StartAgainForm()
    today = services.today_for(current_user)
    form.start.render_kw = {"max": today.isoformat()}
    if form.validate_on_submit():
        from_today = request.form.get("when") == "today"
        if not from_today and form.start.data is None:
            form.start.errors.append("Choose a day, or start again from today.")
        else:
            try:
                with database.attempt():
                    earlier = services.start_again(current_user, view, today if from_today else form.start.data,
                                                   today)
            except services.ValidationError as exc:
                form.start.errors.extend(exc.fields.values())
            else:
                flash(f"Starting again takes courage. Your earlier {days_text(earlier)} still count." if earlier
                      else "Starting again takes courage. Every new start counts.", "success")
                return redirect(url_for("milestones.show", counter_id=view.id))
    return _render("milestones/start_again.html", 422 if form.errors else 200, counter=view, form=form,
                   today=today)


@bp.post("/<counter_id>/delete")
@member_required
def delete(counter_id):
    view = _mine(counter_id)
    if not confirmed():
        return ask_first(title="Delete this counter?", button="Delete the counter", keep="Keep it",
                         question="Its days, its history and any milestones you shared with peers are "
                                  "deleted. This cannot be undone.",
                         back=url_for("milestones.show", counter_id=view.id))
    services.delete_counter(current_user, view)
    flash("The counter is deleted.", "success")
    return redirect(url_for("milestones.index"))


@bp.post("/<counter_id>/share")
@member_required
def share(counter_id):
    if not has_feature("peers"):
        abort(404)
    view = _mine(counter_id)
    form = ShareForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with database.attempt():
            services.share(current_user, view, form.days.data, form.with_label.data, utcnow())
    except services.ValidationError as exc:
        flash(" ".join(exc.fields.values()), "error")
    else:
        flash(f"Shared with your peer connections: {days_text(form.days.data)}.", "success")
    return redirect(url_for("milestones.show", counter_id=view.id))


@bp.post("/<counter_id>/shares/<share_id>/stop")
@member_required
def unshare(counter_id, share_id):
    view = _mine(counter_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.unshare(current_user, view, parse_id(share_id))
    except services.NotFound:
        abort(404)
    flash("Your peers no longer see that milestone.", "success")
    return redirect(url_for("milestones.show", counter_id=view.id))


@bp.get("/peers")
@member_required
def peers():
    if not has_feature("peers"):
        abort(404)
    return _render("milestones/peers.html", cards=services.shared_with(current_user))


@bp.post("/shared/<share_id>/react")
@member_required
@reaction_limit
def react(share_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.react(current_user, parse_id(share_id), request.form.get("kind", ""), utcnow())
    except services.NotFound:
        abort(404)
    except services.ValidationError:
        abort(400)
    return redirect(url_for("milestones.peers") + f"#m-{share_id}")
