"""Peer pages: the Peers feed, my peer profile, suggestions, connections, members, notifications."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from journal import database
from journal.accounts import User
from journal.extensions import db, utcnow
from journal.forms import ActionForm, ask_first, confirmed
from journal.peers import bp, connections, limits, moderation, notifications, profiles, rows, sharing, suggestions
from journal.peers.conditions import CONDITION_GROUPS, CONDITIONS, REACTIONS
from journal.peers.errors import PeerError
from journal.peers.forms import ProfileForm
from journal.peers.guards import member_required
from journal.peers.models import PeerConnection


def nav_counts(user) -> dict:
    """Unread notifications and waiting requests: two indexed counts, on Peers pages only."""
    incoming = db.session.scalar(select(func.count()).select_from(PeerConnection).where(
        (PeerConnection.user_low == user.id) | (PeerConnection.user_high == user.id),
        PeerConnection.status == "pending", PeerConnection.requester_id != user.id)) or 0
    return {"unread": notifications.unread_count(user.id), "incoming": incoming}


def render_peers(template: str, status: int = 200, **context):
    """A Peers page with its tabs and counts; pass `profile` (the viewer's active one, or None) if known."""
    profile = context.pop("profile") if "profile" in context else profiles.active_profile(current_user)
    counts = nav_counts(current_user) if profile is not None else {"unread": 0, "incoming": 0}
    return render_template(template, profile=profile, counts=counts, action_form=ActionForm(),
                           reactions=REACTIONS, **context), status


def _active_or_intro():
    profile = profiles.active_profile(current_user)
    if profile is None:
        return None, render_peers("peers/intro.html", existing=profiles.profile_of(current_user.id))
    return profile, None


@bp.get("/")
@member_required
def feed():
    profile, intro = _active_or_intro()
    if intro:
        return intro
    try:
        page = sharing.feed(current_user, cursor=request.args.get("before"))
    except ValueError:
        return redirect(url_for("peers.feed"))
    return render_peers("peers/feed.html", profile=profile, page=page, rows=rows.feed_rows)


# --- My profile ------------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@member_required
def profile():
    view = profiles.own_view(current_user)
    form = ProfileForm(data=None if request.method == "POST" else {
        "enabled": view.enabled, "open_to_matches": view.open_to_matches,
        "support": view.support, "conditions": view.conditions, "other_condition": view.other_condition,
        "topics": view.topics, "languages": view.languages, "timezone": view.timezone,
        "avatar_colour": view.avatar_colour, "bio": view.bio, "nudges_enabled": view.nudges_enabled,
    })
    if form.validate_on_submit():
        try:
            profiles.save_profile(current_user, form.to_input())
        except PeerError as exc:
            for name, message in exc.fields.items():
                getattr(form, name).errors.append(message)
        else:
            flash("Your peer profile is saved." if form.enabled.data else
                  "Saved. Peer support is off: nobody sees your profile or anything you shared.", "success")
            return redirect(url_for("peers.suggestions_page") if form.enabled.data else url_for("peers.profile"))
    return render_peers("peers/profile_form.html", 400 if form.errors else 200, form=form, view=view,
                        groups=[(g, [c for c in CONDITIONS if c.group == g]) for g in CONDITION_GROUPS])


@bp.post("/profile/leave")
@member_required
def leave():
    if ActionForm().validate_on_submit():
        profiles.opt_out(current_user)
        flash("Peer support is off. Your journal is untouched; turn it back on any time.", "info")
    return redirect(url_for("peers.profile"))


# --- Suggestions and connections -----------------------------------------------------------------


@bp.get("/suggestions")
@member_required
def suggestions_page():
    profile, intro = _active_or_intro()
    if intro:
        return intro
    found = suggestions.for_member(current_user, profile) if profile.open_to_matches else []
    return render_peers("peers/suggestions.html", profile=profile, suggestions=found)


@bp.get("/connections")
@member_required
def connections_page():
    profile, intro = _active_or_intro()
    if intro:
        return intro
    lists = connections.lists_for(current_user)
    return render_peers("peers/connections.html", profile=profile,
                        connections=connections.profile_cards(lists.connections),
                        incoming=connections.profile_cards(lists.incoming),
                        outgoing=connections.profile_cards(lists.outgoing),
                        blocked=connections.profile_cards(connections.blocked_by(current_user)))


def _member_or_404(member_id):
    target = profiles.by_public_id(member_id)
    if target is None:
        abort(404)
    return target


@bp.get("/members/<member_id>")
@member_required
def member(member_id):
    profile, intro = _active_or_intro()
    if intro:
        return intro
    target = _member_or_404(member_id)
    if not connections.may_see_member(current_user, target):
        abort(404)
    user = db.session.get(User, target.user_id)
    return render_peers("peers/member.html", profile=profile, view=profiles.view_of(user, target),
                        relation=connections.relation(current_user, target))


def _member_action(member_id, action, success: str):
    """Run one connection action from a button, then go back to the member's page (or the lists)."""
    profile = profiles.active_profile(current_user)
    form = ActionForm()
    if profile is None or not form.validate_on_submit():
        abort(404 if profile is None else 400)
    target = profiles.by_public_id(member_id)
    try:
        action(current_user, target)
    except PeerError as exc:
        flash(exc.message, "error")
    else:
        flash(success, "success")
    back = request.form.get("next")
    if back in ("suggestions", "connections", "feed"):
        return redirect(url_for(f"peers.{back}_page" if back != "feed" else "peers.feed"))
    if target is not None and connections.may_see_member(current_user, target):
        return redirect(url_for("peers.member", member_id=target.id))
    return redirect(url_for("peers.connections_page"))


@bp.post("/members/<member_id>/connect")
@limits.requests
@member_required
def connect(member_id):
    return _member_action(member_id, connections.request, "Request sent. They will see it in their Peers area.")


@bp.post("/members/<member_id>/accept")
@member_required
def accept(member_id):
    return _member_action(member_id, connections.accept, "You are connected.")


@bp.post("/members/<member_id>/decline")
@member_required
def decline(member_id):
    return _member_action(member_id, connections.decline, "Request declined. They are not told.")


@bp.post("/members/<member_id>/disconnect")
@member_required
def disconnect(member_id):
    return _member_action(member_id, connections.disconnect, "Disconnected. They are not told why.")


@bp.post("/members/<member_id>/block")
@member_required
def block(member_id):
    if not confirmed():
        profile, target = profiles.active_profile(current_user), profiles.by_public_id(member_id)
        if profile is None or target is None or not ActionForm().validate_on_submit():
            abort(404 if profile is None or target is None else 400)
        return ask_first(title="Block this member?", button="Block", keep="Don’t block",
                         back=url_for("peers.member", member_id=target.id),
                         question="You will no longer see each other, and they cannot find or contact you. "
                                  "They are not told. You can unblock them later.")
    return _member_action(member_id, connections.block,
                          "Blocked. You will not see each other, and they cannot find or contact you.")


@bp.post("/members/<member_id>/unblock")
@member_required
def unblock(member_id):
    return _member_action(member_id, connections.unblock, "Unblocked. You are not connected again.")


@bp.post("/members/<member_id>/nudge")
@limits.nudges
@member_required
def nudge(member_id):
    return _member_action(member_id, connections.nudge, "Sent. They will know you are thinking of them.")


# --- Notifications ---------------------------------------------------------------------------------


@bp.get("/notifications")
@database.writes  # this page marks what it shows as read
@member_required
def notifications_page():
    profile, intro = _active_or_intro()
    if intro:
        return intro
    blocked = set(db.session.scalars(connections.blocked_ids_query(current_user.id)))
    items = notifications.recent(current_user, blocked)
    reasons = moderation.reasons_for(current_user, items)
    page = render_peers("peers/notifications.html", profile=profile, items=items, reasons=reasons)
    notifications.mark_all_read(current_user.id, utcnow())
    return page


@bp.get("/guidelines")
@member_required
def guidelines():
    return render_peers("peers/guidelines.html")
