"""The exchange pages: inbox and sent list, an envelope, replying within a thread, downloads.

Views only parse, call one service or selector, and render. Access: the organisation's exchange
roles (SENCO and headteacher in a school; caseworker and SEN manager in an LA); nobody else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page
from send_platform.uploads import ALLOWED_DOCUMENT_TYPES, describe_size, limited_upload

from . import links, selectors, services
from .forms import InformationRequestForm
from .models import Envelope, EnvelopeDocument, EnvelopeKind, EnvelopeState
from .permissions import require_exchange_access
from .sealing import ExchangeIntegrityError

PAGE_SIZE = 50
TEMPLATES = "integrations/exchange/"


def exchange_staff(view: Callable) -> Callable:
    """Only people with an exchange role in this organisation get past."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        require_exchange_access(request.roles, request.tenant)
        return view(request, *args, **kwargs)

    return wrapped


def _envelope(request: HttpRequest, envelope_id: int) -> Envelope:
    try:
        return selectors.envelope_for(request.tenant, envelope_id)
    except Envelope.DoesNotExist:
        services.record_refused_attempt(envelope_id, organisation=request.tenant, user=request.user)
        raise Http404("There is no envelope with this number for your organisation.") from None


def _integrity_error(request: HttpRequest, envelope: Envelope, what: str) -> HttpResponse:
    return render(
        request,
        TEMPLATES + "integrity_error.html",
        {"envelope": envelope, "what": what},
        status=409,
    )


@exchange_staff
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    organisation = request.tenant
    services.deliver_inbox(organisation)
    received = Paginator(selectors.inbox(organisation), PAGE_SIZE).get_page(request.GET.get("received"))
    sent = Paginator(selectors.sent_items(organisation), PAGE_SIZE).get_page(request.GET.get("sent"))
    for page in (received, sent):
        page.object_list = selectors.reveal_envelopes(page.object_list, organisation)
    return render(request, TEMPLATES + "inbox.html", {"received": received, "sent": sent})


def _document_rows(request: HttpRequest, documents: list[EnvelopeDocument]) -> list[dict]:
    return [
        {
            "document": document,
            "type_label": ALLOWED_DOCUMENT_TYPES.get(document.content_type, document.content_type),
            "size": describe_size(document.size),
            "link": links.document_link(document, request.user, request.tenant),
        }
        for document in documents
    ]


@exchange_staff
@require_GET
def envelope(request: HttpRequest, envelope_id: int) -> HttpResponse:
    organisation = request.tenant
    item = _envelope(request, envelope_id)
    context: dict = {
        "envelope": selectors.reveal_envelopes([item], organisation)[0],
        "thread": selectors.reveal_envelopes(selectors.thread_of(item), organisation),
    }
    is_sender = item.sender_id == organisation.pk
    context["is_sender"] = is_sender
    try:
        opened = services.open_envelope(item, organisation=organisation, user=request.user)
    except services.EnvelopeUnavailable as error:
        context["unavailable"] = error.messages[0]
        return render(request, TEMPLATES + "envelope.html", context, status=410)
    except ExchangeIntegrityError:
        return _integrity_error(request, item, "contents")
    item = opened.envelope
    context.update(
        envelope=item,
        payload_rows=selectors.payload_rows(opened.payload),
        documents=_document_rows(request, opened.documents),
        can_acknowledge=not is_sender and item.state == EnvelopeState.OPENED,
        can_withdraw=is_sender and item.is_open,
        can_reply=item.state != EnvelopeState.WITHDRAWN,
    )
    return render(request, TEMPLATES + "envelope.html", context)


@exchange_staff
@require_POST
def acknowledge(request: HttpRequest, envelope_id: int) -> HttpResponse:
    item = _envelope(request, envelope_id)
    try:
        services.acknowledge_envelope(item, organisation=request.tenant, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"You acknowledged {item.kind_in_sentence} {item.pk}.")
    return redirect("exchange-envelope", envelope_id=item.pk)


@exchange_staff
@require_POST
def withdraw(request: HttpRequest, envelope_id: int) -> HttpResponse:
    item = _envelope(request, envelope_id)
    try:
        services.withdraw_envelope(item, organisation=request.tenant, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"You withdrew {item.kind_in_sentence} {item.pk}.")
    return redirect("exchange-envelope", envelope_id=item.pk)


_FORM_FIELDS = {"subject": "subject", "documents": "document", "payload": "message"}


@limited_upload()
@exchange_staff
@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, envelope_id: int) -> HttpResponse:
    organisation = request.tenant
    item = _envelope(request, envelope_id)
    other = item.recipient if item.sender_id == organisation.pk else item.sender
    form = InformationRequestForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "subject": f"{selectors.reveal_envelopes([item], organisation)[0].subject}: further information"[:200]
        },
    )
    if request.method == "POST" and getattr(request, "upload_refused", None):
        form.add_error("document", f"{request.upload_refused}.")

    def send(data: dict[str, Any]) -> Envelope:
        documents = [(data["document_title"], data["document"])] if data.get("document") else []
        try:
            return services.send_envelope(
                sender=organisation,
                recipient=other,
                kind=EnvelopeKind.INFORMATION_REQUEST,
                subject=data["subject"],
                payload={"message": data["message"]},
                sent_by=request.user,
                documents=documents,
                reply_to=item,
            )
        except ValidationError as error:
            raise _on_form(error) from error

    return act(
        request,
        form,
        send,
        success=f"Your information request went to {other.name}.",
        redirect_to=lambda sent: reverse("exchange-envelope", kwargs={"envelope_id": sent.pk}),
        page=lambda: form_page(
            request, TEMPLATES + "reply.html", {"envelope": item, "other": other, "form": form}, form
        ),
    )


def _on_form(error: ValidationError) -> ValidationError:
    """The exchange's reasons under the reply form's field names; any other reason goes above the form."""
    named: dict[str, list[str]] = {}
    for key, problems in error.message_dict.items():
        named.setdefault(_FORM_FIELDS.get(key, NON_FIELD_ERRORS), []).extend(problems)
    return ValidationError(named)


@exchange_staff
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    organisation = request.tenant
    grant = links.check_document_token(token, user=request.user, organisation=organisation)
    try:
        document = selectors.document_for(organisation, grant.document_id)
    except EnvelopeDocument.DoesNotExist:
        raise Http404("There is no such document for your organisation.") from None
    try:
        chunks = services.read_document(document, organisation=organisation, user=request.user)
    except services.EnvelopeUnavailable as error:
        return render(
            request,
            TEMPLATES + "envelope.html",
            {"envelope": document.envelope, "unavailable": error.messages[0], "thread": [document.envelope]},
            status=410,
        )
    except ExchangeIntegrityError:
        return _integrity_error(request, document.envelope, "document")
    selectors.reveal_documents([document], organisation)
    response = StreamingHttpResponse(chunks, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_filename)
    response["Content-Length"] = str(document.size)
    response["Cache-Control"] = "no-store, private"
    return response
