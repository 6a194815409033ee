"""A pupil's documents: the list, uploading one (size-limited before it is kept, stored encrypted), downloading."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods
from send_platform.crypto import DocumentIntegrityError
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page
from send_platform.uploads import ALLOWED_DOCUMENT_TYPES, describe_size, document_max_bytes, limited_upload

from .. import permissions
from ..forms import DocumentForm
from ..models import Document
from ..services import documents as document_services
from .common import pupil_context, pupil_for, record_view

logger = logging.getLogger(__name__)


@require_GET
def documents(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = pupil_for(request, pupil_id)
    record_view(request, pupil, "documents")
    items = list(pupil.documents.select_related("uploaded_by").defer("wrapped_key"))
    return render(
        request, "send_core/documents/documents.html", pupil_context(request, pupil, "documents", documents=items)
    )


@limited_upload()
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """Upload a document: a file over the limit is stopped as it arrives, a refused type is never stored."""
    pupil = pupil_for(request, pupil_id)
    permissions.require_contribute_to_record(request.user, request.roles, pupil)
    limit = (
        f"Up to {describe_size(document_max_bytes())}: "
        + ", ".join(str(label) for label in ALLOWED_DOCUMENT_TYPES.values())
        + "."
    )
    if request.method == "POST":
        form = DocumentForm(
            request.POST, request.FILES, refused=getattr(request, "upload_refused", None), limit_help=limit
        )
    else:
        form = DocumentForm(limit_help=limit)
    context = {
        "form": form,
        "title": "Add a document",
        "caption": pupil.display_name,
        "intro": "Reports, letters and advice about the pupil. Documents are stored encrypted.",
        "button": "Upload document",
        "multipart": True,
        "back_url": reverse("send_core:pupil-documents", args=[pupil.pk]),
    }
    return act(
        request,
        form,
        lambda data: document_services.upload_document(
            pupil,
            uploaded_by=request.user,
            title=data["title"],
            kind=data["kind"],
            content=data["file"].chunks(),
            original_filename=data["file"].name,
        ),
        success="The document has been stored.",
        redirect_to=reverse("send_core:pupil-documents", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


@require_GET
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    item = get_object_or_404(Document.objects.only("pk", "pupil_id"), pk=document_id)
    pupil_for(request, item.pupil_id)
    return redirect(reverse("send_core:pupil-documents", args=[item.pupil_id]) + f"#document-{item.pk}")


@require_GET
def download(request: HttpRequest, document_id: int) -> HttpResponse:
    """Stream the document once the whole of it has passed its checks; the download is audited."""
    item = get_object_or_404(Document, pk=document_id)
    pupil = pupil_for(request, item.pupil_id)
    try:
        content = document_services.open_document(item, opened_by=request.user)
    except DocumentIntegrityError:
        logger.error("Stored document %s failed its integrity check", item.pk)
        context = pupil_context(request, pupil, "documents", document=item)
        return render(request, "send_core/documents/damaged.html", context, status=500)
    response = StreamingHttpResponse(content, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, item.original_filename)
    response["Content-Length"] = str(item.size)
    response["Cache-Control"] = "private, no-store"
    return response
