"""Journal pages: check in (full and quick), the timeline, one entry, edit, delete, what I track."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal import crisis, scales, signals, timekeeping
from journal.checkins import MEASURES
from journal.domain import ValidationError
from journal.entries import bp, cards, carry_over, services, tracking
from journal.entries.forms import AddItemForm, RenameItemForm
from journal.entries.models import Checkin
from journal.entries.validation import audience_from_form, parse_checkin, raw_from_form
from journal.extensions import utcnow
from journal.forms import REVERSED_DATES, ActionForm
from journal.keys import key_for
from journal.security import JOURNAL_KEEPERS, own_or_404, roles_only

journal_required = roles_only(JOURNAL_KEEPERS)


def _form_values(raw: dict, tz_name: str) -> dict:
    """The check-in form's field values from a check-in in API shape."""
    occurred = raw.get("occurred_at")
    local = timekeeping.local_datetime(datetime.fromisoformat(occurred) if occurred else utcnow(), tz_name)
    return {
        **{m.key: raw.get(m.key) for m in MEASURES}, "note": raw.get("note") or "",
        "symptoms": {str(s["id"]): s["severity"] for s in raw.get("symptoms") or []},
        "tags": {str(t) for t in raw.get("tags") or []},
        "meds": {str(m["id"]): m.get("dose") or "" for m in raw.get("medications") or []},
        "day": local.date().isoformat(), "time": local.strftime("%H:%M"), "timezone": tz_name,
        "audience": raw.get("audience") or {},
    }


def _values_from_post(tz_name: str) -> dict:
    form = request.form
    return {
        **{m.key: m.parse(form.get(m.key), {}) if m.scale else form.get(m.key, "") for m in MEASURES},
        "note": form.get("note", ""),
        "symptoms": {k.removeprefix("sev-"): int(v) for k, v in form.items()
                     if k.startswith("sev-") and v.isdigit()},
        "tags": set(form.getlist("tag")),
        "meds": {m: form.get(f"dose-{m}", "") for m in form.getlist("med")},
        "meds_as_planned": form.get("meds_as_planned") == "1",
        "day": form.get("day", ""), "time": form.get("time", ""), "timezone": tz_name,
        "audience": audience_from_form(form),
    }


def _render_form(template: str, *, values: dict, errors: dict, catalog, status: int = 200, **context):
    context.setdefault("last", None)
    return render_template(template, values=values, errors=errors, catalog=catalog, scales=scales,
                           form=ActionForm(), **context), status


def _planned_meds(catalog) -> list[str]:
    """The scheduled medications "I took them as planned" stands for, when the member ticked it."""
    if request.form.get("meds_as_planned") != "1":
        return []
    return [str(item.id) for item in catalog.active("medications") if not item.as_needed]


def _parse_post(tz_name: str, original: services.CheckinView | None = None):
    raw = raw_from_form(request.form, default_timezone=tz_name, now=utcnow(),
                        also_taken=_planned_meds(tracking.load_catalog(current_user)))
    if original is not None and tz_name == original.timezone and \
            request.form.get("day") == original.local.date().isoformat() and \
            request.form.get("time") == original.local.strftime("%H:%M"):
        raw["occurred_at"] = original.occurred_at.isoformat()  # unchanged: keep the exact instant
    return parse_checkin(raw, default_timezone=tz_name, now=utcnow())


@bp.get("/checkin")
@journal_required
def new():
    catalog = tracking.load_catalog(current_user)
    last = carry_over.last_time(current_user, catalog)
    values = _form_values({}, current_user.timezone)
    # "Same as last time" (?same=1, the no-JavaScript way) fills in last time's symptoms and medications
    # because the member asked for it; otherwise nothing is selected that they did not choose today.
    same = last is not None and request.args.get("same") == "1"
    if same:
        values["symptoms"], values["meds"] = last.symptom_values(), dict(last.meds)
    return _render_form("entries/checkin.html", values=values, errors={}, catalog=catalog, last=last,
                        filled_from_last=same)


@bp.post("/checkin")
@journal_required
def create():
    tz_name = request.form.get("timezone") or current_user.timezone
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        data = _parse_post(tz_name)
        checkin = services.create_checkin(current_user, data)
    except ValidationError as exc:
        catalog = tracking.load_catalog(current_user)
        return _render_form("entries/checkin.html", values=_values_from_post(tz_name), errors=exc.fields,
                            catalog=catalog, status=422)
    flash("Check-in saved. Thank you for taking a moment for yourself.", "success")
    crisis.offer_support(request.form.get("note"))  # the writer alone sees crisis resources
    return redirect(url_for("entries.show", entry_id=checkin.id))


@bp.post("/checkin/quick")
@journal_required
def quick():
    if not ActionForm().validate_on_submit():
        abort(400)
    tz_name = request.form.get("timezone") or current_user.timezone
    try:
        data = parse_checkin({"mood": request.form.get("mood"), "timezone": tz_name},
                             default_timezone=current_user.timezone, now=utcnow())
    except ValidationError:
        flash("Tap one of the faces to check in.", "error")
        return redirect(url_for("entries.new"))
    services.create_checkin(current_user, data)
    flash("Noted. That counts — well done for checking in.", "success")
    return redirect(url_for("entries.timeline"))


