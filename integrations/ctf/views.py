"""Pages for Common Transfer Files and transition files, at /ctf/ on a school's host.

Export and import a CTF; send a pupil's transition file (through the exchange to a Cairn school,
or as a download of PDF and CTF for any other); preview and import a transition file received.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from send_platform.crypto import DocumentIntegrityError
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page, posted

from integrations.exchange import selectors as exchange_selectors
from integrations.exchange.models import Envelope, EnvelopeState
from integrations.exchange.permissions import require_exchange_access
from integrations.exchange.sealing import ExchangeIntegrityError
from integrations.exchange.services import EnvelopeUnavailable
from send_core.forms.base import CairnForm
from send_core.models import Document
from send_core.transition.forms import TransitionFileForm
from send_core.transition.permissions import require_manage_transition
from send_core.transition.records import DEFAULT_SECTIONS, has_ehc_plan
from send_core.transition.services import destination_of
from send_core.views.common import pupil_for

from . import handover
from .ctf import MAX_BYTES, import_ctf
from .exports import ctf_export

TEMPLATES = "integrations/ctf/"


def _problem(request: HttpRequest, title: str, reason: str, *, status: int, back_url: str) -> HttpResponse:
    return render(
        request, TEMPLATES + "problem.html", {"title": title, "reason": reason, "back_url": back_url}, status=status
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Download a CTF: `?pupil=<id>` (repeatable) or `?nc_year=6`, optionally `&destination_urn=`."""
    try:
        made = ctf_export(
            school=request.tenant,
            user=request.user,
            roles=request.roles,
            pupil_ids=request.GET.getlist("pupil"),
            nc_year=request.GET.get("nc_year", ""),
            destination_urn=request.GET.get("destination_urn", ""),
        )
    except ValidationError as error:
        return _problem(
            request,
            "The Common Transfer File could not be made",
            " ".join(error.messages),
            status=400,
            back_url=reverse("transition:board"),
        )
    return _download(made.content, made.filename, "application/xml")


class CTFUploadForm(CairnForm):
    file = forms.FileField(
        label="Common Transfer File",
        help_text="The XML file from the pupil's previous school or your MIS.",
        error_messages={"required": "Choose the CTF to import."},
    )


@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    require_manage_transition(request.roles)
    form = CTFUploadForm(posted(request), request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", f"The file is larger than the {MAX_BYTES // (1024 * 1024)} MB limit.")
        else:
            report = import_ctf(upload.read(), imported_by=request.user)
    status = 400 if (form.is_bound and form.errors) or (report is not None and not report.ok) else 200
    context = {"form": form, "report": report}
    return render(request, TEMPLATES + "import.html", context, status=status)


# --- Transition files ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def send_transition_file(request: HttpRequest, pupil_id: int) -> HttpResponse:
    require_manage_transition(request.roles)
    pupil = pupil_for(request, pupil_id)
    documents = list(Document.objects.filter(pupil=pupil).order_by("-uploaded_at"))
    form = TransitionFileForm(
        posted(request),
        documents=documents,
        has_ehc_plan=has_ehc_plan(pupil),
        initial={"sections": list(DEFAULT_SECTIONS)},
    )
    destination = destination_of(pupil)

    def send(data: dict[str, Any]) -> HttpResponse | None:
        """Send through the exchange (None: done), or answer with the download or the damaged document."""
        chosen = dict(sections=data["sections"], document_ids=data.get("documents") or [])
        try:
            if destination is not None:
                handover.send_transition_file(pupil, organisation=request.tenant, sent_by=request.user, **chosen)
                return None
            bundle = handover.transition_bundle(pupil, organisation=request.tenant, exported_by=request.user, **chosen)
        except DocumentIntegrityError:
            reason = (
                "One of the chosen documents failed its integrity check, so nothing was sent. Send the file "
                "without it, or upload the document again."
            )
            back = reverse("ctf-transition-send", args=[pupil.pk])
            return _problem(request, "A chosen document is damaged", reason, status=409, back_url=back)
        return _download(bundle.content, bundle.filename, "application/zip")

    if destination is not None:
        intro = f"The file goes to {destination.name} through the secure exchange; their SENCO imports it into their register."
        button = "Send the transition file"
    else:
        intro = (
            f"{pupil.destination or 'The destination school'} is not on Cairn, so the file downloads as a PDF and a "
            "Common Transfer File (in one zip) for you to send securely."
        )
        button = "Download PDF and CTF"
    context = {
        "form": form,
        "title": "Transition file",
        "caption": pupil.display_name,
        "intro": intro,
        "button": button,
        "back_url": reverse("transition:pupil", args=[pupil.pk]),
    }
    return act(
        request,
        form,
        send,
        success=lambda _: f"{pupil.first_name}'s transition file has been sent to {destination.name}.",
        redirect_to=reverse("transition:pupil", args=[pupil.pk]),
        page=lambda: form_page(request, "send_core/form_page.html", context, form),
    )


def _received(request: HttpRequest, envelope_id: int) -> Envelope:
    require_exchange_access(request.roles, request.tenant)
    require_manage_transition(request.roles)
    try:
        envelope = exchange_selectors.envelope_for(request.tenant, envelope_id)
    except Envelope.DoesNotExist:
        raise Http404("There is no transition file with this number for your school.") from None
    return envelope


@require_GET
def received(request: HttpRequest, envelope_id: int) -> HttpResponse:
    """Preview a transition file received (the open is audited on both sides)."""
    envelope = _received(request, envelope_id)
    back = reverse("transition:incoming")
    try:
        opened = handover.preview_transition_file(envelope, organisation=request.tenant, user=request.user)
    except EnvelopeUnavailable as error:
        return _problem(request, "This transition file is closed", " ".join(error.messages), status=410, back_url=back)
    except ExchangeIntegrityError:
        reason = "This file failed its integrity check, so Cairn has not shown it. Ask the school to send it again."
        return _problem(request, "This transition file is damaged", reason, status=409, back_url=back)
    except ValidationError as error:
        return _problem(
            request, "This transition file cannot be read", " ".join(error.messages), status=400, back_url=back
        )
    context = {
        "envelope": opened.envelope,
        "record": opened.payload,
        "documents": opened.documents,
        "imported": opened.envelope.state == EnvelopeState.ACKNOWLEDGED and opened.envelope.recipient_pupil_id,
    }
    return render(request, TEMPLATES + "received.html", context)


@require_POST
def import_received(request: HttpRequest, envelope_id: int) -> HttpResponse:
    envelope = _received(request, envelope_id)
    try:
        result = handover.import_transition_file(envelope, organisation=request.tenant, user=request.user)
    except DocumentIntegrityError:
        # The exchange's own integrity error is one of these; either way nothing was imported.
        reason = "This file failed its integrity check, so Cairn has not imported it. Ask the school to send it again."
        back = reverse("ctf-transition-received", args=[envelope_id])
        return _problem(request, "This transition file is damaged", reason, status=409, back_url=back)
    except ValidationError as error:
        return _problem(
            request,
            "The transition file was not imported",
            " ".join(error.messages),
            status=400,
            back_url=reverse("ctf-transition-received", args=[envelope_id]),
        )
    how = "matched by UPN to the pupil already on your roll" if result.matched else "added to your roll"
    messages.success(
        request, f"{result.pupil.display_name} has been {how}, with their history from the previous school."
    )
    return redirect("send_core:pupil", result.pupil.pk)
