"""A request from a school to its LA and back, through the exchange: every step, and who cannot see it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from send_platform.audit.models import AuditEvent

from integrations.exchange.models import Envelope
from send_core.ehc.casework import plans as plan_acts
from send_core.ehc.casework import services as case_acts
from send_core.ehc.models import CaseStatus, EhcCase, EhcPlan, EhcRequest, RequestStatus
from send_core.ehc.requests import services as request_acts
from send_core.exchange import get_exchange
from send_core.models import RegisterEntry
from send_core.selectors.register import current_stage

from .conftest import make_ready_pupil

pytestmark = pytest.mark.django_db

SECTIONS = {
    "a": "Amara loves drawing; her parents want her to enjoy reading.",
    "b": "Specific learning difficulty affecting reading and spelling.",
    "e": "By July 2027 Amara will read age-appropriate texts with 90% accuracy.",
    "f": "Daily 1:1 structured literacy for 20 minutes from a trained TA.",
    "i": "Ashgrove Primary School",
}


def submitted_request(in_schema, school_a, people):
    with in_schema(school_a):
        pupil = make_ready_pupil()
        request = request_acts.start_ehc_request(pupil, started_by=people.senco)
        request.reason = "Two years of SEN Support with little progress in reading."
        request.save()
        request = request_acts.submit_ehc_request(request, submitted_by=people.senco)
    return pupil, request


def test_the_whole_journey_ends_with_the_pupil_on_an_ehc_plan(in_schema, school_a, la, people):
    pupil, request = submitted_request(in_schema, school_a, people)
    assert request.status == RequestStatus.SUBMITTED
    envelope = Envelope.objects.get(pk=request.envelope_id)
    assert (envelope.sender, envelope.recipient, envelope.kind) == (school_a, la, "ehc_request")

    with in_schema(la):
        case = case_acts.open_ehc_request(envelope.pk, opened_by=people.caseworker)
        assert case.child_name == "Amara Okafor"
        assert case.received_on == timezone.localdate(envelope.sent_at)
        assert set(case.evidence["evidence"]) >= {"plans", "reviews", "provision", "attainment", "professional_advice"}
        assert case.reference == f"EHC-{case.received_on.year}-0001"
        # Opening again does not make a second case.
        assert case_acts.open_ehc_request(envelope.pk, opened_by=people.caseworker).pk == case.pk
        case_acts.allocate_case(case, caseworker=people.caseworker, allocated_by=people.manager)
        case_acts.ask_school_for_information(case, asked_by=people.caseworker, question="Please send the EP report.")

    with in_schema(school_a):
        applied = request_acts.take_in_local_authority_replies(request, user=people.senco)
        assert len(applied) == 1
        request.refresh_from_db()
        assert request.status == RequestStatus.INFORMATION_REQUESTED
        assert request.la_question == "Please send the EP report."
        # Reading the thread again changes nothing.
        assert request_acts.take_in_local_authority_replies(request, user=people.senco) == []
        request_acts.reply_to_local_authority(
            request, replied_by=people.senco, answer="The EP visited on 3 March; report attached."
        )

    with in_schema(la):
        assert len(case_acts.take_in_school_replies(case, user=people.caseworker)) == 1
        case.refresh_from_db()
        assert case.status == CaseStatus.RECEIVED
        assert case.evidence["replies"][0]["answer"].startswith("The EP visited")
        case_acts.decide_whether_to_assess(
            case, decided_by=people.caseworker, agree=True, reasons="Needs exceed SEN Support."
        )
        case_acts.request_advice(case, requested_by=people.caseworker, source="educational_psychology")
        plan_acts.save_plan_draft(case, written_by=people.caseworker, sections=SECTIONS)
        draft = plan_acts.issue_draft_plan(case, issued_by=people.caseworker)
        # Reg 13(1): 15 days beginning with the day served, so the last day is day + 14.
        assert draft.comments_due_on == timezone.localdate() + datetime.timedelta(days=14)
        with pytest.raises(ValidationError) as refused:
            plan_acts.issue_final_plan(case, issued_by=people.caseworker)
        assert "to comment on the draft" in str(refused.value)
        final = plan_acts.issue_final_plan(case, issued_by=people.caseworker, comments_considered=True)
        case.refresh_from_db()
        assert case.status == CaseStatus.PLAN_ISSUED and final.version == 2

    with in_schema(school_a):
        request_acts.take_in_local_authority_replies(request, user=people.senco)
        request.refresh_from_db()
        assert request.status == RequestStatus.PLAN_ISSUED
        plan = EhcPlan.objects.get(pupil=pupil, status="final")
        assert plan.section_f == SECTIONS["f"]
        assert current_stage(pupil).census_code == "E"
        assert RegisterEntry.objects.filter(pupil=pupil).count() == 2

    # Nothing of the request or case exists in another school.
    with in_schema(school_a):
        assert not EhcCase.objects.exists()
    with in_schema(la):
        assert not EhcRequest.objects.exists()


def test_a_required_item_missing_is_refused_by_name_and_nothing_is_sent(in_schema, school_a, people):
    with in_schema(school_a):
        pupil = make_ready_pupil(with_reviews=False)
        request = request_acts.start_ehc_request(pupil, started_by=people.senco)
        request.reason = "Little progress."
        request.save()
        with pytest.raises(ValidationError) as refused:
            request_acts.submit_ehc_request(request, submitted_by=people.senco)
        assert "Reviews of the assess–plan–do–review cycles held so far" in str(
            refused.value.message_dict["evidence_keys"]
        )
        request.refresh_from_db()
        assert request.status == RequestStatus.DRAFT and request.envelope_id is None
    assert not Envelope.objects.exists()


def test_leaving_out_a_required_item_is_refused_by_name(in_schema, school_a, people):
    with in_schema(school_a):
        pupil = make_ready_pupil()
        request = request_acts.start_ehc_request(pupil, started_by=people.senco)
        request_acts.update_ehc_request(
            request,
            changed_by=people.senco,
            reason="Little progress.",
            parent_views="We are worried.",
            child_views="Reading is hard.",
            evidence_keys=["plans", "reviews", "provision", "professional_advice", "parent_views", "child_views"],
            document_ids=[],
        )
        with pytest.raises(ValidationError) as refused:
            request_acts.submit_ehc_request(request, submitted_by=people.senco)
        assert refused.value.message_dict["evidence_keys"] == [
            "The request needs “Attainment and progress over time”: include it in the request."
        ]
    assert not Envelope.objects.exists()


def test_without_consent_to_share_with_the_la_nothing_is_sent(in_schema, school_a, people):
    with in_schema(school_a):
        pupil = make_ready_pupil(with_consent=False)
        request = request_acts.start_ehc_request(pupil, started_by=people.senco)
        request.reason = "Little progress."
        request.save()
        with pytest.raises(ValidationError) as refused:
            request_acts.submit_ehc_request(request, submitted_by=people.senco)
        assert "consent to share information with the local authority" in refused.value.message_dict["consent"][0]
    assert not Envelope.objects.exists()


def test_only_the_senco_or_head_works_on_requests_and_only_la_staff_on_cases(in_schema, school_a, la, people):
    with in_schema(school_a):
        pupil = make_ready_pupil()
        with pytest.raises(PermissionDenied):
            request_acts.start_ehc_request(pupil, started_by=people.teacher)
        assert request_acts.start_ehc_request(pupil, started_by=people.head).pk
    with in_schema(la), pytest.raises(PermissionDenied):
        case_acts.open_ehc_request(1, opened_by=people.senco)


def test_another_school_cannot_open_the_request(in_schema, school_a, school_b, people):
    _, request = submitted_request(in_schema, school_a, people)
    with in_schema(school_b):
        with pytest.raises(PermissionDenied):
            case_acts.open_ehc_request(request.envelope_id, opened_by=people.senco_b)
        with pytest.raises(ValidationError):
            get_exchange().thread(request.envelope_id, organisation=school_b)
        with pytest.raises(ValidationError):
            get_exchange().open(request.envelope_id, organisation=school_b, user=people.senco_b)
        assert not EhcCase.objects.exists()


def test_a_refusal_to_assess_reaches_the_school_with_its_reasons(in_schema, school_a, la, people):
    pupil, request = submitted_request(in_schema, school_a, people)
    with in_schema(la):
        case = case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        case_acts.decide_whether_to_assess(
            case, decided_by=people.caseworker, agree=False, reasons="Needs can be met at SEN Support."
        )
        with pytest.raises(ValidationError):
            case_acts.request_advice(case, requested_by=people.caseworker, source="health")
    with in_schema(school_a):
        request_acts.take_in_local_authority_replies(request, user=people.senco)
        request.refresh_from_db()
        assert request.status == RequestStatus.NOT_ASSESSING
        assert request.decision_reasons == "Needs can be met at SEN Support."
        assert current_stage(pupil).census_code == "K"


def test_only_an_sen_manager_allocates_and_only_to_a_caseworker_here(in_schema, school_a, la, people):
    _, request = submitted_request(in_schema, school_a, people)
    with in_schema(la):
        case = case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        with pytest.raises(PermissionDenied):
            case_acts.allocate_case(case, caseworker=people.caseworker, allocated_by=people.caseworker)
        with pytest.raises(ValidationError):
            case_acts.allocate_case(case, caseworker=people.senco, allocated_by=people.manager)


def test_opening_the_request_is_audited_in_both_organisations(in_schema, school_a, la, people):
    _, request = submitted_request(in_schema, school_a, people)
    with in_schema(la):
        case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        assert AuditEvent.objects.filter(action="view", actor_id=people.caseworker.pk).exists()
    with in_schema(school_a):
        assert AuditEvent.objects.filter(action="view", actor_id=people.caseworker.pk).exists()


def test_re_saving_the_plan_after_the_draft_does_not_cut_the_familys_15_days(in_schema, school_a, la, people):
    _, request = submitted_request(in_schema, school_a, people)
    with in_schema(la):
        case = case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        case_acts.decide_whether_to_assess(case, decided_by=people.caseworker, agree=True, reasons="Agreed.")
        plan_acts.save_plan_draft(case, written_by=people.caseworker, sections=SECTIONS)
        plan_acts.issue_draft_plan(case, issued_by=people.caseworker)
        plan_acts.save_plan_draft(
            case, written_by=people.caseworker, sections={**SECTIONS, "f": "Changed after comments."}
        )
        with pytest.raises(ValidationError) as refused:
            plan_acts.issue_final_plan(case, issued_by=people.caseworker)
        assert "to comment on the draft" in str(refused.value)


def test_the_draft_sent_to_the_school_names_no_school(in_schema, school_a, la, people):
    pupil, request = submitted_request(in_schema, school_a, people)
    with in_schema(la):
        case = case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        case_acts.decide_whether_to_assess(case, decided_by=people.caseworker, agree=True, reasons="Agreed.")
        plan_acts.save_plan_draft(case, written_by=people.caseworker, sections=SECTIONS)
        plan_acts.issue_draft_plan(case, issued_by=people.caseworker)
    with in_schema(school_a):
        request_acts.take_in_local_authority_replies(request, user=people.senco)
        draft = EhcPlan.objects.get(pupil=pupil, status="draft")
        assert draft.section_i == "" and draft.section_f == SECTIONS["f"]


def test_a_request_acknowledged_on_the_exchange_pages_still_opens_as_a_case(in_schema, school_a, la, people):
    _, request = submitted_request(in_schema, school_a, people)
    exchange = get_exchange()
    exchange.open(request.envelope_id, organisation=la, user=people.caseworker)
    exchange.acknowledge(request.envelope_id, organisation=la, user=people.caseworker)
    with in_schema(la):
        case = case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        assert case.status == CaseStatus.RECEIVED
        case_acts.ask_school_for_information(case, asked_by=people.caseworker, question="Anything else?")
    # The school acknowledges the question from the exchange first; the request still follows it.
    (question,) = [
        m for m in exchange.thread(request.envelope_id, organisation=school_a) if m.recipient_id == school_a.pk
    ]
    exchange.open(question.id, organisation=school_a, user=people.senco)
    exchange.acknowledge(question.id, organisation=school_a, user=people.senco)
    with in_schema(school_a):
        request_acts.take_in_local_authority_replies(request, user=people.senco)
        request.refresh_from_db()
        assert request.status == RequestStatus.INFORMATION_REQUESTED


def test_answering_a_question_during_the_assessment_keeps_the_request_at_assessing(in_schema, school_a, la, people):
    _, request = submitted_request(in_schema, school_a, people)
    with in_schema(la):
        case = case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        case_acts.decide_whether_to_assess(case, decided_by=people.caseworker, agree=True, reasons="Agreed.")
        case_acts.ask_school_for_information(case, asked_by=people.caseworker, question="Latest reading scores?")
    with in_schema(school_a):
        request_acts.take_in_local_authority_replies(request, user=people.senco)
        request_acts.reply_to_local_authority(request, replied_by=people.senco, answer="Attached.")
        request.refresh_from_db()
        assert request.status == RequestStatus.ASSESSING
    with in_schema(la):
        case_acts.take_in_school_replies(case, user=people.caseworker)
        case.refresh_from_db()
        assert case.status == CaseStatus.ASSESSING


def test_exceptions_and_advice_are_refused_where_they_would_rewrite_history(in_schema, school_a, la, people):
    _, request = submitted_request(in_schema, school_a, people)
    today = timezone.localdate()
    with in_schema(la):
        case = case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        with pytest.raises(ValidationError) as refused:
            case_acts.record_clock_exception(
                case,
                recorded_by=people.caseworker,
                reason="missed_appointment",
                starts_on=today,
                ends_on=today,
                affects_decision=True,
                notes="Missed the EP appointment.",
            )
        assert "not the local authority" in str(refused.value)
        case_acts.decide_whether_to_assess(case, decided_by=people.caseworker, agree=True, reasons="Agreed.")
        advice = case_acts.request_advice(case, requested_by=people.caseworker, source="health")
        case_acts.record_advice_received(advice, recorded_by=people.caseworker)
        with pytest.raises(ValidationError):
            case_acts.record_advice_received(advice, recorded_by=people.caseworker)
        plan_acts.save_plan_draft(case, written_by=people.caseworker, sections=SECTIONS)
        plan_acts.issue_draft_plan(case, issued_by=people.caseworker)
        plan_acts.issue_final_plan(case, issued_by=people.caseworker, comments_considered=True)
        with pytest.raises(ValidationError) as closed:
            case_acts.record_clock_exception(
                case,
                recorded_by=people.caseworker,
                reason="personal_circumstances",
                starts_on=today,
                ends_on=today,
                notes="Too late.",
            )
        assert "closed" in str(closed.value)


def test_a_probing_organisation_learns_nothing_from_its_own_trail(in_schema, school_a, school_b, people):
    _, request = submitted_request(in_schema, school_a, people)
    with pytest.raises(ValidationError):
        get_exchange().open(request.envelope_id, organisation=school_b, user=people.senco_b)
    with in_schema(school_b):
        (own,) = AuditEvent.objects.filter(action="denied")
        assert own.actor_id == people.senco_b.pk
        assert "owner_organisation_id" not in own.detail and school_a.name not in own.summary
    with in_schema(school_a):
        assert AuditEvent.objects.filter(action="denied", actor_id=people.senco_b.pk).exists()


def test_a_request_carries_the_documents_the_senco_chose(in_schema, school_a, la, people):
    import io

    from send_core.services.documents import upload_document

    report = b"%PDF-1.7\nEducational psychology report (marker 6120)\n%%EOF\n"
    with in_schema(school_a):
        pupil = make_ready_pupil()
        document = upload_document(
            pupil,
            uploaded_by=people.senco,
            title="EP report",
            kind="report",
            content=io.BytesIO(report),
            original_filename="ep-report.pdf",
        )
        request = request_acts.start_ehc_request(pupil, started_by=people.senco)
        request_acts.update_ehc_request(
            request,
            changed_by=people.senco,
            reason="Little progress.",
            parent_views="Worried.",
            child_views="Reading is hard.",
            evidence_keys=request.evidence_keys,
            document_ids=[document.pk],
        )
        request = request_acts.submit_ehc_request(request, submitted_by=people.senco)
    envelope = Envelope.objects.get(pk=request.envelope_id)
    assert envelope.documents.count() == 1
    with in_schema(la):
        case = case_acts.open_ehc_request(envelope.pk, opened_by=people.caseworker)
        assert [d["title"] for d in case.evidence["documents"]] == ["EP report"]


def test_the_exchange_tells_send_core_each_message_by_its_own_subject(in_schema, school_a, la, people):
    _, request = submitted_request(in_schema, school_a, people)
    with in_schema(la):
        opened = get_exchange().open(request.envelope_id, organisation=la, user=people.caseworker)
    assert opened.message.subject == f"EHC needs assessment request {school_a.slug}-{request.pk}"
    assert opened.message.state == "opened"
