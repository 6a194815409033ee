"""Sending, opening, acknowledging, withdrawing and expiring envelopes; encryption at rest; audit on both sides."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from send_platform.audit.models import AuditEvent
from send_platform.crypto import unwrap_key

from integrations.exchange import sealing, services
from integrations.exchange.models import Envelope, EnvelopeDocument
from tests.integrations.exchange.conftest import (
    PDF,
    SECRET_IN_DOCUMENT,
    SECRET_IN_PAYLOAD,
    pdf,
    stored_files,
    upload,
)


def _read(document, organisation, user) -> bytes:
    return b"".join(services.read_document(document, organisation=organisation, user=user))


def _events(organisation, in_schema, **filters):
    with in_schema(organisation):
        return list(
            AuditEvent.objects.filter(**filters).values(
                "action", "object_type", "object_id", "pupil_id", "summary", "detail"
            )
        )


# --- At rest ---------------------------------------------------------------------------------


def test_payload_and_document_are_encrypted_at_rest(ehc_request, media):
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(e)::text FROM integrations_envelope e WHERE id = %s", [ehc_request.pk])
        (row,) = cursor.fetchone()
        cursor.execute("SELECT payload_sealed FROM integrations_envelope WHERE id = %s", [ehc_request.pk])
        (sealed,) = cursor.fetchone()
    assert SECRET_IN_PAYLOAD not in row
    assert SECRET_IN_PAYLOAD.encode() not in bytes(sealed)
    assert b"marker 5519" not in bytes(sealed)

    (document,) = ehc_request.documents.all()
    (path,) = stored_files(media)
    stored = path.read_bytes()
    assert SECRET_IN_DOCUMENT not in stored
    assert not stored.startswith(b"%PDF")
    assert document.storage_name.startswith("documents/exchange/")
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF + SECRET_IN_DOCUMENT + b"\n%%EOF\n")
    assert document.sha256 == hashlib.sha256(PDF + SECRET_IN_DOCUMENT + b"\n%%EOF\n").hexdigest()
    assert document.scan_status == "skipped"


def test_each_key_opens_only_for_its_own_organisation(ehc_request, school_a, school_b, la):
    envelope = Envelope.objects.get(pk=ehc_request.pk)
    data_key = unwrap_key(envelope.wrapped_key_sender, school_a.schema_name)
    assert unwrap_key(envelope.wrapped_key_recipient, la.schema_name) == data_key
    with pytest.raises(sealing.ExchangeIntegrityError):
        sealing.open_payload(
            envelope.payload_sealed,
            envelope.wrapped_key_recipient,
            reference=envelope.reference,
            payload_version=envelope.payload_version,
            schema_name=school_b.schema_name,
        )
    document = envelope.documents.get()
    assert unwrap_key(document.wrapped_key_sender, school_a.schema_name) == unwrap_key(
        document.wrapped_key_recipient, la.schema_name
    )
    assert unwrap_key(document.wrapped_key_sender, school_a.schema_name) != data_key


# --- Opening and reading ---------------------------------------------------------------------


def test_recipient_opens_and_reads_and_both_sides_audit_it(ehc_request, people, school_a, la, in_schema):
    opened = services.open_envelope(ehc_request, organisation=la, user=people.caseworker)
    assert opened.payload == {"summary": SECRET_IN_PAYLOAD, "outcomes": ["Read at age level", "Join in group work"]}
    assert opened.payload_version == 1
    assert opened.envelope.state == "opened"
    assert opened.envelope.opened_by == people.caseworker
    assert opened.envelope.delivered_at is not None

    (document,) = opened.documents
    assert _read(document, la, people.caseworker) == PDF + SECRET_IN_DOCUMENT + b"\n%%EOF\n"

    for organisation in (la, school_a):
        views = _events(
            organisation, in_schema, action="view", object_type="exchange_envelope", object_id=str(ehc_request.pk)
        )
        downloads = _events(
            organisation, in_schema, action="download", object_type="exchange_document", object_id=str(document.pk)
        )
        assert len(views) == 1 and len(downloads) == 1, organisation
        for event in views + downloads:
            text = str(event)
            assert SECRET_IN_PAYLOAD not in text and "EHC request 2026-014" not in text and "report.pdf" not in text
    # The pupil reference lands in the sender's own trail, in its own terms.
    assert _events(school_a, in_schema, action="view", object_type="exchange_envelope")[0]["pupil_id"] == 4242
    assert _events(la, in_schema, action="view", object_type="exchange_envelope")[0]["pupil_id"] is None


def test_sender_opening_its_own_envelope_does_not_change_its_state(ehc_request, people, school_a):
    opened = services.open_envelope(ehc_request, organisation=school_a, user=people.head_a)
    assert opened.envelope.state == "sent"
    assert _read(opened.documents[0], school_a, people.head_a).startswith(b"%PDF")


def test_delivery_then_opening(ehc_request, la):
    services.mark_delivered(ehc_request, organisation=la)
    assert Envelope.objects.get(pk=ehc_request.pk).state == "delivered"
    with pytest.raises(PermissionDenied):
        services.mark_delivered(ehc_request, organisation=ehc_request.sender)
    assert services.deliver_inbox(la) == 0


def test_a_third_party_can_neither_open_nor_read(ehc_request, people, school_b, la):
    with pytest.raises(PermissionDenied):
        services.open_envelope(ehc_request, organisation=school_b, user=people.senco_b)
    document = ehc_request.documents.get()
    with pytest.raises(PermissionDenied):
        services.read_document(document, organisation=school_b, user=people.senco_b)
    # Nor can a member of school B pretend to be the LA.
    with pytest.raises(PermissionDenied):
        services.open_envelope(ehc_request, organisation=la, user=people.senco_b)


@pytest.mark.parametrize("who", ["teacher_a", "governor_a"])
def test_other_school_roles_cannot_use_the_exchange(ehc_request, people, school_a, who):
    with pytest.raises(PermissionDenied):
        services.open_envelope(ehc_request, organisation=school_a, user=getattr(people, who))


def test_tampered_document_is_refused_before_any_byte(ehc_request, people, la, media):
    (path,) = stored_files(media)
    data = bytearray(path.read_bytes())
    data[40] ^= 0x01
    path.write_bytes(bytes(data))
    document = ehc_request.documents.get()
    with pytest.raises(sealing.ExchangeIntegrityError, match="damaged or has been altered"):
        services.read_document(document, organisation=la, user=people.caseworker)


def test_a_missing_document_is_an_integrity_error(ehc_request, people, la, media):
    (path,) = stored_files(media)
    path.unlink()
    with pytest.raises(sealing.ExchangeIntegrityError, match="missing"):
        services.read_document(ehc_request.documents.get(), organisation=la, user=people.caseworker)


def test_tampered_payload_is_refused(ehc_request, people, la):
    sealed = bytearray(Envelope.objects.get(pk=ehc_request.pk).payload_sealed)
    sealed[-1] ^= 0x01
    Envelope.objects.filter(pk=ehc_request.pk).update(payload_sealed=bytes(sealed))
    with pytest.raises(sealing.ExchangeIntegrityError, match="damaged or have been altered"):
        services.open_envelope(ehc_request, organisation=la, user=people.caseworker)
    assert Envelope.objects.get(pk=ehc_request.pk).state == "sent"


def test_a_payload_cannot_be_moved_to_another_envelope(send, people, la):
    first, second = send(), send(payload={"summary": "another"})
    source = Envelope.objects.get(pk=first.pk)
    Envelope.objects.filter(pk=second.pk).update(
        payload_sealed=source.payload_sealed,
        wrapped_key_sender=source.wrapped_key_sender,
        wrapped_key_recipient=source.wrapped_key_recipient,
    )
    with pytest.raises(sealing.ExchangeIntegrityError):
        services.open_envelope(second, organisation=la, user=people.caseworker)


# --- Acknowledging, withdrawing, expiring ----------------------------------------------------


def test_acknowledge_after_opening_only_by_the_recipient(ehc_request, people, school_a, la):
    with pytest.raises(ValidationError, match="Open the envelope before acknowledging it"):
        services.acknowledge_envelope(ehc_request, organisation=la, user=people.caseworker)
    services.open_envelope(ehc_request, organisation=la, user=people.caseworker)
    with pytest.raises(PermissionDenied, match="Only the recipient"):
        services.acknowledge_envelope(ehc_request, organisation=school_a, user=people.senco_a)
    acknowledged = services.acknowledge_envelope(ehc_request, organisation=la, user=people.manager)
    assert acknowledged.state == "acknowledged" and acknowledged.acknowledged_by == people.manager
    with pytest.raises(ValidationError, match="already acknowledged"):
        services.acknowledge_envelope(ehc_request, organisation=la, user=people.caseworker)


def test_withdraw_before_acknowledgement(ehc_request, people, school_a, la):
    services.open_envelope(ehc_request, organisation=la, user=people.caseworker)
    with pytest.raises(PermissionDenied, match="Only the sender"):
        services.withdraw_envelope(ehc_request, organisation=la, user=people.caseworker)
    withdrawn = services.withdraw_envelope(ehc_request, organisation=school_a, user=people.senco_a)
    assert withdrawn.state == "withdrawn" and withdrawn.withdrawn_by == people.senco_a
    with pytest.raises(services.EnvelopeUnavailable, match="withdrew this envelope"):
        services.open_envelope(ehc_request, organisation=la, user=people.caseworker)
    with pytest.raises(services.EnvelopeUnavailable):
        services.read_document(ehc_request.documents.get(), organisation=la, user=people.caseworker)
    # The sender still has its own record of what it sent.
    assert services.open_envelope(ehc_request, organisation=school_a, user=people.senco_a).payload
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.withdraw_envelope(ehc_request, organisation=school_a, user=people.senco_a)


def test_withdraw_after_acknowledgement_is_refused(ehc_request, people, school_a, la):
    services.open_envelope(ehc_request, organisation=la, user=people.caseworker)
    services.acknowledge_envelope(ehc_request, organisation=la, user=people.caseworker)
    with pytest.raises(
        ValidationError, match="Testshire Council acknowledged this envelope on .*, so it can no longer be withdrawn"
    ):
        services.withdraw_envelope(ehc_request, organisation=school_a, user=people.senco_a)
    assert Envelope.objects.get(pk=ehc_request.pk).state == "acknowledged"


def test_expiry_closes_unacknowledged_envelopes(send, people, la):
    old, acknowledged, fresh = send(expires_in_days=1), send(expires_in_days=1), send(expires_in_days=30)
    services.open_envelope(acknowledged, organisation=la, user=people.caseworker)
    services.acknowledge_envelope(acknowledged, organisation=la, user=people.caseworker)
    assert services.expire_envelopes(timezone.now()) == 0
    assert services.expire_envelopes(timezone.now() + timedelta(days=2)) == 1
    states = dict(Envelope.objects.values_list("pk", "state"))
    assert states == {old.pk: "expired", acknowledged.pk: "acknowledged", fresh.pk: "sent"}
    with pytest.raises(services.EnvelopeUnavailable, match="expired"):
        services.open_envelope(old, organisation=la, user=people.caseworker)
    with pytest.raises(ValidationError, match="expired"):
        services.withdraw_envelope(old, organisation=old.sender, user=people.senco_a)


def test_expiry_task(send):
    from integrations.exchange.tasks import expire_envelopes

    envelope = send()
    Envelope.objects.filter(pk=envelope.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert expire_envelopes.apply().get() == 1
    assert Envelope.objects.get(pk=envelope.pk).state == "expired"


# --- What may go where -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, sender, recipient, message",
    [
        (
            "ehc_request",
            "la",
            "school_a",
            "An EHC needs assessment request can only go from a school to a local authority, not from a local authority to a school.",
        ),
        ("ehc_request", "school_a", "school_b", "not from a school to a school"),
        ("decision", "school_a", "la", "A decision can only go from a local authority to a school"),
        ("final_plan", "school_a", "school_b", "A final EHC plan can only go from a local authority to a school"),
        ("transition_file", "school_a", "la", "A transition file can only go from a school to a school"),
        ("annual_review", "la", "school_a", "An annual review can only go from a school to a local authority"),
        ("ehc_request", "school_a", "trust", "not from a school to a multi-academy trust"),
        ("ehc_request", "school_a", "school_a", "An organisation cannot send an envelope to itself."),
        ("information_request", "school_a", "la", "An information request is sent in reply to an envelope"),
        ("something_else", "school_a", "la", "Choose what kind of envelope this is."),
    ],
)
def test_kinds_between_the_wrong_organisations_are_refused(request, people, media, kind, sender, recipient, message):
    sender_org, recipient_org = request.getfixturevalue(sender), request.getfixturevalue(recipient)
    user = people.caseworker if sender == "la" else people.senco_a
    with pytest.raises(ValidationError) as caught:
        services.send_envelope(
            sender=sender_org,
            recipient=recipient_org,
            kind=kind,
            subject="Ref 1",
            payload={},
            sent_by=user,
            documents=[("Report", pdf())],
        )
    assert message in " ".join(caught.value.messages)
    assert not Envelope.objects.exists()
    assert stored_files(media) == []


def test_decisions_plans_and_transition_files_travel_their_routes(people, school_a, secondary, la):
    for kind in ("decision", "draft_plan", "final_plan"):
        services.send_envelope(
            sender=la, recipient=school_a, kind=kind, subject="EHC 2026-014", payload={}, sent_by=people.manager
        )
    services.send_envelope(
        sender=school_a,
        recipient=secondary,
        kind="transition_file",
        subject="Transfer 2026-07",
        payload={},
        sent_by=people.head_a,
    )
    services.send_envelope(
        sender=school_a, recipient=la, kind="annual_review", subject="AR 2026-3", payload={}, sent_by=people.senco_a
    )
    assert Envelope.objects.count() == 5


def test_only_exchange_roles_of_the_sender_may_send(people, school_a, la):
    for user, sender in ((people.teacher_a, school_a), (people.caseworker, school_a), (people.lead, school_a)):
        with pytest.raises(PermissionDenied):
            services.send_envelope(
                sender=sender, recipient=la, kind="ehc_request", subject="Ref", payload={}, sent_by=user
            )
    assert not Envelope.objects.exists()


def test_information_requests_travel_within_the_thread(ehc_request, people, school_a, school_b, la):
    question = services.send_envelope(
        sender=la,
        recipient=school_a,
        kind="information_request",
        subject="EHC 2026-014: more evidence",
        payload={"message": "Please send the last two reviews."},
        sent_by=people.caseworker,
        reply_to=ehc_request,
    )
    answer = services.send_envelope(
        sender=school_a,
        recipient=la,
        kind="information_request",
        subject="EHC 2026-014: reviews",
        payload={"message": "Attached."},
        sent_by=people.senco_a,
        reply_to=question,
        documents=[("Reviews", pdf("reviews.pdf"))],
    )
    assert question.thread_root_id == ehc_request.pk and answer.thread_root_id == ehc_request.pk
    assert answer.sender_pupil_id == 4242  # the school's own reference carries through the thread
    assert question.recipient_pupil_id == 4242
    with pytest.raises(ValidationError, match="between the two organisations of its thread"):
        services.send_envelope(
            sender=school_b,
            recipient=la,
            kind="information_request",
            subject="x",
            payload={},
            sent_by=people.senco_b,
            reply_to=ehc_request,
        )
    services.withdraw_envelope(question, organisation=la, user=people.caseworker)
    with pytest.raises(ValidationError, match="withdrawn, so it cannot be replied to"):
        services.send_envelope(
            sender=school_a,
            recipient=la,
            kind="information_request",
            subject="x",
            payload={},
            sent_by=people.senco_a,
            reply_to=question,
        )


def test_payload_subject_and_expiry_are_checked(people, school_a, la):
    base = dict(sender=school_a, recipient=la, kind="ehc_request", sent_by=people.senco_a)
    with pytest.raises(ValidationError, match="Enter a subject"):
        services.send_envelope(**base, subject="  ", payload={})
    with pytest.raises(ValidationError, match="set of named fields"):
        services.send_envelope(**base, subject="Ref", payload=["not", "a", "dict"])
    with pytest.raises(ValidationError, match="cannot be stored as JSON"):
        services.send_envelope(**base, subject="Ref", payload={"x": object()})
    with pytest.raises(ValidationError, match="larger than the 512 KB limit"):
        services.send_envelope(**base, subject="Ref", payload={"x": "a" * 600_000})
    with pytest.raises(ValidationError, match="expires after 1 to 366 days"):
        services.send_envelope(**base, subject="Ref", payload={}, expires_in_days=0)
    with pytest.raises(ValidationError, match="positive whole number"):
        services.send_envelope(**base, subject="Ref", payload={}, sender_pupil_id=-3)
    assert not Envelope.objects.exists()


def test_recipient_links_the_envelope_to_its_own_pupil(ehc_request, people, school_a, la, in_schema):
    services.link_recipient_pupil(ehc_request, organisation=la, user=people.caseworker, pupil_id=77)
    assert Envelope.objects.get(pk=ehc_request.pk).recipient_pupil_id == 77
    with pytest.raises(PermissionDenied):
        services.link_recipient_pupil(ehc_request, organisation=school_a, user=people.senco_a, pupil_id=78)
    assert _events(la, in_schema, pupil_id=77, object_type="exchange_envelope")


# --- Refusals leave nothing behind -----------------------------------------------------------


def test_disallowed_document_refuses_the_whole_send(send, media):
    executable = upload(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "setup.exe")
    with pytest.raises(ValidationError, match=r"setup.exe: This file \(EXE\) is not a file type Cairn accepts"):
        send(documents=[("Fine", pdf()), ("Not fine", executable)])
    assert not Envelope.objects.exists() and not EnvelopeDocument.objects.exists()
    assert stored_files(media) == []


def test_oversized_document_refuses_the_whole_send(send, media, settings):
    settings.CAIRN_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="big.txt: The file is larger than the 1 KB limit"):
        send(documents=[("Small", upload(b"fine\n", "small.txt")), ("Big", upload(b"x" * 1025, "big.txt"))])
    assert not Envelope.objects.exists()
    assert stored_files(media) == []


def test_a_failure_after_storing_removes_the_stored_files(send, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_audit", fail)
    with pytest.raises(RuntimeError):
        send(documents=[("One", pdf()), ("Two", pdf("two.pdf"))])
    assert not Envelope.objects.exists()
    assert stored_files(media) == []


def test_too_many_documents(send):
    with pytest.raises(ValidationError, match="at most 20 documents"):
        send(documents=[("d", pdf()) for _ in range(21)])


def test_a_third_party_attempt_is_audited_in_its_own_trail_and_the_senders(
    ehc_request, people, school_a, school_b, in_schema
):
    from send_platform.audit.models import AuditEvent

    with pytest.raises(PermissionDenied):
        services.open_envelope(ehc_request, organisation=school_b, user=people.senco_b)
    for organisation in (school_b, school_a):
        with in_schema(organisation):
            refused = AuditEvent.objects.filter(
                action="denied", object_id=str(ehc_request.pk), actor_id=people.senco_b.pk
            )
            assert refused.count() == 1, organisation


def test_subjects_and_document_names_are_sealed_at_rest_and_revealed_to_the_parties(
    send, people, school_a, school_b, la
):
    from django.db import connection

    from integrations.exchange import selectors
    from tests.integrations.exchange.conftest import pdf

    envelope = send(subject="Request for Amara Okafor", documents=[("Amara Okafor EP report", pdf("amara-okafor.pdf"))])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.subject, d.title, d.original_filename FROM integrations_envelope e "
            "JOIN integrations_envelopedocument d ON d.envelope_id = e.id WHERE e.id = %s",
            [envelope.pk],
        )
        subject, title, filename = cursor.fetchone()
    assert "Okafor" not in subject + title + filename
    assert (title, filename) == ("Document 1", "document-1.pdf")
    opened = services.open_envelope(Envelope.objects.get(pk=envelope.pk), organisation=la, user=people.caseworker)
    assert opened.envelope.subject == "Request for Amara Okafor"
    (document,) = opened.documents
    assert (document.title, document.original_filename) == ("Amara Okafor EP report", "amara-okafor.pdf")
    # Revealed rows are for reading only: saving one whole would write the subject in the clear.
    with pytest.raises(RuntimeError):
        opened.envelope.save()
    # The sender sees its own subject in its lists; a third party never gets a key to it.
    (listed,) = selectors.reveal_envelopes(selectors.sent_items(school_a), school_a)
    assert listed.subject == "Request for Amara Okafor"
    (unrevealed,) = selectors.reveal_envelopes([Envelope.objects.get(pk=envelope.pk)], school_b)
    assert "Okafor" not in unrevealed.subject


def test_files_left_by_a_rolled_back_send_are_swept_once_a_day_old(send, media):
    import datetime
    import os
    import time

    from django.db import transaction

    kept = send()
    with pytest.raises(RuntimeError), transaction.atomic():
        send(subject="Rolled back")
        raise RuntimeError("the larger act failed after the send")
    files = stored_files(media)
    assert len(files) == 2  # the kept envelope's document, and the orphan
    assert services.sweep_orphan_documents() == 0  # too new to touch
    old = time.time() - 2 * 86400
    for path in files:
        os.utime(path, (old, old))
    assert services.sweep_orphan_documents(older_than=datetime.timedelta(days=1)) == 1
    (left,) = stored_files(media)
    assert kept.documents.get().storage_name.endswith(left.name)