@bp.get("/timeline")
@journal_required
def timeline():
    catalog = tracking.load_catalog(current_user)
    filters, _ = services.TimelineFilters.from_query(request.args)  # a mistyped filter is just left off
    filter_args = {k: v for k, v in request.args.items() if k in ("tag", "symptom", "from", "to") and v}
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        return render_template("entries/timeline.html", page=services.TimelinePage([], None), catalog=catalog,
                               filters=filters, filter_args=filter_args, cards=cards.timeline_cards,
                               date_error=REVERSED_DATES), 422
    try:
        page = services.list_checkins(current_user, filters=filters, cursor=request.args.get("before"),
                                      catalog=catalog)
    except ValueError:
        return redirect(url_for("entries.timeline"))
    return render_template("entries/timeline.html", page=page, catalog=catalog, filters=filters,
                           filter_args=filter_args, cards=cards.timeline_cards)


def _own_view(entry_id):
    checkin = own_or_404(Checkin, entry_id)
    catalog = tracking.load_catalog(current_user)
    return checkin, services.view_of(checkin, key_for(current_user), catalog), catalog


@bp.get("/entries/<entry_id>")
@journal_required
def show(entry_id):
    _, view, _ = _own_view(entry_id)
    form = ActionForm()
    # What other features add to the page (peers: sharing with peers), without the journal knowing them.
    panels = signals.answers(signals.entry_page_opened, entry=view, form=form)
    return render_template("entries/show.html", entry=view, scales=scales,
                           form=form, panels=panels)


@bp.route("/entries/<entry_id>/edit", methods=["GET", "POST"])
@journal_required
def edit(entry_id):
    checkin, view, catalog = _own_view(entry_id)
    if not view.readable:
        flash(services.UNREADABLE + " It can be deleted, not edited.", "error")
        return redirect(url_for("entries.show", entry_id=checkin.id))
    if request.method == "POST":
        tz_name = request.form.get("timezone") or checkin.timezone
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            services.update_checkin(current_user, checkin, _parse_post(tz_name, view))
        except ValidationError as exc:
            return _render_form("entries/edit.html", values=_values_from_post(tz_name), errors=exc.fields,
                                catalog=tracking.load_catalog(current_user), status=422, entry=view)
        flash("Check-in updated.", "success")
        crisis.offer_support(request.form.get("note"))
        return redirect(url_for("entries.show", entry_id=checkin.id))
    return _render_form("entries/edit.html", values=_form_values(services.raw_of(view), checkin.timezone),
                        errors={}, catalog=catalog, entry=view)


@bp.route("/entries/<entry_id>/delete", methods=["GET", "POST"])
@journal_required
def delete(entry_id):
    checkin, view, _ = _own_view(entry_id)
    form = ActionForm()
    if form.validate_on_submit():
        services.delete_checkin(checkin)
        flash("Check-in deleted.", "info")
        return redirect(url_for("entries.timeline"))
    return render_template("entries/delete.html", entry=view, form=form)


# --- What I track ----------------------------------------------------------------------------------


def _kind_or_404(kind: str) -> type:
    if kind not in tracking.KINDS:
        abort(404)
    return tracking.KINDS[kind]


@bp.get("/track")
@journal_required
def track():
    return _render_track()


def _render_track(status: int = 200, failed_kind: str | None = None, failed_form=None):
    catalog = tracking.load_catalog(current_user)
    add_forms = {kind: AddItemForm(prefix=kind) for kind in tracking.KINDS}
    if failed_kind:
        add_forms[failed_kind] = failed_form
    return render_template("entries/track.html", catalog=catalog, add_forms=add_forms,
                           rename_form=RenameItemForm, action_form=ActionForm()), status


@bp.post("/track/<kind>/add")
@journal_required
def add_item(kind):
    _kind_or_404(kind)
    form = AddItemForm(prefix=kind)
    if form.validate_on_submit():
        try:
            tracking.add_item(current_user, kind, form.name.data, form.dose.data,
                              as_needed=kind == "medications" and form.as_needed.data)
        except ValidationError as exc:
            for name, message in exc.fields.items():
                getattr(form, name, form.name).errors.append(message)
        else:
            flash(f"Added “{' '.join(form.name.data.split())}”.", "success")
            return redirect(url_for("entries.track", _anchor=kind))
    return _render_track(422, kind, form)


@bp.post("/track/<kind>/<item_id>/rename")
@journal_required
def rename_item(kind, item_id):
    row = own_or_404(_kind_or_404(kind), item_id)
    form = RenameItemForm(prefix=str(row.id))
    if form.validate_on_submit():
        try:
            tracking.rename_item(current_user, row, form.name.data, form.dose.data,
                                 keep_dose=kind != "medications",
                                 as_needed=form.as_needed.data if kind == "medications" else None)
        except ValidationError as exc:
            flash(next(iter(exc.fields.values())), "error")
        else:
            flash("Saved.", "success")
    else:
        flash(next(iter(form.errors.values()))[0] if form.errors else "Could not save.", "error")
    return redirect(url_for("entries.track", _anchor=kind))


@bp.post("/track/<kind>/<item_id>/archive")
@journal_required
def archive_item(kind, item_id):
    row = own_or_404(_kind_or_404(kind), item_id)
    if ActionForm().validate_on_submit():
        archive = request.form.get("archived", "1") == "1"
        tracking.set_archived(current_user, row, archive)
        flash("Archived: it stays in past check-ins." if archive else "Restored.", "success")
    return redirect(url_for("entries.track", _anchor=kind))
