"""The safety plan's pages: the member's plan (readable offline), editing it without JavaScript, deleting
it, sharing it with clinicians; and the clinician's read-only view of a plan shared with them."""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from journal import database
from journal.domain import ValidationError
from journal.forms import ActionForm, ask_first, confirmed
from journal.safetyplan import bp, services
from journal.security import JOURNAL_KEEPERS, roles_only

keeper_required = roles_only(JOURNAL_KEEPERS)  # a plan is kept by the member it belongs to
clinician_required = roles_only("clinician")

# The service worker keeps the member's own plan page for offline use, and only a page whose answer carries
# this header (journal/static/js/sw.js; the value is the signed-in account, checked by offline.js).
OFFLINE_COPY_HEADER = "X-PJ-Offline-Copy"
STALE = "Your session expired or the form was stale. Reload the page and try again."


def _crisis_lines():
    return current_app.config.get("CRISIS_LINES") or ()


@bp.get("")
@keeper_required
def show():
    plan = services.plan_of(current_user.id)
    content = services.content_of(current_user, plan) if plan is not None else None
    response = make_response(render_template(
        "safetyplan/show.html", plan=plan, content=content, sections=services.SECTIONS, form=ActionForm(),
        sharing=services.sharing_choices(current_user) if content is not None else [],
        crisis_lines=_crisis_lines()))
    response.headers[OFFLINE_COPY_HEADER] = str(current_user.id)
    return response


def _values_from(content: dict) -> dict:
    """What the edit form's fields hold: the saved plan, or (re-rendered after an error) what was posted."""
    values: dict = {}
    for section in services.SECTIONS:
        if section.kind == "contacts":
            for row, contact in enumerate(content.get(section.key) or []):
                values[f"{section.key}-{row}-name"] = contact.get("name", "")
                values[f"{section.key}-{row}-phone"] = contact.get("phone", "")
        else:
            values[section.key] = "\n".join(content.get(section.key) or [])
    return values


def _rows(values: dict) -> dict[str, int]:
    """How many name-and-phone rows each contacts section shows: the filled ones and two empty ones."""
    rows = {}
    for section in services.SECTIONS:
        if section.kind == "contacts":
            filled = [r for r in range(services.CONTACTS_MAX + services.CONTACT_ROWS_EMPTY)
                      if values.get(f"{section.key}-{r}-name") or values.get(f"{section.key}-{r}-phone")]
            last = max(filled) + 1 if filled else 0
            rows[section.key] = min(max(last, len(filled)) + services.CONTACT_ROWS_EMPTY,
                                    services.CONTACTS_MAX + services.CONTACT_ROWS_EMPTY)
    return rows


@bp.route("/edit", methods=["GET", "POST"])
@keeper_required
def edit():
    form = ActionForm()
    errors: dict = {}
    if request.method == "POST":
        values = {k: v for k, v in request.form.items() if k != "csrf_token"}
        if not form.validate_on_submit():
            errors = {"plan": STALE}
        else:
            try:
                content = services.parse_plan(request.form)
            except ValidationError as exc:
                errors = exc.fields
            else:
                services.save_plan(current_user, content)
                flash("Your safety plan is saved.", "success")
                return redirect(url_for("safety_plan.show"))
    else:
        plan = services.plan_of(current_user.id)
        content = services.content_of(current_user, plan) if plan is not None else None
        values = _values_from(content) if content is not None else {}
    return render_template("safetyplan/edit.html", form=form, sections=services.SECTIONS, values=values,
                           errors=errors, rows=_rows(values), lines_max=services.LINES_MAX,
                           line_max=services.LINE_MAX, name_max=services.NAME_MAX, phone_max=services.PHONE_MAX,
                           has_plan=services.plan_of(current_user.id) is not None), 400 if errors else 200


@bp.post("/delete")
@keeper_required
def delete():
    if not ActionForm().validate_on_submit():
        abort(400)
    if not confirmed():
        return ask_first(title="Delete your safety plan?",
                         question="Your plan and every share of it with clinicians will be deleted. "
                                  "This cannot be undone.",
                         button="Delete my plan", back=url_for("safety_plan.show"))
    if services.delete_plan(current_user):
        flash("Your safety plan is deleted.", "success")
    return redirect(url_for("safety_plan.show"))


@bp.post("/sharing")
@keeper_required
def share():
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.plan_of(current_user.id) is None:
        flash("Write your plan first, then you can share it.", "info")
        return redirect(url_for("safety_plan.show"))
    grant_id = request.form.get("grant_id", "")
    if request.form.get("action") == "stop":
        services.stop_sharing(current_user, grant_id)
        flash("Your plan is no longer shared with that clinician.", "success")
    else:
        try:
            grant = services.share_with(current_user, grant_id)
        except services.NotShared as exc:
            flash(str(exc), "error")
        else:
            flash(f"{grant.clinician_name} can now read your safety plan.", "success")
    return redirect(url_for("safety_plan.show") + "#sharing")


# --- The clinician's side ---------------------------------------------------------------------------


@bp.get("/shared")
@clinician_required
def shared_list():
    return render_template("safetyplan/shared_list.html", grants=services.plans_shared_with(current_user))


@bp.get("/shared/<grant_id>")
@database.writes
@clinician_required
def shared(grant_id):
    found = services.shared_plan(current_user, grant_id)
    if found is None:
        abort(404)
    grant, plan, content = found
    return render_template("safetyplan/shared.html", grant=grant, plan=plan, content=content,
                           sections=services.SECTIONS)
