"""Peer pages about one shared check-in: viewing it, replying, reacting, sharing, reporting."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from journal import crisis
from journal.entries import Checkin
from journal.forms import ActionForm, ask_first, confirmed
from journal.peers import bp, comments, limits, moderation, profiles, sharing
from journal.peers.errors import PeerError
from journal.peers.forms import CommentForm, ReportForm
from journal.peers.guards import member_required, peer_entry_or_404
from journal.peers.views import render_peers
from journal.security import own_or_404


def _render_entry(checkin: Checkin, access, form: CommentForm | None = None, status: int = 200):
    item = sharing.entry_for(current_user, checkin, access)
    thread = comments.for_entry(current_user, checkin) if checkin.share_peers else []
    mine = profiles.profile_of(current_user.id)
    active = mine if mine is not None and mine.enabled else None
    return render_peers("peers/entry.html", status, profile=active, item=item, thread=thread, checkin=checkin,
                        form=form or CommentForm(),
                        needs_guidelines=mine is None or mine.guidelines_accepted_at is None,
                        author_active=active is not None if access.relation == "owner" else True)


@bp.get("/entries/<entry_id>")
@member_required
def entry(entry_id):
    checkin, access = peer_entry_or_404(entry_id)
    return _render_entry(checkin, access)


@bp.post("/entries/<entry_id>/comments")
@limits.comments
@member_required
def comment(entry_id):
    checkin, access = peer_entry_or_404(entry_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_entry(checkin, access, form, 422)
    try:
        comments.add(current_user, checkin, access, form.body.data, accept_guidelines=form.accept_guidelines.data)
    except comments.GuidelinesNeeded as exc:
        form.accept_guidelines.errors.append(exc.message)
        return _render_entry(checkin, access, form, 422)
    except PeerError as exc:
        if exc.fields:
            form.body.errors.extend(exc.fields.values())
            return _render_entry(checkin, access, form, 422)
        flash(exc.message, "error")
        return redirect(url_for("peers.entry", entry_id=checkin.id))
    crisis.offer_support(form.body.data)
    flash("Reply sent.", "success")
    return redirect(url_for("peers.entry", entry_id=checkin.id, _anchor="comments"))


@bp.post("/entries/<entry_id>/react")
@limits.reactions
@member_required
def react(entry_id):
    checkin, access = peer_entry_or_404(entry_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    kind = request.form.get("kind", "")
    try:
        if request.form.get("undo") == "1":
            comments.unreact(current_user, checkin, access, kind)
        else:
            comments.react(current_user, checkin, access, kind)
    except PeerError as exc:
        flash(exc.message, "error")
    if request.form.get("next") == "feed":
        return redirect(url_for("peers.feed", _anchor=f"entry-{checkin.id}"))
    return redirect(url_for("peers.entry", entry_id=checkin.id))


@bp.post("/entries/<entry_id>/share")
@member_required
def share(entry_id):
    """The author's quick share / unshare control (the edit form changes the same flags)."""
    checkin = own_or_404(Checkin, entry_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    share_peers = request.form.get("share_peers") == "1"
    hide_note = request.form.get("hide_note_from_peers")
    sharing.set_shared(checkin, share_peers, None if hide_note is None else hide_note == "1")
    flash("Shared with your peers." if share_peers else "Only you (and anyone else you chose) can see it now.",
          "success")
    if request.form.get("next") == "entry":
        return redirect(url_for("entries.show", entry_id=checkin.id))
    return redirect(url_for("peers.entry", entry_id=checkin.id))


@bp.route("/comments/<comment_id>/edit", methods=["GET", "POST"])
@limits.comments
@member_required
def edit_comment(comment_id):
    try:
        comment, checkin = comments.get(current_user, comment_id)
    except PeerError:
        abort(404)
    if comment.author_id != current_user.id:
        abort(404)
    form = CommentForm(data=None if request.method == "POST" else {"body": comments.decrypt(comment) or ""})
    if request.method == "POST" and form.validate_on_submit():
        try:
            comments.edit(current_user, comment, checkin, form.body.data)
        except PeerError as exc:
            if exc.status == 404:
                abort(404)
            form.body.errors.append(exc.message)
        else:
            crisis.offer_support(form.body.data)
            flash("Reply updated.", "success")
            return redirect(url_for("peers.entry", entry_id=checkin.id, _anchor="comments"))
    return render_peers("peers/comment_edit.html", 422 if form.errors else 200, form=form, comment=comment)


@bp.post("/comments/<comment_id>/delete")
@member_required
def delete_comment(comment_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        comment, checkin = comments.get(current_user, comment_id)
        if not confirmed():
            return ask_first(title="Delete this reply?", button="Delete reply", keep="Keep it",
                             back=url_for("peers.entry", entry_id=checkin.id, _anchor="comments"),
                             question="The reply will be removed for good, for everyone.")
        comments.delete(current_user, comment)
    except PeerError:
        abort(404)
    flash("Reply deleted.", "info")
    return redirect(url_for("peers.entry", entry_id=checkin.id, _anchor="comments")
                    if checkin.owner_id == current_user.id or checkin.share_peers else url_for("peers.feed"))


@bp.route("/report/<kind>/<target_id>", methods=["GET", "POST"])
@limits.reports
@member_required
def report(kind, target_id):
    if kind not in moderation.KINDS:
        abort(404)
    form = ReportForm()
    if request.method == "GET":
        try:
            moderation.report_target(current_user, kind, target_id)
        except PeerError:
            abort(404)
    elif form.validate_on_submit():
        try:
            moderation.file_report(current_user, kind, target_id, form.reason.data, form.details.data or "")
        except PeerError as exc:
            if exc.status == 404:
                abort(404)
            for name, message in exc.fields.items():
                getattr(form, name).errors.append(message)
        else:
            flash("Thank you. A moderator will look at this; you will hear when it has been handled. "
                  "You can also block them at any time.", "success")
            return redirect(url_for("peers.feed"))
    return render_peers("peers/report.html", 422 if form.errors else 200, form=form, kind=kind)


def own_entry_panel(app, entry, form) -> Markup | None:
    """Receiver of journal.signals.entry_page_opened: on a member's own entry page, whether it is shared
    with peers, a button to change that, and a link to the replies."""
    if current_user.role != "member":
        return None
    return Markup(render_template("peers/_own_entry_panel.html", entry=entry, form=form))  # noqa: S704  (a template)
