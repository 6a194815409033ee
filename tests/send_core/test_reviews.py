"""Reviews close the assess–plan–do–review cycle and roll the plan forward by their decision."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from send_core.models import CensusCode, PlanStatus, Review, ReviewStatus
from send_core.selectors import current_stage, pupils_with_fewer_than_three_reviews, reviews_due, reviews_overdue
from send_core.services.reviews import close_review, record_review, update_review
from tests.send_core.factories import (
    SENCO,
    TA,
    TEACHER,
    ClassTeacherFactory,
    PupilFactory,
    RegisterEntryFactory,
    ReviewFactory,
    active_plan_for,
    on_register,
)

D = datetime.date
TODAY = datetime.date.today()
PEOPLE = [{"role": "parent", "name": "Ms Patel"}, {"role": "child", "name": ""}, {"role": "teacher", "name": "Mr Hale"}]


@pytest.fixture
def senco(in_a, staff):
    return staff("senco")


@pytest.fixture
def plan(in_a):
    pupil = PupilFactory()
    on_register(pupil, since=D(2024, 6, 1))
    return active_plan_for(pupil, outcomes=3)


def _progress(plan, *values):
    return {o.pk: v for o, v in zip(plan.outcomes.order_by("order"), values, strict=True)}


def _review(plan, by, decision, *progress, next_review_on=TODAY + datetime.timedelta(days=110)):
    return record_review(
        plan,
        recorded_by=by,
        held_on=TODAY,
        participants=PEOPLE,
        child_views="I like my reading group",
        parent_views="Reading at home is better",
        progress=_progress(plan, *progress),
        decision=decision,
        next_review_on=next_review_on,
    )


def test_continue_keeps_the_plan_active_and_moves_the_review_date(senco, plan, in_b):
    review = _review(plan, senco, "continue", "met", "partly_met", "exceeded")
    assert review.status == ReviewStatus.DRAFT and review.progress.count() == 3
    close_review(review, closed_by=senco)
    plan.refresh_from_db()
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED and review.closed_by_id == senco.pk
    assert plan.status == PlanStatus.ACTIVE and plan.review_due_on == review.next_review_on
    assert plan.last_reviewed_on == TODAY and plan.last_review_decision == "continue"
    assert plan.versions.order_by("-version").first().summary.endswith("continue the plan")
    with in_b():
        assert not Review.objects.exists()


def test_revise_starts_a_new_draft_carrying_unmet_outcomes(senco, plan):
    outcomes = list(plan.outcomes.order_by("order"))
    plan.provision.create(description="Precision teaching", weekly_minutes=50)
    review = _review(plan, senco, "revise", "met", "not_met", "partly_met")
    close_review(review, closed_by=senco)
    plan.refresh_from_db()
    review.refresh_from_db()
    assert plan.status == PlanStatus.REVIEWED
    new = review.next_plan
    assert new.status == PlanStatus.DRAFT and new.previous == plan and new.pupil_id == plan.pupil_id
    assert new.review_due_on == review.next_review_on and new.strategies == plan.strategies
    carried = list(new.outcomes.order_by("order"))
    assert [o.carried_from_id for o in carried] == [outcomes[1].pk, outcomes[2].pk]
    assert [o.order for o in carried] == [1, 2] and carried[0].description == outcomes[1].description
    assert [p.description for p in new.provision.all()] == ["Precision teaching"]
    assert new.versions.get().summary.startswith("Drafted from the review")


def test_requesting_an_ehc_needs_assessment_flags_the_plan(senco, plan):
    close_review(
        _review(plan, senco, "request_ehc_needs_assessment", "not_met", "not_met", "partly_met"), closed_by=senco
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.ehc_request_recommended


def test_exit_register_closes_the_plan_and_returns_to_monitoring(senco, plan):
    review = record_review(
        plan,
        recorded_by=senco,
        held_on=TODAY,
        participants=PEOPLE,
        progress=_progress(plan, "met", "met", "exceeded"),
        decision="exit_register",
    )
    close_review(review, closed_by=senco)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    stage = current_stage(plan.pupil)
    assert stage.census_code == CensusCode.NONE and stage.started_on == TODAY


def test_a_review_is_complete_before_it_closes(senco, plan):
    review = record_review(plan, recorded_by=senco, held_on=TODAY)
    with pytest.raises(ValidationError) as error:
        close_review(review, closed_by=senco)
    assert error.value.messages == [
        "Record the decision the review reached.",
        "Record who took part in the review.",
        "Record progress for outcome 1, 2, 3.",
        "Set the date of the next review.",
    ]
    update_review(
        review,
        changed_by=senco,
        participants=PEOPLE,
        decision="continue",
        next_review_on=TODAY + datetime.timedelta(days=90),
    )
    first = plan.outcomes.order_by("order").first()
    update_review(review, changed_by=senco, progress={first.pk: ("met", "Reads 85 of 100")})
    with pytest.raises(ValidationError, match="Record progress for outcome 2, 3"):
        close_review(review, closed_by=senco)
    update_review(review, changed_by=senco, progress=_progress(plan, "met", "met", "met"))
    close_review(review, closed_by=senco)
    assert review.progress.get(outcome=first).comment == ""  # the later judgement replaced the first


def test_review_dates_and_outcomes_are_checked(senco, plan):
    with pytest.raises(ValidationError, match="The next review must be after this one"):
        record_review(plan, recorded_by=senco, held_on=TODAY, next_review_on=TODAY)
    with pytest.raises(ValidationError, match="before the plan started"):
        record_review(plan, recorded_by=senco, held_on=D(2020, 1, 1))
    other = active_plan_for(PupilFactory())
    with pytest.raises(ValidationError, match="this plan's own outcomes"):
        record_review(plan, recorded_by=senco, held_on=TODAY, progress={other.outcomes.first().pk: "met"})
    record_review(plan, recorded_by=senco, held_on=TODAY)
    with pytest.raises(ValidationError, match="is still a draft"):
        record_review(plan, recorded_by=senco, held_on=TODAY)


def test_only_active_plans_are_reviewed(senco, plan):
    plan.status = PlanStatus.CLOSED
    plan.save()
    with pytest.raises(ValidationError, match="Reviews are recorded against an active plan"):
        record_review(plan, recorded_by=senco, held_on=TODAY)


def test_the_pupils_teacher_or_ta_records_and_continues_but_leaving_the_register_is_for_the_senco(plan, staff):
    teacher, ta, other_teacher = staff("teacher"), staff("teaching_assistant"), staff("teacher")
    ClassTeacherFactory(school_class=plan.pupil.school_class, user=teacher)
    ClassTeacherFactory(school_class=plan.pupil.school_class, user=ta, role="teaching_assistant")
    with pytest.raises(PermissionDenied):
        record_review(plan, recorded_by=other_teacher, held_on=TODAY)
    with pytest.raises(PermissionDenied):
        record_review(plan, recorded_by=staff("school_admin"), held_on=TODAY)
    review = _review(plan, ta, "exit_register", "met", "met", "met")
    with pytest.raises(
        PermissionDenied, match="Only the SENCO or headteacher can close a review that takes a pupil off the register"
    ):
        close_review(review, closed_by=teacher)
    update_review(review, changed_by=teacher, decision="continue")
    close_review(review, closed_by=teacher)
    assert Review.objects.get(pk=review.pk).status == ReviewStatus.CLOSED


# --- The SENCO's dashboard ---------------------------------------------------------------------


def test_reviews_due_and_overdue(in_a, staff, in_b):
    senco = staff("senco")
    on = D(2025, 3, 3)
    plans = {}
    for name, due in (
        ("Overdue", D(2025, 2, 1)),
        ("Today", on),
        ("Fortnight", D(2025, 3, 17)),
        ("Later", D(2025, 3, 18)),
    ):
        pupil = PupilFactory(last_name=name)
        plans[name] = active_plan_for(pupil, review_due_on=due)
    left = PupilFactory(last_name="Left", leaving_date=D(2025, 1, 1))
    active_plan_for(left, review_due_on=D(2025, 2, 1))
    assert [p.pupil.last_name for p in reviews_due(on, user=senco, roles=SENCO)] == ["Today", "Fortnight"]
    assert [p.pupil.last_name for p in reviews_due(on, within_days=15, user=senco, roles=SENCO)] == [
        "Today",
        "Fortnight",
        "Later",
    ]
    assert [p.pupil.last_name for p in reviews_overdue(on, user=senco, roles=SENCO)] == ["Overdue"]
    teacher = staff("teacher")
    assert not reviews_overdue(on, user=teacher, roles=TEACHER).exists()
    ClassTeacherFactory(school_class=plans["Overdue"].pupil.school_class, user=teacher)
    assert [p.pupil.last_name for p in reviews_overdue(on, user=teacher, roles=TEACHER)] == ["Overdue"]
    assert not reviews_overdue(on, user=staff("governor"), roles=frozenset({"governor"})).exists()
    with in_b():
        assert not reviews_overdue(on, user=senco, roles=SENCO).exists()


def test_pupils_with_fewer_than_three_reviews_in_a_year_pro_rata(in_a, staff):
    senco = staff("senco")
    on = D(2025, 6, 1)

    def pupil(name, since, reviews, census_code=CensusCode.SEN_SUPPORT):
        p = PupilFactory(last_name=name)
        on_register(p, since=since, census_code=census_code)
        plan = active_plan_for(p)
        for held_on in reviews:
            ReviewFactory(plan=plan, held_on=held_on)
        return p

    pupil("ThreeReviews", D(2023, 9, 1), [D(2024, 7, 1), D(2024, 11, 20), D(2025, 3, 20)])
    pupil("TwoReviews", D(2023, 9, 1), [D(2024, 11, 20), D(2025, 3, 20)])
    pupil("OldReviewsOnly", D(2023, 9, 1), [D(2024, 5, 31), D(2024, 1, 10), D(2023, 12, 1)])  # outside the 12 months
    pupil("NewThisTerm", D(2025, 4, 20), [])  # six weeks on the register: nothing expected yet
    pupil("FiveMonths", D(2025, 1, 1), [])  # five months: one review expected
    pupil("FiveMonthsReviewed", D(2025, 1, 1), [D(2025, 4, 1)])
    pupil("Ehc", D(2022, 1, 1), [D(2024, 9, 1)], census_code=CensusCode.EHC_PLAN)
    # SEN Support then an EHC plan from January: one unbroken spell, judged over the whole year.
    moved = PupilFactory(last_name="KThenE")
    RegisterEntryFactory(pupil=moved, started_on=D(2023, 1, 1), ended_on=D(2025, 1, 10))
    on_register(moved, since=D(2025, 1, 10), census_code=CensusCode.EHC_PLAN)
    # A pupil at SEN Support with no plan at all is flagged too.
    no_plan = PupilFactory(last_name="NoPlan")
    on_register(no_plan, since=D(2024, 1, 1))
    shortfalls = pupils_with_fewer_than_three_reviews(on, user=senco, roles=SENCO)
    found = {s.pupil.last_name: (s.closed_reviews, s.expected_reviews) for s in shortfalls}
    assert found == {
        "TwoReviews": (2, 3),
        "OldReviewsOnly": (0, 3),
        "FiveMonths": (0, 1),
        "Ehc": (1, 3),
        "KThenE": (0, 3),
        "NoPlan": (0, 3),
    }
    assert next(s for s in shortfalls if s.pupil.last_name == "KThenE").on_register_since == D(2023, 1, 1)
    assert not pupils_with_fewer_than_three_reviews(on, user=staff("teacher"), roles=TEACHER)
    assert not pupils_with_fewer_than_three_reviews(on, user=staff("teaching_assistant"), roles=TA)


def test_draft_reviews_do_not_count(in_a, staff):
    senco = staff("senco")
    p = PupilFactory()
    on_register(p, since=D(2023, 1, 1))
    plan = active_plan_for(p)
    for held_on in (D(2024, 9, 1), D(2024, 12, 1), D(2025, 3, 1)):
        ReviewFactory(plan=plan, held_on=held_on, status=ReviewStatus.DRAFT)
    assert [s.closed_reviews for s in pupils_with_fewer_than_three_reviews(D(2025, 6, 1), user=senco, roles=SENCO)] == [
        0
    ]
