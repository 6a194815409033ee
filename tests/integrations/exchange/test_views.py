"""The exchange pages: who may see them, what they show, downloads through short-lived signed links."""

from __future__ import annotations

import hashlib
import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from send_platform.audit.models import AuditEvent

from integrations.exchange import links, services
from integrations.exchange.models import Envelope
from tests.integrations.exchange.conftest import PDF, SECRET_IN_DOCUMENT, SECRET_IN_PAYLOAD, stored_files

PLAINTEXT = PDF + SECRET_IN_DOCUMENT + b"\n%%EOF\n"


def _download_path(envelope, user, organisation) -> str:
    return links.document_link(envelope.documents.get(), user, organisation)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Who may come in -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "org, who, status",
    [
        ("school_a", "senco_a", 200),
        ("school_a", "head_a", 200),
        ("school_a", "teacher_a", 403),
        ("school_a", "governor_a", 403),
        ("la", "caseworker", 200),
        ("la", "manager", 200),
        ("trust", "lead", 403),
    ],
)
def test_only_exchange_roles_see_the_pages(request, people, client_for, org, who, status):
    organisation = request.getfixturevalue(org)
    assert client_for(getattr(people, who), organisation).get("/exchange/").status_code == status


def test_anonymous_people_are_sent_to_sign_in(client_for, la):
    response = client_for(None, la).get("/exchange/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


# --- Inbox and envelope ----------------------------------------------------------------------


def test_inbox_lists_received_and_sent_and_delivers(ehc_request, people, client_for, school_a, la):
    response = client_for(people.caseworker, la).get("/exchange/")
    html = response.content.decode()
    assert "EHC request 2026-014" in html and "Ashgrove Primary School" in html
    assert "EHC needs assessment request" in html and "Delivered" in html
    assert SECRET_IN_PAYLOAD not in html
    assert Envelope.objects.get(pk=ehc_request.pk).state == "delivered"

    sent = client_for(people.senco_a, school_a).get("/exchange/").content.decode()
    assert "EHC request 2026-014" in sent and "Testshire Council" in sent
    assert Envelope.objects.get(pk=ehc_request.pk).state == "delivered"


def test_envelope_page_opens_renders_and_audits(ehc_request, people, client_for, school_a, la, in_schema):
    response = client_for(people.caseworker, la).get(f"/exchange/{ehc_request.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert SECRET_IN_PAYLOAD in html and "Read at age level; Join in group work" in html
    assert "Educational psychology report" in html and "/exchange/documents/" in html
    assert "Acknowledge" in html and "Withdraw" not in html
    assert Envelope.objects.get(pk=ehc_request.pk).state == "opened"
    for organisation in (la, school_a):
        with in_schema(organisation):
            assert AuditEvent.objects.filter(
                action="view", object_type="exchange_envelope", object_id=str(ehc_request.pk)
            ).exists()

    sender_page = client_for(people.senco_a, school_a).get(f"/exchange/{ehc_request.pk}/").content.decode()
    assert "Withdraw" in sender_page and ">Acknowledge<" not in sender_page


def test_acknowledge_and_then_withdraw_is_refused_with_a_message(ehc_request, people, client_for, school_a, la):
    caseworker = client_for(people.caseworker, la)
    caseworker.get(f"/exchange/{ehc_request.pk}/")
    response = caseworker.post(f"/exchange/{ehc_request.pk}/acknowledge/", follow=True)
    assert "You acknowledged EHC needs assessment request" in response.content.decode()
    assert Envelope.objects.get(pk=ehc_request.pk).state == "acknowledged"

    response = client_for(people.senco_a, school_a).post(f"/exchange/{ehc_request.pk}/withdraw/", follow=True)
    assert "so it can no longer be withdrawn" in response.content.decode()
    assert Envelope.objects.get(pk=ehc_request.pk).state == "acknowledged"


def test_withdraw_closes_the_envelope_to_the_recipient(ehc_request, people, client_for, school_a, la):
    response = client_for(people.senco_a, school_a).post(f"/exchange/{ehc_request.pk}/withdraw/", follow=True)
    assert "You withdrew" in response.content.decode()
    closed = client_for(people.caseworker, la).get(f"/exchange/{ehc_request.pk}/")
    assert closed.status_code == 410
    assert "withdrew this envelope" in closed.content.decode()
    assert SECRET_IN_PAYLOAD not in closed.content.decode()


def test_recipient_cannot_withdraw_and_sender_cannot_acknowledge(ehc_request, people, client_for, school_a, la):
    assert client_for(people.caseworker, la).post(f"/exchange/{ehc_request.pk}/withdraw/").status_code == 403
    assert client_for(people.senco_a, school_a).post(f"/exchange/{ehc_request.pk}/acknowledge/").status_code == 403


def test_a_third_party_cannot_list_open_or_download(ehc_request, people, client_for, school_b, la):
    client = client_for(people.senco_b, school_b)
    assert "EHC request 2026-014" not in client.get("/exchange/").content.decode()
    assert client.get(f"/exchange/{ehc_request.pk}/").status_code == 404
    assert client.post(f"/exchange/{ehc_request.pk}/withdraw/").status_code == 404
    assert client.get(f"/exchange/{ehc_request.pk}/reply/").status_code == 404
    # A link made for the caseworker, at the LA, is no good to school B: not on its host...
    made_for_caseworker = _download_path(ehc_request, people.caseworker, la)
    assert client.get(made_for_caseworker).status_code == 403
    # ...nor with school B's own organisation in it.
    for_school_b = _download_path(ehc_request, people.senco_b, school_b)
    assert client.get(for_school_b).status_code == 404


# --- Downloads -------------------------------------------------------------------------------


def test_download_streams_the_document_and_audits_it(ehc_request, people, client_for, school_a, la, in_schema):
    client = client_for(people.caseworker, la)
    response = client.get(_download_path(ehc_request, people.caseworker, la))
    assert response.status_code == 200
    body = _body(response)
    assert body == PLAINTEXT
    assert hashlib.sha256(body).hexdigest() == ehc_request.documents.get().sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Cache-Control"] == "no-store, private"
    for organisation in (la, school_a):
        with in_schema(organisation):
            assert AuditEvent.objects.filter(action="download", object_type="exchange_document").count() == 1


def test_a_link_for_someone_else_is_refused(ehc_request, people, client_for, la):
    link = _download_path(ehc_request, people.caseworker, la)
    response = client_for(people.manager, la).get(link)
    assert response.status_code == 403
    assert "made for someone else" in response.content.decode()


def test_forged_links_are_refused(ehc_request, people, client_for, la):
    client = client_for(people.caseworker, la)
    token = links.document_token(ehc_request.documents.get(), people.caseworker, la)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert client.get(f"/exchange/documents/{forged}/").status_code == 403
    wrong_salt = signing.dumps(
        {"d": ehc_request.documents.get().pk, "u": people.caseworker.pk, "o": la.pk}, salt="other"
    )
    assert client.get(f"/exchange/documents/{wrong_salt}/").status_code == 403
    assert client.get("/exchange/documents/not-a-token/").status_code == 403


class _SignedLongAgo(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 6 * 60)


def test_expired_links_are_refused(ehc_request, people, client_for, la):
    document = ehc_request.documents.get()
    token = _SignedLongAgo(salt=links.SALT).sign_object({"d": document.pk, "u": people.caseworker.pk, "o": la.pk})
    response = client_for(people.caseworker, la).get(f"/exchange/documents/{token}/")
    assert response.status_code == 403
    assert "This download link has expired" in response.content.decode()


def test_tampered_document_answers_409_with_a_clear_page(ehc_request, people, client_for, la, media):
    (path,) = stored_files(media)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    response = client_for(people.caseworker, la).get(_download_path(ehc_request, people.caseworker, la))
    assert response.status_code == 409
    assert not response.streaming
    assert "This document cannot be opened" in response.content.decode()
    assert "failed Cairn's integrity check" in response.content.decode()


def test_tampered_payload_answers_409(ehc_request, people, client_for, la):
    sealed = bytearray(Envelope.objects.get(pk=ehc_request.pk).payload_sealed)
    sealed[20] ^= 0x01
    Envelope.objects.filter(pk=ehc_request.pk).update(payload_sealed=bytes(sealed))
    response = client_for(people.caseworker, la).get(f"/exchange/{ehc_request.pk}/")
    assert response.status_code == 409
    assert "This envelope cannot be opened" in response.content.decode()
    assert Envelope.objects.get(pk=ehc_request.pk).state == "sent"


# --- Replying within a thread ----------------------------------------------------------------


def test_information_request_form_sends_in_the_thread(ehc_request, people, client_for, school_a, la, settings):
    client = client_for(people.caseworker, la)
    page = client.get(f"/exchange/{ehc_request.pk}/reply/")
    assert page.status_code == 200 and "Send an information request to Ashgrove Primary School" in page.content.decode()
    response = client.post(
        f"/exchange/{ehc_request.pk}/reply/",
        {
            "subject": "EHC request 2026-014: further information",
            "message": "Please send the last two reviews.",
            "document_title": "Checklist",
            "document": SimpleUploadedFile(
                "checklist.txt", b"1. Reviews\n2. Provision map\n", content_type="text/plain"
            ),
        },
        follow=True,
    )
    assert response.status_code == 200
    question = Envelope.objects.get(kind="information_request")
    assert (question.sender, question.recipient, question.reply_to_id) == (la, school_a, ehc_request.pk)
    html = response.content.decode()
    assert "Your information request went to Ashgrove Primary School" in html
    assert "Please send the last two reviews." in html and "Checklist" in html
    assert 'data-testid="thread"' in html

    # The school answers in the same thread; both envelopes show in its thread list.
    answer_page = client_for(people.senco_a, school_a).get(f"/exchange/{question.pk}/")
    assert (
        "EHC request 2026-014" in answer_page.content.decode()
        and 'data-testid="thread"' in answer_page.content.decode()
    )


def test_information_request_form_refusals(ehc_request, people, client_for, la, settings, media):
    client = client_for(people.caseworker, la)
    response = client.post(f"/exchange/{ehc_request.pk}/reply/", {"subject": "", "message": ""})
    assert response.status_code == 400
    exe = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 300)
    response = client.post(f"/exchange/{ehc_request.pk}/reply/", {"subject": "Ref", "message": "Hi", "document": exe})
    assert response.status_code == 400 and "is not a file type Cairn accepts" in response.content.decode()
    settings.CAIRN_DOCUMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("big.txt", b"x" * 5000)
    response = client.post(f"/exchange/{ehc_request.pk}/reply/", {"subject": "Ref", "message": "Hi", "document": big})
    assert response.status_code == 400 and "larger than the 100 bytes limit" in response.content.decode()
    assert Envelope.objects.count() == 1
    assert len(stored_files(media)) == 1


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("how_many", [5, 50])
def test_inbox_queries_are_bounded(send, people, client_for, school_a, la, how_many, django_assert_max_num_queries):
    for _ in range(how_many):
        send(documents=[])
    services.send_envelope(
        sender=la, recipient=school_a, kind="decision", subject="Decision 2026-014", payload={}, sent_by=people.manager
    )
    client = client_for(people.caseworker, la)
    client.get("/exchange/")  # the first visit also marks the envelopes delivered
    with django_assert_max_num_queries(11):
        response = client.get("/exchange/")
    assert response.content.decode().count("EHC request 2026-014") == how_many


def test_a_third_party_asking_for_an_envelope_is_audited(
    ehc_request, people, client_for, school_a, school_b, in_schema
):
    from send_platform.audit.models import AuditEvent

    assert client_for(people.senco_b, school_b).get(f"/exchange/{ehc_request.pk}/").status_code == 404
    for organisation in (school_b, school_a):
        with in_schema(organisation):
            assert AuditEvent.objects.filter(action="denied", object_id=str(ehc_request.pk)).exists(), organisation
