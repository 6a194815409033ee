"""Handing the transition file on: through the exchange, previewed and imported by the next school; or as PDF and CTF."""

from __future__ import annotations

import io
import zipfile

from defusedxml.ElementTree import fromstring
from send_platform.audit.models import AuditEvent

from integrations.ctf import handover
from integrations.exchange.models import Envelope, EnvelopeKind, EnvelopeState
from send_core.models import (
    AgencyInvolvement,
    Assessment,
    ConsentScope,
    Document,
    MedicalCondition,
    PlanStatus,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Review,
    SupportPlan,
)
from send_core.services.documents import upload_document
from send_core.transition.models import TransitionFile
from tests.send_core.factories import PupilFactory

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nEducational psychology report\n%%EOF\n"


def _with_report(transition, in_schema):
    with in_schema(transition.primary):
        return upload_document(
            transition.pupil,
            uploaded_by=transition.senco_a,
            title="Educational psychology report",
            kind="report",
            content=io.BytesIO(PDF),
            original_filename="ep-report.pdf",
        )


def _send(transition, client_for, document=None):
    data = {"sections": ["needs", "plan", "reviews", "provision", "agencies", "medical", "profile"]}
    if document is not None:
        data["sections"].append("documents")
        data["documents"] = [document.pk]
    return client_for(transition.senco_a, transition.primary).post(
        f"/ctf/pupils/{transition.pupil.pk}/transition-file/", data
    )


def test_the_file_goes_through_the_exchange_and_the_secondary_imports_it(transition, in_schema, client_for):
    document = _with_report(transition, in_schema)
    sent = _send(transition, client_for, document)
    assert sent.status_code == 302
    envelope = Envelope.objects.get(sender=transition.primary, recipient=transition.secondary)
    assert envelope.kind == EnvelopeKind.TRANSITION_FILE and envelope.sender_pupil_id == transition.pupil.pk
    assert "Nowak" not in envelope.subject and envelope.documents.count() == 1
    handed_on = TransitionFile.objects.get(envelope_id=envelope.pk)
    assert handed_on.acknowledged_at is None

    client = client_for(transition.senco_high, transition.secondary)
    assert "Transition file from Ashgrove" in client.get("/transition/incoming/").content.decode()
    preview = client.get(f"/ctf/received/{envelope.pk}/")
    assert preview.status_code == 200
    assert "Tomas Nowak" in preview.content.decode() and "Coloured overlays" in preview.content.decode()
    # Previewing wrote nothing into the secondary's register.
    with in_schema(transition.secondary):
        assert not Pupil.objects.filter(upn=transition.pupil.upn).exists()

    imported = client.post(f"/ctf/received/{envelope.pk}/import/")
    assert imported.status_code == 302
    envelope.refresh_from_db()
    assert envelope.state == EnvelopeState.ACKNOWLEDGED
    with in_schema(transition.secondary):
        pupil = Pupil.objects.get(upn=transition.pupil.upn)
        assert imported["Location"] == f"/pupils/{pupil.pk}/"
        assert envelope.recipient_pupil_id == pupil.pk
        history = list(RegisterEntry.objects.filter(pupil=pupil).order_by("started_on", "id"))
        assert [e.census_code for e in history] == ["N", "K", "K"]
        assert history[-1].ended_on is None and "Ashgrove" in history[0].stage_label
        assert sorted(PupilNeed.objects.filter(pupil=pupil).values_list("need_type", "rank")) == [
            ("SLCN", "secondary"),
            ("SPLD", "primary"),
        ]
        plan = SupportPlan.objects.get(pupil=pupil)
        assert plan.status == PlanStatus.CLOSED and plan.strategies.startswith("Coloured overlays")
        assert plan.outcomes.count() == 2 and plan.provision.count() == 1
        assert Review.objects.filter(pupil=pupil, notes__startswith="Good progress").exists()
        assert AgencyInvolvement.objects.filter(pupil=pupil).count() == 1
        assert MedicalCondition.objects.get(pupil=pupil).condition == "Asthma"
        assert Assessment.objects.filter(pupil=pupil).count() == 2
        assert Document.objects.get(pupil=pupil).title == "Educational psychology report"
        assert AuditEvent.objects.filter(pupil_id=pupil.pk, summary__startswith="Imported a transition file").exists()
    handed_on.refresh_from_db()
    assert handed_on.acknowledged_at and handed_on.recipient_pupil_id == pupil.pk
    board = client_for(transition.senco_a, transition.primary).get("/transition/").content.decode()
    assert "Acknowledged" in board
    # Nothing reached the school the file was not for.
    with in_schema(transition.other):
        assert not Pupil.objects.filter(upn=transition.pupil.upn).exists()
    assert client_for(transition.senco_b, transition.other).get(f"/ctf/received/{envelope.pk}/").status_code == 404


