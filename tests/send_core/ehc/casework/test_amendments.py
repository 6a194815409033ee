"""Amending a plan after an annual review: SI 2014/1530 Reg 22 read with Reg 20(10) (R (L, M, P) v Devon CC [2022] EWHC 493).

Dates are worked by hand: a notice served on day N gives the family days N to N + 14, the
amended plan may issue from N + 15 and is due by N + 56 (8 weeks).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from send_core.ehc.casework import annual_reviews as review_acts
from send_core.ehc.casework import selectors as case_reads
from send_core.ehc.models import CaseAnnualReview, EhcPlan

from .test_casework import make_case

pytestmark = pytest.mark.django_db

SECTIONS = {key: "Text" for key in ("a", "b", "e", "f", "i")}


def review_of_a_plan(meeting_on: datetime.date) -> CaseAnnualReview:
    # A family's own request, naming no school on Cairn: nothing goes through the exchange.
    case = make_case(datetime.date(2024, 1, 5), status="plan_issued", school_id=None, school_pupil_id=None)
    EhcPlan.objects.create(
        case=case,
        status="final",
        version=1,
        issued_on=datetime.date(2024, 5, 20),
        plan_made_on=datetime.date(2024, 5, 20),
    )
    return CaseAnnualReview.objects.create(
        case=case, envelope_id=900001, meeting_on=meeting_on, received_on=meeting_on, school_recommendation="amend"
    )


def test_a_decision_to_amend_must_carry_the_proposed_amendments(in_schema, la, people):
    today = timezone.localdate()
    with in_schema(la):
        review = review_of_a_plan(today - datetime.timedelta(days=30))
        with pytest.raises(ValidationError) as refused:
            review_acts.decide_annual_review(review, decided_by=people.caseworker, decision="amend", reasons="Agreed.")
        assert "proposed amendments" in refused.value.message_dict["proposed_amendments"][0]
        review.refresh_from_db()
        assert review.decision == "" and review.amendment_notice_on is None
        notice = today - datetime.timedelta(days=20)
        review_acts.decide_annual_review(
            review,
            decided_by=people.caseworker,
            decision="amend",
            reasons="Agreed.",
            proposed_amendments="Section F: speech and language therapy fortnightly.",
            on=notice,
        )
        review.refresh_from_db()
        assert review.amendment_notice_on == notice
        assert review.proposed_amendments.startswith("Section F")


def test_maintaining_a_plan_needs_no_proposed_amendments(in_schema, la, people):
    today = timezone.localdate()
    with in_schema(la):
        review = review_of_a_plan(today - datetime.timedelta(days=10))
        review_acts.decide_annual_review(review, decided_by=people.caseworker, decision="maintain", reasons="Working.")
        review.refresh_from_db()
        assert review.amendment_notice_on is None
        with pytest.raises(ValidationError, match="follows a decision to amend"):
            review_acts.issue_amended_plan(review, issued_by=people.caseworker, sections=SECTIONS)


def test_no_amended_plan_without_a_served_notice(in_schema, la, people):
    today = timezone.localdate()
    with in_schema(la):
        review = review_of_a_plan(today - datetime.timedelta(days=40))
        # A decision recorded before notices were kept (no notice date): Cairn will not issue the plan.
        CaseAnnualReview.objects.filter(pk=review.pk).update(
            decision="amend", decided_on=today - datetime.timedelta(days=30)
        )
        with pytest.raises(ValidationError, match="Serve the notice of proposed amendments first"):
            review_acts.issue_amended_plan(review, issued_by=people.caseworker, sections=SECTIONS)
        assert not EhcPlan.objects.filter(amended=True).exists()


def test_the_amended_plan_waits_for_the_familys_15_days(in_schema, la, people):
    today = timezone.localdate()
    notice = today - datetime.timedelta(days=14)  # today is the 15th and last day of the family's period
    with in_schema(la):
        review = review_of_a_plan(today - datetime.timedelta(days=20))
        review_acts.decide_annual_review(
            review,
            decided_by=people.caseworker,
            decision="amend",
            reasons="Agreed.",
            proposed_amendments="Section I: name the specialist base.",
            on=notice,
        )
        with pytest.raises(ValidationError) as refused:
            review_acts.issue_amended_plan(review, issued_by=people.caseworker, sections=SECTIONS)
        assert "to comment on the proposed amendments" in refused.value.message_dict["on"][0]
        assert not EhcPlan.objects.filter(amended=True).exists()
    with in_schema(la):
        # One day later in the story: served 15 days ago, so the plan may issue today (day N + 15).
        CaseAnnualReview.objects.filter(pk=review.pk).update(amendment_notice_on=today - datetime.timedelta(days=15))
        plan = review_acts.issue_amended_plan(review, issued_by=people.caseworker, sections=SECTIONS)
        assert plan.amended and plan.version == 2
        # Amending is not making: the plan keeps the day it was made.
        assert plan.plan_made_on == datetime.date(2024, 5, 20)


def test_the_amended_plan_is_due_8_weeks_after_the_notice(in_schema, la, people):
    today = timezone.localdate()
    notice = today - datetime.timedelta(days=3)
    with in_schema(la):
        review = review_of_a_plan(today - datetime.timedelta(days=10))
        review_acts.decide_annual_review(
            review,
            decided_by=people.caseworker,
            decision="amend",
            reasons="Agreed.",
            proposed_amendments="Section F.",
            on=notice,
        )
        rows = [row for row in case_reads.plan_deadlines(today=today) if row.milestone.key == "amended_plan"]
        assert [row.milestone.due for row in rows] == [notice + datetime.timedelta(days=56)]


def test_the_la_review_page_shows_the_familys_period_and_other_organisations_see_nothing(
    in_schema, la, school_b, people, client_for
):
    # Served Friday 1 May 2026: 15 days to Friday 15 May; the plan may issue from 16 May, due Friday 26 June.
    with in_schema(la):
        review = review_of_a_plan(datetime.date(2026, 4, 20))
        review_acts.decide_annual_review(
            review,
            decided_by=people.caseworker,
            decision="amend",
            reasons="Agreed.",
            proposed_amendments="Section F: weekly OT.",
            on=datetime.date(2026, 5, 1),
        )
    page = client_for(people.caseworker, la).get(f"/casework/annual-reviews/{review.pk}/").content.decode()
    assert "16 May 2026" in page and "26 June 2026" in page and "Section F: weekly OT." in page
    outsider = client_for(people.senco_b, school_b).get(f"/casework/annual-reviews/{review.pk}/")
    assert outsider.status_code in {403, 404}
    assert "weekly OT" not in outsider.content.decode()
    with in_schema(school_b):
        assert not CaseAnnualReview.objects.exists()


def test_the_draft_plan_pages_say_when_the_familys_15_days_end_and_when_the_final_may_issue(
    in_schema, la, school_a, school_b, people, client_for
):
    from ..conftest import make_ready_pupil

    # Reg 13(1): served Monday 25 May 2026, the 15 days end on Monday 8 June; the final plan may issue from 9 June.
    with in_schema(la):
        case = make_case(datetime.date(2026, 2, 2), status="draft_issued", draft_issued_on=datetime.date(2026, 5, 25))
        EhcPlan.objects.create(
            case=case,
            status="draft",
            version=1,
            issued_on=datetime.date(2026, 5, 25),
            comments_due_on=datetime.date(2026, 6, 8),
        )
    with in_schema(school_a):
        pupil = make_ready_pupil()
        plan = EhcPlan.objects.create(
            pupil=pupil, status="draft", issued_on=datetime.date(2026, 5, 25), comments_due_on=datetime.date(2026, 6, 8)
        )
    expected = "The family's 15 days to comment end on 8 June 2026; the final plan may be issued from 9 June 2026"
    assert expected in client_for(people.caseworker, la).get(f"/casework/cases/{case.pk}/plans/1/").content.decode()
    assert expected in client_for(people.senco, school_a).get(f"/ehc-plans/{plan.pk}/").content.decode()
    refused = client_for(people.senco_b, school_b).get(f"/ehc-plans/{plan.pk}/")
    assert refused.status_code == 404 and "8 June 2026" not in refused.content.decode()
