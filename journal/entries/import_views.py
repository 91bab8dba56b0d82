"""Bring your history: upload a CSV export (Daylio, Bearable, or this journal's own), see what it would
create, then import it. The member's own journal only: no URL here names anyone.

The two posts read a body larger than the app's usual limit, so they check their CSRF token themselves
(after raising the limit for this request) instead of in CSRFProtect's hook, which would read the body
first; and they keep the upload in memory, never in a temporary file on disk.
"""
from __future__ import annotations

import io

from flask import current_app, render_template, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from journal import scales
from journal.entries import bp, imports
from journal.entries.import_rows import ImportFileError
from journal.entries.views import journal_required
from journal.extensions import csrf, utcnow
from journal.forms import ActionForm

IMPORT_MAX_BYTES = 2 * 1024 * 1024  # a few years of daily check-ins with notes


def _most() -> int:
    return current_app.config.get("IMPORT_MAX_BYTES", IMPORT_MAX_BYTES)


def size_words(size: int) -> str:
    """2 MB, 512 KB: the limit as people read it."""
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def _too_large() -> str:
    return f"That file is larger than {size_words(_most())}. Export a shorter period and import it in parts."


def _upload_page(error: str | None = None, status: int = 200):
    # formdata=None: after a body too large, reading the form again would raise again.
    return render_template("entries/import.html", form=ActionForm(formdata=None), error=error,
                           most=size_words(_most())), status


_MOOD_CHOICES = {str(v) for v in range(1, 6)}


def _moods() -> dict[str, int]:
    """What the member said their own Daylio moods mean (mood_label_N, mood_value_N; 1–5), by casefolded label."""
    moods = {}
    for key, label in list(request.form.items())[:200]:
        if key.startswith("mood_label_"):
            value = request.form.get("mood_value_" + key.removeprefix("mood_label_"), "")
            if value in _MOOD_CHOICES and label.strip():
                moods[" ".join(label.split()).casefold()] = int(value)
    return moods


def _read_form() -> ActionForm | None:
    """The posted form, read with this page's larger limit and in memory; None if its token is not valid."""
    req = request._get_current_object()
    # The sealed file coming back from the preview is compressed, encrypted and base64: a file that does not
    # compress comes back a third larger than it went. The file itself is held to _most() when it is read.
    req.max_content_length = req.max_form_memory_size = _most() * 2 + 64 * 1024
    req._get_file_stream = lambda *args, **kwargs: io.BytesIO()  # never a temporary file holding the upload
    form = ActionForm()
    return form if form.validate_on_submit() else None


@bp.get("/journal/import")
@journal_required
def import_start():
    return _upload_page()


@bp.post("/journal/import/preview")
@csrf.exempt
@journal_required
def import_preview():
    try:
        if _read_form() is None:
            return _upload_page("Your session expired or the form was stale. Choose the file again.", 400)
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _upload_page(_too_large(), 413)
    now, moods = utcnow(), _moods()
    try:
        if upload is None and request.form.get("sealed"):  # previewed again, with the member's own moods
            data, filename = imports.open_upload(current_user, request.form["sealed"], now=now, most=_most())
        else:
            data, filename = (upload.read(_most() + 1), upload.filename or "") if upload else (b"", "")
            if not data:
                return _upload_page("Choose a CSV file to import.", 422)
            if len(data) > _most():
                return _upload_page(_too_large(), 413)
        plan = imports.plan_import(current_user, data, now=now, moods=moods)
    except ImportFileError as exc:
        return _upload_page(exc.message, 422)
    return render_template("entries/import_preview.html", plan=plan, filename=filename, moods=moods,
                           sealed=imports.seal_upload(current_user, data, filename, now=now),
                           form=ActionForm(), mood_scale=scales.MOOD.options())


@bp.post("/journal/import")
@csrf.exempt
@journal_required
def import_confirm():
    try:
        if _read_form() is None:
            return _upload_page("Your session expired or the form was stale. Choose the file again.", 400)
        sealed = request.form.get("sealed", "")
    except RequestEntityTooLarge:
        return _upload_page(_too_large(), 413)
    now = utcnow()
    try:
        data, filename = imports.open_upload(current_user, sealed, now=now, most=_most())
        plan = imports.plan_import(current_user, data, now=now, moods=_moods())
        if plan.errors and request.form.get("skip_bad_rows") != "1":
            raise ImportFileError("Nothing was imported: some rows cannot be. Choose the file again to see them.")
        result = imports.run_import(current_user, plan)
    except ImportFileError as exc:
        return _upload_page(exc.message, 422)
    return render_template("entries/import_done.html", result=result, filename=filename,
                           source=plan.parsed.source)