def test_a_pupil_already_on_roll_is_matched_by_upn_and_not_duplicated(transition, in_schema, client_for):
    with in_schema(transition.secondary):
        existing = PupilFactory(
            upn=transition.pupil.upn,
            legal_first_name="Tomas",
            last_name="Nowak",
            nc_year="7",
            date_of_birth=transition.pupil.date_of_birth,
        )
    _send(transition, client_for)
    envelope = Envelope.objects.get(sender=transition.primary)
    with in_schema(transition.secondary):
        result = handover.import_transition_file(
            envelope, organisation=transition.secondary, user=transition.senco_high
        )
        assert result.matched and result.pupil.pk == existing.pk
        assert Pupil.objects.filter(upn=transition.pupil.upn).count() == 1
        # A second import adds nothing twice.
        again = handover.import_transition_file(envelope, organisation=transition.secondary, user=transition.senco_high)
        assert again.pupil.pk == existing.pk and "plans" not in again.added
        assert SupportPlan.objects.filter(pupil=existing).count() == 1
        assert RegisterEntry.objects.filter(pupil=existing).count() == 3


def test_without_consent_no_file_can_be_made(transition, in_schema, client_for):
    with in_schema(transition.primary):
        transition.pupil.consents.filter(scope=ConsentScope.SHARE_WITH_NEXT_SCHOOL).delete()
    refused = _send(transition, client_for)
    assert refused.status_code == 400
    assert "Parents have not given consent to share information with the next school" in refused.content.decode()
    assert not Envelope.objects.filter(sender=transition.primary).exists()
    assert not TransitionFile.objects.exists()


def test_a_school_not_on_cairn_gets_a_pdf_and_a_ctf(transition, in_schema, client_for):
    with in_schema(transition.primary):
        Pupil.objects.filter(pk=transition.pupil.pk).update(destination_urn="123456", destination="Riverside Academy")
    document = _with_report(transition, in_schema)
    page = client_for(transition.senco_a, transition.primary).get(f"/ctf/pupils/{transition.pupil.pk}/transition-file/")
    assert "Download PDF and CTF" in page.content.decode()
    # Only what the pupil has is offered: documents (there is one), no EHC plan (there is none).
    assert "Chosen documents" in page.content.decode() and "EHC plan" not in page.content.decode()
    download = _send(transition, client_for, document)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    names = archive.namelist()
    pdf = next(n for n in names if n.endswith(".pdf") and not n.startswith("documents/"))
    assert archive.read(pdf).startswith(b"%PDF")
    # CTF specification file name: source 991/2101, destination not known (MMMMMMM), first file.
    assert "9912101_CTF_MMMMMMM_001.xml" in names
    ctf = fromstring(archive.read("9912101_CTF_MMMMMMM_001.xml"))
    assert ctf.findtext("Header/DestSchool/LEA") == "MMM"
    assert ctf.findtext("CTFpupilData/Pupil/UPN") == transition.pupil.upn
    assert any(n.startswith("documents/") and archive.read(n) == PDF for n in names)
    handed_on = TransitionFile.objects.get(sender=transition.primary)
    assert handed_on.method == "pdf_ctf" and handed_on.destination_name == "Riverside Academy"
    assert not Envelope.objects.filter(sender=transition.primary).exists()


