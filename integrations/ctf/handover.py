"""Handing a transition file on: through the exchange to a Cairn school, or as PDF and CTF to any other.

The primary school's side assembles the file with `send_core.transition` (which checks consent,
role and destination) and sends it as an envelope of kind "transition_file". The next school's
side previews the envelope and imports it into its own register; importing links the envelope
to the pupil, acknowledges it, and tells the sender's board the file has arrived.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from send_platform.crypto import delete_stored

from integrations.exchange import services as exchange
from integrations.exchange.models import Envelope, EnvelopeKind, EnvelopeState
from send_core.models import Document, DocumentKind, Pupil
from send_core.services.documents import close_uploads, documents_as_uploads, upload_document
from send_core.transition.importing import ImportedFile, check_record, import_transition_record
from send_core.transition.models import HandoverMethod, TransitionFile
from send_core.transition.records import DEFAULT_SECTIONS
from send_core.transition.services import note_file_received, note_file_sent, prepare_transition_file
from tenants.models import Organisation

from .ctf import export_ctf
from .exports import ctf_filename
from .pdf import transition_pdf

# A transition file stays open to the next school for a school year.
EXPIRY_DAYS = 366


def send_transition_file(
    pupil: Pupil,
    *,
    organisation: Organisation,
    sent_by: Any,
    sections: Iterable[str] = DEFAULT_SECTIONS,
    document_ids: Iterable[int] = (),
) -> TransitionFile:
    """Send the pupil's transition file to their destination school on Cairn, through the exchange."""
    prepared = prepare_transition_file(pupil, prepared_by=sent_by, sections=sections, document_ids=document_ids)
    if prepared.destination is None:
        raise ValidationError(
            {
                "destination": f"{prepared.destination_name} is not on Cairn. Download the transition file as a PDF "
                "and Common Transfer File instead."
            }
        )
    files = documents_as_uploads(prepared.documents, opened_by=sent_by)
    try:
        with transaction.atomic():
            envelope = exchange.send_envelope(
                sender=organisation,
                recipient=prepared.destination,
                kind=EnvelopeKind.TRANSITION_FILE,
                subject=f"Transition file {organisation.urn}-{pupil.pk}",
                payload=prepared.record,
                sent_by=sent_by,
                documents=files,
                expires_in_days=EXPIRY_DAYS,
                sender_pupil_id=pupil.pk,
            )
            return note_file_sent(prepared, sent_by=sent_by, method=HandoverMethod.EXCHANGE, envelope_id=envelope.pk)
    finally:
        close_uploads(files)


def _entry_name(number: int, title: str, filename: str) -> str:
    """A document's name in the zip: numbered (so two never collide) and unable to climb out of its folder."""
    # Whatever the uploader's filename held, only its last part is kept, with no path characters.
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].replace("..", "").strip(". ")
    return f"documents/{number:02d}-{slugify(title)[:60] or 'document'}-{base or 'document'}"


@dataclass(frozen=True)
class Bundle:
    filename: str
    content: bytes


def transition_bundle(
    pupil: Pupil,
    *,
    organisation: Organisation,
    exported_by: Any,
    sections: Iterable[str] = DEFAULT_SECTIONS,
    document_ids: Iterable[int] = (),
) -> Bundle:
    """For a school not on Cairn: one zip holding the PDF, the CTF and the chosen documents."""
    prepared = prepare_transition_file(pupil, prepared_by=exported_by, sections=sections, document_ids=document_ids)
    destination = prepared.destination
    ctf = export_ctf([pupil], source=organisation, destination=destination, sections=prepared.sections)
    pdf = transition_pdf(prepared.record)
    stem = f"transition-{organisation.urn}-{pupil.pk}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.pdf", pdf)
        archive.writestr(ctf_filename(organisation, destination), ctf)
        files = documents_as_uploads(prepared.documents, opened_by=exported_by)
        try:
            for number, (title, handle) in enumerate(files, start=1):
                archive.writestr(_entry_name(number, title, handle.name), handle.read())
        finally:
            close_uploads(files)
    note_file_sent(prepared, sent_by=exported_by, method=HandoverMethod.PDF_AND_CTF)
    return Bundle(filename=f"{stem}.zip", content=buffer.getvalue())


# --- The next school's side ------------------------------------------------------------------


def _transition_envelope(envelope: Envelope, organisation: Organisation) -> Envelope:
    if envelope.kind != EnvelopeKind.TRANSITION_FILE:
        raise PermissionDenied("This envelope is not a transition file.")
    if envelope.recipient_id != organisation.pk:
        raise PermissionDenied("Only the school a transition file was sent to can import it.")
    return envelope


def preview_transition_file(envelope: Envelope, *, organisation: Organisation, user: Any) -> exchange.OpenedEnvelope:
    """Open the transition file (audited on both sides) to see what importing it would bring in."""
    _transition_envelope(envelope, organisation)
    opened = exchange.open_envelope(envelope, organisation=organisation, user=user)
    check_record(opened.payload)
    return opened


def import_transition_file(envelope: Envelope, *, organisation: Organisation, user: Any) -> ImportedFile:
    """Bring the file into this school's register (matched by UPN), with its documents; then acknowledge it."""
    _transition_envelope(envelope, organisation)
    opened = exchange.open_envelope(envelope, organisation=organisation, user=user)
    stored: list[str] = []
    try:
        with transaction.atomic():
            result = import_transition_record(opened.payload, imported_by=user)
            have = set(Document.objects.filter(pupil=result.pupil).values_list("sha256", flat=True))
            # Every document is checked and read whole before any is stored, so a damaged one stores nothing.
            wanted = [item for item in opened.documents if item.sha256 not in have]
            contents = [b"".join(exchange.read_document(item, organisation=organisation, user=user)) for item in wanted]
            for item, content in zip(wanted, contents, strict=True):
                document = upload_document(
                    result.pupil,
                    uploaded_by=user,
                    title=item.title,
                    kind=DocumentKind.REPORT,
                    content=io.BytesIO(content),
                    original_filename=item.original_filename,
                )
                stored.append(document.storage_name)
            if wanted:
                result.added["documents"] = len(wanted)
            exchange.link_recipient_pupil(envelope, organisation=organisation, user=user, pupil_id=result.pupil.pk)
            envelope.refresh_from_db()
            if envelope.state != EnvelopeState.ACKNOWLEDGED:
                exchange.acknowledge_envelope(envelope, organisation=organisation, user=user)
            note_file_received(envelope_id=envelope.pk, recipient_pupil_id=result.pupil.pk, imported_by=user)
    except BaseException:
        # The rows were rolled back, so the encrypted files stored for them go too.
        for name in stored:
            delete_stored(name)
        raise
    return result
