"""A damaged document stops a transition file cleanly: a 409 page, nothing imported, no stray files kept."""

from __future__ import annotations

import io

import pytest

from integrations.ctf import handover
from integrations.exchange.models import Envelope, EnvelopeDocument
from integrations.exchange.sealing import ExchangeIntegrityError
from send_core.models import Document, Pupil
from send_core.services.documents import upload_document
from send_core.transition.models import TransitionFile

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nOccupational therapy report\n%%EOF\n"
SECTIONS = ["needs", "plan", "reviews", "provision", "agencies", "medical", "profile", "documents"]


def _upload(transition, in_schema, title, extra=b""):
    with in_schema(transition.primary):
        return upload_document(
            transition.pupil,
            uploaded_by=transition.senco_a,
            title=title,
            kind="report",
            content=io.BytesIO(PDF + extra),
            original_filename=f"{title.lower().replace(' ', '-')}.pdf",
        )


def _damage(media, storage_name):
    path = media / storage_name
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))


def _stored(media):
    return sorted(p for p in media.rglob("*") if p.is_file())


def _send(transition, client_for, documents):
    return client_for(transition.senco_a, transition.primary).post(
        f"/ctf/pupils/{transition.pupil.pk}/transition-file/",
        {"sections": SECTIONS, "documents": [d.pk for d in documents]},
    )


def test_sending_with_a_damaged_document_shows_the_damaged_page_and_sends_nothing(
    transition, in_schema, client_for, media
):
    document = _upload(transition, in_schema, "OT report")
    with in_schema(transition.primary):
        _damage(media, Document.objects.get(pk=document.pk).storage_name)
    response = _send(transition, client_for, [document])
    assert response.status_code == 409
    assert "A chosen document is damaged" in response.content.decode()
    assert not Envelope.objects.filter(sender=transition.primary).exists()
    assert not TransitionFile.objects.filter(sender=transition.primary).exists()


def test_importing_a_file_with_a_damaged_document_shows_the_damaged_page(transition, in_schema, client_for, media):
    first = _upload(transition, in_schema, "OT report")
    second = _upload(transition, in_schema, "EP report", b"second")
    assert _send(transition, client_for, [first, second]).status_code == 302
    envelope = Envelope.objects.get(sender=transition.primary)
    _damage(media, EnvelopeDocument.objects.filter(envelope=envelope).order_by("id").last().storage_name)
    response = client_for(transition.senco_high, transition.secondary).post(f"/ctf/received/{envelope.pk}/import/")
    assert response.status_code == 409
    assert "This transition file is damaged" in response.content.decode()
    with in_schema(transition.secondary):
        assert not Pupil.objects.filter(upn=transition.pupil.upn).exists()
    assert Envelope.objects.get(pk=envelope.pk).recipient_pupil_id is None


@pytest.mark.parametrize("damaged", ["first", "last"])
def test_a_rolled_back_import_leaves_no_stored_document_behind(transition, in_schema, client_for, media, damaged):
    documents = [_upload(transition, in_schema, f"Report {n}", bytes([n])) for n in range(3)]
    assert _send(transition, client_for, documents).status_code == 302
    envelope = Envelope.objects.get(sender=transition.primary)
    items = EnvelopeDocument.objects.filter(envelope=envelope).order_by("id")
    _damage(media, (items.first() if damaged == "first" else items.last()).storage_name)
    before = _stored(media)
    with in_schema(transition.secondary):
        with pytest.raises(ExchangeIntegrityError):
            handover.import_transition_file(envelope, organisation=transition.secondary, user=transition.senco_high)
        assert not Document.objects.exists()
        assert not Pupil.objects.filter(upn=transition.pupil.upn).exists()
    assert _stored(media) == before
