"""Support plans: named by the toolkit, SMART outcomes to activate, capped outcomes, every change versioned."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from send_core.models import PlanOutcome, PlanStatus, PlanVersion, Pupil, SupportPlan
from send_core.selectors import active_plan, one_page_profile, plan_versions
from send_core.services.plans import (
    activate_plan,
    add_outcome,
    add_provision,
    close_plan,
    create_plan,
    remove_outcome,
    remove_provision,
    update_outcome,
    update_plan,
    update_provision,
)
from tests.send_core.factories import (
    PupilFactory,
    PupilNeedFactory,
    ReviewFactory,
    SupportPlanFactory,
    active_plan_for,
    on_register,
)

D = datetime.date
SOON = datetime.date.today() + datetime.timedelta(days=100)
SMART = {"measure": "Words read from the list", "baseline": "40 of 100", "target": "80 of 100", "target_date": SOON}


@pytest.fixture
def senco(in_a, staff):
    return staff("senco")


@pytest.fixture
def pupil(in_a):
    pupil = PupilFactory(preferred_name="Ollie", legal_first_name="Oliver", last_name="Reed")
    on_register(pupil)
    return pupil


def test_draft_outcomes_and_activation(senco, pupil, in_b):
    plan = create_plan(pupil, created_by=senco, strengths="Kind; loves Lego", child_views="I like maths")
    assert plan.title == "SEN Support Plan" and plan.status == PlanStatus.DRAFT and plan.version == 1
    outcome = add_outcome(plan, changed_by=senco, description="Read the first 100 high-frequency words")
    add_provision(
        plan,
        changed_by=senco,
        description="Toe by Toe",
        frequency="Daily, 10 minutes",
        staff_role="Teaching assistant",
        weekly_minutes=50,
    )

    with pytest.raises(ValidationError) as error:
        activate_plan(plan, activated_by=senco, on=datetime.date.today())
    assert (
        "Outcome 1 needs how progress will be measured, a baseline (where the pupil is now), a target and a target date."
        in error.value.messages
    )
    update_outcome(outcome, changed_by=senco, **SMART)
    plan = activate_plan(plan, activated_by=senco, on=datetime.date.today())
    assert plan.status == PlanStatus.ACTIVE and plan.activated_on == datetime.date.today()
    # Reviewed three times a year: the first review falls a term after the start.
    assert plan.review_due_on == datetime.date.today() + datetime.timedelta(days=121)
    assert active_plan(pupil) == plan
    assert [v.summary for v in plan_versions(plan)][::-1] == [
        "Drafted",
        "Added outcome 1",
        "Added provision",
        "Changed outcome 1",
        "Made active",
    ]
    assert plan.version == 5
    with in_b():
        assert not SupportPlan.objects.exists() and not Pupil.objects.filter(upn=pupil.upn).exists()


def test_each_version_is_a_snapshot_of_the_whole_plan(senco, pupil):
    plan = create_plan(pupil, created_by=senco, strategies="Visual timetable")
    outcome = add_outcome(plan, changed_by=senco, description="Count to 20", **SMART)
    update_plan(plan, changed_by=senco, strategies="Visual timetable; now/next board")
    remove_outcome(outcome, changed_by=senco)
    snapshots = {v.version: v.snapshot for v in PlanVersion.objects.filter(plan=plan)}
    assert snapshots[1]["strategies"] == "Visual timetable" and snapshots[1]["outcomes"] == []
    assert snapshots[2]["outcomes"][0]["description"] == "Count to 20"
    assert snapshots[2]["outcomes"][0]["target_date"] == SOON.isoformat()
    assert snapshots[3]["strategies"] == "Visual timetable; now/next board"
    assert snapshots[4]["outcomes"] == [] and snapshots[4]["strategies"] == "Visual timetable; now/next board"


def test_a_plan_takes_the_toolkits_name_and_outcome_cap(one_plan_school, senco, pupil):
    plan = create_plan(pupil, created_by=senco)
    assert plan.title == "One Plan"
    for n in range(4):
        add_outcome(plan, changed_by=senco, description=f"Outcome {n}")
    with pytest.raises(ValidationError) as error:
        add_outcome(plan, changed_by=senco, description="One too many")
    assert error.value.messages == ["A One Plan can hold at most 4 outcomes."]
    assert PlanOutcome.objects.filter(plan=plan).count() == 4


def test_the_national_default_has_no_outcome_cap(senco, pupil):
    plan = create_plan(pupil, created_by=senco)
    for n in range(9):
        add_outcome(plan, changed_by=senco, description=f"Outcome {n}")
    assert plan.outcomes.count() == 9


def test_activation_checks(senco, pupil, in_a):
    plan = create_plan(pupil, created_by=senco)
    with pytest.raises(ValidationError, match="Add at least one outcome"):
        activate_plan(plan, activated_by=senco)
    add_outcome(plan, changed_by=senco, description="x", **{**SMART, "target_date": D(2020, 1, 1)})
    with pytest.raises(ValidationError, match="target date is before the plan starts"):
        activate_plan(plan, activated_by=senco)

    not_on_register = PupilFactory()
    plan2 = create_plan(not_on_register, created_by=senco)
    add_outcome(plan2, changed_by=senco, description="x", **SMART)
    with pytest.raises(
        ValidationError, match="Place the pupil at SEN Support before making their SEN Support Plan active"
    ):
        activate_plan(plan2, activated_by=senco)


def test_one_active_plan_and_one_draft_per_pupil(senco, pupil):
    active_plan_for(pupil)
    draft = create_plan(pupil, created_by=senco)
    add_outcome(draft, changed_by=senco, description="x", **SMART)
    with pytest.raises(ValidationError, match="already has an active SEN Support Plan"):
        activate_plan(draft, activated_by=senco)
    with pytest.raises(ValidationError, match="already has a draft SEN Support Plan"):
        create_plan(pupil, created_by=senco)


def test_outcomes_added_to_an_active_plan_must_be_smart(senco, pupil):
    plan = active_plan_for(pupil)
    with pytest.raises(ValidationError, match="Outcomes of an active plan must be SMART"):
        add_outcome(plan, changed_by=senco, description="Be happier")
    outcome = plan.outcomes.first()
    with pytest.raises(ValidationError, match="needs a baseline"):
        update_outcome(outcome, changed_by=senco, baseline="")
    add_outcome(plan, changed_by=senco, description="Use a calm-down card", **SMART)
    assert plan.outcomes.count() == 3


def test_reviewed_outcomes_stay(senco, pupil):
    plan = active_plan_for(pupil)
    outcome = plan.outcomes.first()
    review = ReviewFactory(plan=plan)
    review.progress.create(outcome=outcome, progress="partly_met")
    with pytest.raises(ValidationError, match="has been reviewed, so it stays on the plan"):
        remove_outcome(outcome, changed_by=senco)


def test_closed_plans_cannot_change(senco, pupil):
    plan = active_plan_for(pupil)
    close_plan(plan, closed_by=senco)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.closed_on == datetime.date.today()
    for attempt in (
        lambda: update_plan(plan, changed_by=senco, strengths="x"),
        lambda: add_outcome(plan, changed_by=senco, description="x"),
        lambda: add_provision(plan, changed_by=senco, description="x"),
        lambda: close_plan(plan, closed_by=senco),
    ):
        with pytest.raises(ValidationError, match="is closed, so it can no longer be changed"):
            attempt()


def test_provision_changes_are_versioned(senco, pupil):
    plan = create_plan(pupil, created_by=senco)
    item = add_provision(plan, changed_by=senco, description="Lego therapy", weekly_minutes=45)
    update_provision(item, changed_by=senco, weekly_minutes=60, provision_group_id=17)
    remove_provision(item, changed_by=senco)
    snapshots = [v.snapshot["provision"] for v in PlanVersion.objects.filter(plan=plan).order_by("version")]
    assert snapshots[1][0]["weekly_minutes"] == 45
    assert snapshots[2][0]["weekly_minutes"] == 60 and snapshots[2][0]["provision_group_id"] == 17
    assert snapshots[3] == []


def test_only_senco_or_head_write_plans(pupil, staff):
    for role in ("teacher", "teaching_assistant", "school_admin", "governor", "business_manager"):
        with pytest.raises(PermissionDenied):
            create_plan(pupil, created_by=staff(role))
    plan = SupportPlanFactory(pupil=pupil)
    with pytest.raises(PermissionDenied):
        add_outcome(plan, changed_by=staff("teacher"), description="x")
    create_plan(PupilFactory(), created_by=staff("headteacher"))


def test_one_page_profile(senco, pupil, in_b):
    assert one_page_profile(pupil) is None
    plan = active_plan_for(pupil, outcomes=3)
    PupilNeedFactory(pupil=pupil, need_type="SEMH", area="semh", rank="secondary")
    profile = one_page_profile(pupil)
    assert profile.pupil_name == "Ollie Reed" and profile.year_group == "Year 4"
    assert profile.plan_title == "SEN Support Plan" and profile.what_works == plan.strategies
    assert profile.strengths == plan.strengths
    assert profile.needs == [
        "Specific learning difficulty (primary need)",
        "Social, emotional and mental health (secondary need)",
    ]
    assert len(profile.outcomes) == 3 and profile.review_due_on == plan.review_due_on
    with in_b(), pytest.raises(Pupil.DoesNotExist):
        one_page_profile(pupil)


def test_plan_changes_are_audited(senco, pupil):
    from send_platform.audit.models import AuditEvent

    plan = create_plan(pupil, created_by=senco, parent_views="Worried about reading at home")
    outcome = add_outcome(plan, changed_by=senco, description="Read 100 words", **SMART)
    activate_plan(plan, activated_by=senco)
    events = AuditEvent.objects.filter(pupil_id=pupil.pk).order_by("id")
    assert [(e.object_type, e.action) for e in events] == [
        ("supportplan", "create"),
        ("planoutcome", "create"),
        ("supportplan", "update"),
    ]
    assert events[1].object_id == str(outcome.pk) and events[1].detail == {"plan_id": plan.pk}
    assert "Worried" not in str([e.detail for e in events]) and "Read 100" not in str([e.detail for e in events])
