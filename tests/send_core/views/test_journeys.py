"""Assess, plan, do, review through the pages, as a SENCO and a class teacher do it."""

from __future__ import annotations

import datetime

from django.db import connection
from send_platform.audit.models import AuditEvent

from send_core.models import Concern, ConcernStatus, PlanStatus, RegisterEntry, Review, ReviewStatus, SupportPlan
from tests.send_core.factories import PupilFactory

TODAY = datetime.date.today()


def in_school(school, read):
    connection.set_tenant(school.organisation)
    try:
        return read()
    finally:
        connection.set_schema_to_public()


def test_from_a_concern_to_a_closed_review(school):
    pupil = in_school(
        school, lambda: PupilFactory(school_class=school.own_class, legal_first_name="Kit", last_name="Lowe")
    )
    teacher, senco = school.client("teacher"), school.client("senco")

    # The class teacher raises a concern.
    response = teacher.post(
        f"/pupils/{pupil.pk}/concerns/new/",
        {"concern": "Reverses letters and avoids reading aloud.", "raised_by_kind": "teacher", "area": ""},
    )
    assert response.status_code == 302
    concern = in_school(school, lambda: Concern.objects.get(pupil_id=pupil.pk))
    assert response["Location"] == f"/concerns/{concern.pk}/"
    assert teacher.get(response["Location"]).status_code == 200
    # Teachers do not move pupils on the register.
    assert teacher.get(f"/concerns/{concern.pk}/sen-support/").status_code == 403

    # The SENCO moves the pupil to SEN Support, recording the primary need in the same step.
    response = senco.post(
        f"/concerns/{concern.pk}/sen-support/",
        {"reason": "Phonics gaps persist.", "need_type": "SPLD", "notification_method": "meeting"},
    )
    assert response.status_code == 302
    assert "is now at SEN Support" in senco.get(response["Location"]).content.decode()
    stage = in_school(school, lambda: RegisterEntry.objects.get(pupil_id=pupil.pk, ended_on__isnull=True))
    assert stage.stage_key == "sen_support" and stage.parents_notified_on == TODAY
    assert in_school(school, lambda: Concern.objects.get(pk=concern.pk).status) == ConcernStatus.ESCALATED

    # A plan with two SMART outcomes, made active.
    response = senco.post(f"/pupils/{pupil.pk}/plan/new/")
    plan = in_school(school, lambda: SupportPlan.objects.get(pupil_id=pupil.pk))
    assert response["Location"] == f"/plans/{plan.pk}/"
    response = senco.post(
        f"/plans/{plan.pk}/edit/",
        {
            "child_views": "I like stories about space.",
            "strengths": "Great at Lego.",
            "strategies": "Coloured overlay.",
        },
    )
    assert response.status_code == 302
    target = (TODAY + datetime.timedelta(days=80)).isoformat()
    for description in ("Read 40 high-frequency words.", "Spell CVC words."):
        outcome = {"description": description, "measure": "Word list", "baseline": "12", "target": "40"}
        response = senco.post(f"/plans/{plan.pk}/outcomes/new/", {**outcome, "target_date": target})
        assert response.status_code == 302
    response = senco.post(f"/plans/{plan.pk}/activate/", {"on": ""})
    assert response.status_code == 302
    assert in_school(school, lambda: SupportPlan.objects.get(pk=plan.pk).status) == PlanStatus.ACTIVE

    # The teacher records the review; closing it carries the plan on.
    outcomes = in_school(
        school, lambda: list(SupportPlan.objects.get(pk=plan.pk).outcomes.values_list("pk", flat=True))
    )
    data = {
        "held_on": TODAY.isoformat(),
        "people_parent": "Jo Lowe",
        "people_child": "on",
        "people_teacher": "Ms Dale",
        "decision": "continue",
        "next_review_on": (TODAY + datetime.timedelta(days=90)).isoformat(),
        **{f"progress_{pk}": "partly_met" for pk in outcomes},
    }
    response = teacher.post(f"/plans/{plan.pk}/reviews/new/", data)
    assert response.status_code == 302
    review = in_school(school, lambda: Review.objects.get(plan_id=plan.pk))
    assert review.participants[0] == {"role": "child", "name": ""}
    response = teacher.post(f"/reviews/{review.pk}/close/", {"on": ""})
    assert response.status_code == 302
    assert in_school(school, lambda: Review.objects.get(pk=review.pk).status) == ReviewStatus.CLOSED

    chronology = senco.get(f"/pupils/{pupil.pk}/chronology/?kind=review").content.decode()
    assert "Review held: Continue the plan" in chronology
    assert "Concern raised" not in chronology
    both = senco.get(f"/pupils/{pupil.pk}/chronology/?kind=review&kind=concern").content.decode()
    assert "Review held: Continue the plan" in both and "Concern raised by a member of staff" in both
    assert 'type="checkbox" value="concern" checked' in both and "Register: SEN Support" not in both


