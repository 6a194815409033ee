"""Importing pupils from the school's MIS: upload a CSV, say which column holds what, check it, import it.

The uploaded file is the school's own roll: between checking and importing it is held sealed in
the school's own schema for an hour (send_core.services.held_imports), and the session keeps only
the held row's id. It is deleted once imported.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from send_platform.ui.pages import form_page, posted
from send_platform.uploads import describe_size, limited_upload

from .. import permissions
from ..forms import ImportMappingForm, ImportUploadForm
from ..services.held_imports import HeldImportUnavailable, discard_held_import, hold_pupil_import, read_held_import
from ..services.importing import FIELD_LABELS, decode_mis_file, import_pupils, preview_pupil_import

IMPORT_MAX_BYTES = 2 * 1024 * 1024
SESSION_KEY = "cairn_pupil_import"
PREVIEW_ROWS = 100


def _stored(request: HttpRequest) -> tuple[str, bytes] | None:
    """The held file, or None with a message saying why it must be uploaded again."""
    held_id = request.session.get(SESSION_KEY)
    if not isinstance(held_id, str):
        return None
    try:
        return read_held_import(held_id, user=request.user)
    except HeldImportUnavailable as refused:
        del request.session[SESSION_KEY]
        messages.error(request, str(refused))
        return None


def _headers(data: bytes) -> list[str]:
    """The file's column headings (the first row), for choosing which column holds what."""
    first_line = decode_mis_file(data)[0].splitlines()[:1]
    row = next(csv.reader(io.StringIO(first_line[0])), []) if first_line else []
    return [heading.strip() for heading in row if heading.strip()]


@limited_upload(max_bytes=IMPORT_MAX_BYTES)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    permissions.require_edit_pupil_details(request.roles)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, refused=getattr(request, "upload_refused", None))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            discard_held_import(request.session.get(SESSION_KEY))  # a new file replaces the one held
            held = hold_pupil_import(upload.read(), upload.name, uploaded_by=request.user)
            request.session[SESSION_KEY] = str(held.pk)
            return redirect("send_core:pupil-import-columns")
    else:
        form = ImportUploadForm()
    context = {
        "form": form,
        "title": "Import pupils from your MIS",
        "intro": "Export your pupils from the MIS as a CSV file with a header row (up to "
        f"{describe_size(IMPORT_MAX_BYTES)}). Pupils are matched by UPN: new ones are added, known ones updated. "
        "Nothing is imported until you have checked the file and confirmed.",
        "button": "Upload and check",
        "multipart": True,
        "back_url": reverse("send_core:pupils"),
    }
    return form_page(request, "send_core/form_page.html", context, form)


def _preview_page(request: HttpRequest, form: ImportMappingForm, name: str, preview=None, errors=None) -> HttpResponse:
    problems = errors if errors is not None else (preview.errors if preview else [])
    context = {
        "form": form,
        "file_name": name,
        "preview": preview,
        "rows": preview.rows[:PREVIEW_ROWS] if preview and not problems else [],
        "problems": problems,
        "columns": [(field, FIELD_LABELS[field]) for field in form.mapping()]
        if form.is_bound and form.is_valid()
        else [],
        "mapping": form.mapping() if form.is_bound and form.is_valid() else {},
    }
    failed = bool(problems) or (form.is_bound and bool(form.errors))
    return render(request, "send_core/importing/columns.html", context, status=400 if failed else 200)


@require_http_methods(["GET", "POST"])
def columns(request: HttpRequest) -> HttpResponse:
    """Which column holds what (the usual MIS headings are chosen already), then check every row."""
    permissions.require_edit_pupil_details(request.roles)
    stored = _stored(request)
    if stored is None:
        return redirect("send_core:pupil-import")
    name, data = stored
    form = ImportMappingForm(posted(request), headers=_headers(data))
    if request.method == "POST" and form.is_valid():
        return _preview_page(
            request, form, name, preview=preview_pupil_import(data, form.mapping(), previewed_by=request.user)
        )
    return _preview_page(request, form, name)


@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    """Import the checked file, all or nothing."""
    permissions.require_edit_pupil_details(request.roles)
    stored = _stored(request)
    if stored is None:
        if not messages.get_messages(request):
            messages.error(request, "Upload the file again: the checked file is no longer held.")
        return redirect("send_core:pupil-import")
    name, data = stored
    form = ImportMappingForm(request.POST, headers=_headers(data))
    if not form.is_valid():
        return _preview_page(request, form, name)
    result = import_pupils(data, form.mapping(), imported_by=request.user)
    if not result.ok:
        return _preview_page(request, form, name, errors=result.errors)
    discard_held_import(request.session.pop(SESSION_KEY))
    summary = f"{result.created} pupil{'s' if result.created != 1 else ''} added, {result.updated} updated"
    summary += f", {result.unchanged} unchanged." if result.unchanged else "."
    if result.classes_created:
        summary += f" New classes: {', '.join(result.classes_created)}."
    messages.success(request, summary)
    return redirect("send_core:pupils")
