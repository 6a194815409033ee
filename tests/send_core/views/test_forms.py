"""Forms that fail keep what was typed, say what is wrong next to the field (status 400), and write nothing."""

from __future__ import annotations

import datetime
from contextlib import contextmanager

import pytest
from django.db import connection

from send_core.models import (
    AgencyInvolvement,
    Concern,
    Consent,
    PlanOutcome,
    PlanStatus,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Review,
    SupportPlan,
)
from tests.send_core.factories import (
    AgencyFactory,
    ConcernFactory,
    PlanOutcomeFactory,
    PupilFactory,
    SupportPlanFactory,
)


@contextmanager
def counts_unchanged(school, *models):
    """The rows of these models in school A are the same after the block as before it."""

    def count():
        connection.set_tenant(school.organisation)
        try:
            return {model.__name__: model.objects.count() for model in models}
        finally:
            connection.set_schema_to_public()

    before = count()
    yield
    assert count() == before


def field_error(body: str, field: str) -> str:
    """The text of a field's error message, as the GOV.UK field shows it."""
    marker = f'id="id_{field}-error" class="govuk-error-message">'
    assert marker in body, f"no error shown for {field}"
    return body.split(marker, 1)[1].split("</p>", 1)[0]


def in_school(school, make):
    connection.set_tenant(school.organisation)
    try:
        return make()
    finally:
        connection.set_schema_to_public()


def test_a_concern_without_words_is_refused_and_the_rest_is_kept(school):
    with counts_unchanged(school, Concern):
        response = school.client("teacher").post(
            school.url("/pupils/{pupil}/concerns/new/"),
            {"concern": "   ", "raised_by_kind": "parent", "review_on": "2025-02-30"},
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Describe the concern." in field_error(body, "concern")
    assert "real date" in field_error(body, "review_on")
    assert 'value="parent" checked' in body
    assert "There is a problem" in body


def test_a_concern_dated_in_the_future_is_refused_by_the_service_on_its_field(school):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with counts_unchanged(school, Concern):
        response = school.client("senco").post(
            school.url("/pupils/{pupil}/concerns/new/"),
            {"concern": "Struggles to follow spoken instructions.", "raised_by_kind": "teacher", "raised_on": tomorrow},
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "cannot be in the future" in field_error(body, "raised_on")
    assert "Struggles to follow spoken instructions." in body


def test_a_second_primary_need_is_refused_on_the_rank(school):
    with counts_unchanged(school, PupilNeed):
        response = school.client("senco").post(
            school.url("/pupils/{pupil}/needs/new/"), {"need_type": "SLCN", "rank": "primary"}
        )
    assert response.status_code == 400
    assert "primary need is already" in field_error(response.content.decode(), "rank")


def test_a_stage_change_needs_a_reason(school):
    with counts_unchanged(school, RegisterEntry):
        response = school.client("senco").post(
            school.url("/pupils/{pupil}/register/change/"), {"stage_key": "ehc_plan", "reason": ""}
        )
    assert response.status_code == 400
    assert "Give the reason" in field_error(response.content.decode(), "reason")


def test_moving_to_sen_support_without_a_primary_need_asks_for_its_type(school):
    concern = in_school(school, lambda: ConcernFactory(pupil=PupilFactory(school_class=school.own_class)))
    with counts_unchanged(school, RegisterEntry, PupilNeed, Concern):
        response = school.client("senco").post(
            f"/concerns/{concern.pk}/sen-support/",
            {"reason": "Little progress after two cycles of adapted teaching.", "notification_method": "meeting"},
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "primary need" in field_error(body, "need_type")
    assert "Little progress after two cycles" in body
    connection.set_tenant(school.organisation)
    assert Concern.objects.get(pk=concern.pk).status == "open"


def test_an_outcome_needs_a_description(school):
    draft = in_school(school, lambda: SupportPlanFactory(pupil=school.pupil))
    with counts_unchanged(school, PlanOutcome):
        response = school.client("senco").post(f"/plans/{draft.pk}/outcomes/new/", {"measure": "Words read"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Describe the outcome." in field_error(body, "description")
    assert 'value="Words read"' in body


def test_a_plan_with_an_outcome_that_is_not_smart_stays_a_draft(school):
    def make():
        SupportPlan.objects.filter(pk=school.plan.pk).update(status=PlanStatus.CLOSED)
        draft = SupportPlanFactory(pupil=school.pupil)
        PlanOutcomeFactory(plan=draft, order=1, measure="", target_date=None)
        return draft

    draft = in_school(school, make)
    page = school.client("senco").get(f"/plans/{draft.pk}/activate/").content.decode()
    assert "Outcome 1 needs a measure, a target date." in page
    response = school.client("senco").post(f"/plans/{draft.pk}/activate/", {})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Outcome 1 needs how progress will be measured and a target date." in body
    connection.set_tenant(school.organisation)
    assert SupportPlan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def test_a_review_whose_next_date_is_before_it_is_refused_on_that_field(school):
    with counts_unchanged(school, Review):
        response = school.client("teacher").post(
            school.url("/plans/{plan}/reviews/new/"),
            {
                "held_on": datetime.date.today().isoformat(),
                "next_review_on": "2020-01-01",
                "people_parent": "Grace Okafor",
                "decision": "continue",
            },
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "must be after this one" in field_error(body, "next_review_on")
    assert 'value="Grace Okafor"' in body


def test_a_referral_without_consent_is_refused_with_the_reason(school):
    def make():
        Consent.objects.all().update(withdrawn_on=datetime.date(2024, 9, 20))
        return AgencyFactory(name="Educational psychology service", kind="educational_psychology")

    agency = in_school(school, make)
    with counts_unchanged(school, AgencyInvolvement):
        response = school.client("senco").post(
            school.url("/pupils/{pupil}/agencies/refer/"), {"agency": agency.pk, "reason": "Working memory"}
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "consent to a referral is not on record" in body
    assert "Working memory" in body


def test_a_pupil_with_a_wrong_upn_is_not_added(school):
    with counts_unchanged(school, Pupil):
        response = school.client("school_admin").post(
            "/pupils/new/",
            {
                "upn": "A123",
                "legal_first_name": "Noor",
                "last_name": "Haddad",
                "date_of_birth": "2017-03-04",
                "sex": "F",
                "nc_year": "3",
            },
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert field_error(body, "upn")
    assert 'value="Noor"' in body


@pytest.mark.parametrize(
    "page, data",
    [
        ("/pupils/{pupil}/assessments/new/", {"kind": "reading_age", "assessed_on": "2025-01-10", "score": "5"}),
        ("/pupils/{pupil}/meetings/new/", {"kind": "termly"}),
        ("/pupils/{pupil}/medical/new/", {"condition": ""}),
        ("/pupils/{pupil}/consent/new/", {"scope": "referral"}),
        ("/pupils/{pupil}/diagnoses/new/", {"name": "", "source": "gp"}),
        ("/pupils/{pupil}/parents/new/", {"name": "Sam", "relationship": "", "email": "not-an-email"}),
        ("/concerns/{concern}/discussion/", {"discussion": "", "next_steps": "Try visual timetable"}),
        ("/concerns/{concern}/close/", {"outcome": ""}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_other_forms_refuse_bad_input_with_400_and_write_nothing(school, page, data):
    from send_core.models import Assessment, MedicalCondition, ParentCarer, ParentMeeting

    with counts_unchanged(school, Assessment, ParentMeeting, MedicalCondition, Consent, ParentCarer, Concern):
        response = school.client("senco").post(school.url(page), data)
    assert response.status_code == 400, page
    assert "govuk-error-message" in response.content.decode()