def test_the_ctf_api_exports_and_imports_with_reasons(transition, in_schema, client_for):
    primary = client_for(transition.senco_a, transition.primary)
    exported = primary.get(f"/ctf/api/export/?pupil={transition.pupil.pk}")
    assert exported.status_code == 200 and exported["Content-Type"] == "application/xml"
    assert fromstring(exported.content).findtext("CTFpupilData/Pupil/UPN") == transition.pupil.upn
    assert primary.get("/ctf/api/export/").status_code == 400
    assert client_for(transition.teacher_a, transition.primary).get("/ctf/api/export/?nc_year=6").status_code == 403

    secondary = client_for(transition.senco_high, transition.secondary)
    created = secondary.post("/ctf/api/import/", exported.content, content_type="application/xml")
    assert created.status_code == 201 and created.json()["created"] == [f"{transition.pupil.upn} (Tomas Nowak)"]
    refused = secondary.post("/ctf/api/import/", b"<CTfile><oops></CTfile>", content_type="application/xml")
    assert refused.status_code == 400
    assert refused.json()["refused"][0]["line"] == 1
    upload = io.BytesIO(exported.content)
    upload.name = "ctf.xml"
    again = secondary.post("/ctf/api/import/", {"file": upload})
    assert again.status_code == 201 and again.json()["unchanged"]


def test_the_ctf_pages_export_and_import(transition, in_schema, client_for):
    primary = client_for(transition.senco_a, transition.primary)
    cohort = primary.get("/ctf/export/?nc_year=6")
    assert cohort.status_code == 200 and b"<CTfile>" in cohort.content
    upload = io.BytesIO(b"<CTfile><Header></CTfile>")
    upload.name = "bad.xml"
    refused = client_for(transition.senco_high, transition.secondary).post("/ctf/import/", {"file": upload})
    assert refused.status_code == 400 and "Line 1:" in refused.content.decode()


def test_a_withdrawn_file_cannot_be_previewed_or_imported(transition, in_schema, client_for):
    from integrations.exchange.services import withdraw_envelope

    _send(transition, client_for)
    envelope = Envelope.objects.get(sender=transition.primary)
    withdraw_envelope(envelope, organisation=transition.primary, user=transition.senco_a)
    client = client_for(transition.senco_high, transition.secondary)
    preview = client.get(f"/ctf/received/{envelope.pk}/")
    assert preview.status_code == 410 and "withdrew" in preview.content.decode()
    assert client.post(f"/ctf/received/{envelope.pk}/import/").status_code == 400
    with in_schema(transition.secondary):
        assert not Pupil.objects.filter(upn=transition.pupil.upn).exists()


def test_only_a_transition_envelope_is_imported_and_only_by_its_recipient(transition, in_schema, client_for):
    from integrations.exchange.services import send_envelope

    other_kind = send_envelope(
        sender=transition.primary,
        recipient=transition.secondary,
        kind="transition_file",
        subject="Transition file",
        payload={"format": "something else"},
        sent_by=transition.senco_a,
    )
    client = client_for(transition.senco_high, transition.secondary)
    refused = client.get(f"/ctf/received/{other_kind.pk}/")
    assert refused.status_code == 400 and "not a Cairn transition file" in refused.content.decode()
    # The sender cannot import its own file, and a teacher at the secondary cannot open it.
    _send(transition, client_for)
    envelope = Envelope.objects.filter(sender=transition.primary).exclude(pk=other_kind.pk).get()
    assert (
        client_for(transition.senco_a, transition.primary).post(f"/ctf/received/{envelope.pk}/import/").status_code
        == 403
    )
    assert (
        client_for(transition.teacher_high, transition.secondary).get(f"/ctf/received/{envelope.pk}/").status_code
        == 403
    )


def test_acknowledging_on_the_exchange_pages_shows_on_the_board(transition, in_schema, client_for):
    assert _send(transition, client_for).status_code == 302
    envelope = Envelope.objects.get(sender=transition.primary, recipient=transition.secondary)
    client = client_for(transition.senco_high, transition.secondary)
    assert client.get(f"/exchange/{envelope.pk}/").status_code == 200
    assert client.post(f"/exchange/{envelope.pk}/acknowledge/").status_code == 302
    assert TransitionFile.objects.get(envelope_id=envelope.pk).acknowledged_at is not None