def test_closing_a_review_that_is_not_complete_says_what_is_missing(school):
    in_school(school, lambda: Review.objects.filter(pk=school.objects["review"].pk).update(status=ReviewStatus.DRAFT))
    response = school.client("senco").post(school.url("/reviews/{review}/close/"), {"on": ""})
    assert response.status_code == 400
    assert "Record progress for outcome 1, 2." in response.content.decode()


def test_only_the_senco_closes_a_review_that_takes_a_pupil_off_the_register(school):
    def draft():
        Review.objects.filter(pk=school.objects["review"].pk).update(
            status=ReviewStatus.DRAFT, decision="exit_register"
        )

    in_school(school, draft)
    page = school.client("teacher").get(school.url("/reviews/{review}/")).content.decode()
    assert "Close the review</button>" not in page and "Only the SENCO or headteacher can close" in page
    assert school.client("teacher").post(school.url("/reviews/{review}/close/"), {"on": ""}).status_code == 403


def test_making_a_need_primary_and_ending_it(school):
    senco = school.client("senco")
    response = senco.post(school.url("/pupils/{pupil}/needs/new/"), {"need_type": "SLCN", "rank": "secondary"})
    assert response.status_code == 302
    from send_core.models import PupilNeed

    slcn = in_school(school, lambda: PupilNeed.objects.get(pupil=school.pupil, need_type="SLCN"))
    assert senco.post(f"/needs/{slcn.pk}/make-primary/").status_code == 302
    assert in_school(school, lambda: PupilNeed.objects.get(pk=slcn.pk).rank) == "primary"
    # The pupil is at SEN Support: ending the only primary need without a secondary is refused, with the reason.
    in_school(school, lambda: PupilNeed.objects.filter(pupil=school.pupil).exclude(pk=slcn.pk).update(ended_on=TODAY))
    response = senco.post(f"/needs/{slcn.pk}/end/", {"ended_on": ""})
    assert response.status_code == 400
    assert "must have a primary need" in response.content.decode()


def test_every_look_at_a_record_is_audited_and_the_senco_sees_who_looked(school):
    school.client("teacher").get(school.url("/pupils/{pupil}/plan/"))
    school.client("teaching_assistant").get(school.url("/pupils/{pupil}/needs/"))
    views = in_school(
        school,
        lambda: list(
            AuditEvent.objects.filter(pupil_id=school.pupil.pk, action="view").values_list("summary", flat=True)
        ),
    )
    assert "Viewed plan" in views and "Viewed needs" in views
    page = school.client("senco").get(school.url("/pupils/{pupil}/viewed/")).content.decode()
    assert "Teacher Person" in page and "Teaching Assistant Person" in page and "Viewed plan" in page


def test_a_referral_with_consent_on_record_is_made(school):
    from send_core.models import AgencyInvolvement

    senco = school.client("senco")
    agency = school.objects["involvement"].agency
    assert agency.name in senco.get(school.url("/pupils/{pupil}/agencies/refer/")).content.decode()
    response = senco.post(school.url("/pupils/{pupil}/agencies/refer/"), {"agency": agency.pk, "reason": "Memory"})
    assert response.status_code == 302
    assert in_school(school, lambda: AgencyInvolvement.objects.filter(agency=agency).count()) == 2


def test_the_dashboard_for_each_role(school):
    senco = school.client("senco").get("/send/").content.decode()
    assert 'data-testid="register-total"' in senco and 'data-testid="review-shortfall"' in senco
    teacher = school.client("teacher").get("/").content.decode()
    assert 'data-testid="my-pupils"' in teacher and "Amara Okafor" in teacher
    other = school.client("other_teacher").get("/").content.decode()
    assert "Amara" not in other
    for role in ("governor", "business_manager"):
        body = school.client(role).get("/").content.decode()
        assert 'data-testid="register-total"' in body and "Amara" not in body and "Figures only" in body
    office = school.client("school_admin").get("/").content.decode()
    assert "Import pupils from your MIS" in office and "register-total" not in office


def test_the_pupil_list_filters_and_searches(school):
    def more():
        PupilFactory(school_class=school.other_class, legal_first_name="Zed", last_name="Quinn", eal=True)

    in_school(school, more)
    client = school.client("senco")
    assert "Quinn, Zed" in client.get("/pupils/?q=quinn").content.decode()
    assert "Okafor" not in client.get("/pupils/?q=quinn").content.decode()
    assert "Okafor" in client.get(f"/pupils/?q={school.pupil.upn}").content.decode()
    on_support = client.get("/pupils/?stage=sen_support").content.decode()
    assert "Okafor" in on_support and "Quinn" not in on_support
    assert "Quinn" in client.get("/pupils/?stage=none").content.decode()
    eal = client.get("/pupils/?flags=eal").content.decode()
    assert "Quinn" in eal and "Okafor" not in eal
    by_class = client.get(f"/pupils/?school_class={school.other_class.pk}").content.decode()
    assert "Quinn" in by_class and "Okafor" not in by_class
    # A teacher sees only the pupils of her class.
    mine = school.client("teacher").get("/pupils/").content.decode()
    assert "Okafor" in mine and "Quinn" not in mine
