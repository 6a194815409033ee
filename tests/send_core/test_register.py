"""The register: stages from the toolkit, dated entries with history, parents told when SEN provision starts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from send_platform.audit.models import AuditEvent

from send_core.models import (
    CensusCode,
    NeedRank,
    NeedType,
    NotificationKind,
    ParentNotification,
    PlanStatus,
    Pupil,
    PupilNeed,
    RegisterEntry,
)
from send_core.selectors import current_stage, register_history, register_on, register_summary
from send_core.services.needs import add_need
from send_core.services.register import exit_register, place_on_register
from send_core.toolkit import NATIONAL_DEFAULT, Stage, Toolkit, register_toolkit, unregister_toolkit
from tests.send_core.factories import (
    SENCO,
    TEACHER,
    PupilFactory,
    PupilNeedFactory,
    RegisterEntryFactory,
    SchoolClassFactory,
    active_plan_for,
    on_register,
)

D = datetime.date


def test_monitoring_then_sen_support_keeps_history_and_tells_parents(in_a, staff, in_b):
    senco = staff("senco")
    pupil = PupilFactory()
    first = place_on_register(
        pupil, "monitoring", reason="Concern from class teacher", decided_by=senco, on=D(2024, 9, 10)
    )
    assert first.census_code == CensusCode.NONE and first.stage_label == "Monitoring (first concerns)"
    assert not ParentNotification.objects.filter(pupil=pupil).exists()

    PupilNeedFactory(pupil=pupil, need_type=NeedType.SPLD)
    second = place_on_register(
        pupil,
        "sen_support",
        reason="Little progress after two cycles of adapted teaching",
        decided_by=senco,
        on=D(2024, 11, 4),
        notification_method="meeting",
    )
    first.refresh_from_db()
    assert first.ended_on == D(2024, 11, 4) and first.end_reason.startswith("Little progress")
    assert second.census_code == CensusCode.SEN_SUPPORT and second.ended_on is None
    assert second.decided_by_id == senco.pk
    assert list(register_history(pupil)) == [first, second]
    assert current_stage(pupil) == second

    notification = ParentNotification.objects.get(pupil=pupil)
    assert notification.kind == NotificationKind.SEN_PROVISION_STARTED
    assert notification.sent_on == D(2024, 11, 4) and notification.method == "meeting"
    assert notification.register_entry == second and notification.recorded_by_id == senco.pk

    with in_b():
        assert not Pupil.objects.filter(upn=pupil.upn).exists()
        assert not RegisterEntry.objects.exists() and not ParentNotification.objects.exists()


def test_starting_sen_provision_without_recording_how_parents_were_told_is_refused(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    PupilNeedFactory(pupil=pupil)
    with pytest.raises(ValidationError) as error:
        place_on_register(pupil, "sen_support", reason="Needs support", decided_by=senco)
    assert "Parents must be told when SEN provision starts" in str(error.value)
    assert not RegisterEntry.objects.filter(pupil=pupil).exists()


def test_moving_to_sen_support_or_ehc_without_a_primary_need_is_refused(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    for stage in ("sen_support", "ehc_plan"):
        with pytest.raises(ValidationError) as error:
            place_on_register(pupil, stage, reason="x", decided_by=senco, notification_method="letter")
        assert "Record the pupil's primary need before placing them at" in str(error.value)
    assert not RegisterEntry.objects.filter(pupil=pupil).exists()


def test_nsa_cannot_go_forward_to_an_ehc_plan(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    on_register(pupil, need_type=NeedType.NSA)
    with pytest.raises(ValidationError) as error:
        place_on_register(pupil, "ehc_plan", reason="EHC plan issued", decided_by=senco)
    assert "only used at SEN Support" in str(error.value)


def final_ehc_plan(pupil, issued_on, status="final"):
    from send_core.ehc.models import EhcPlan

    return EhcPlan.objects.create(pupil=pupil, status=status, issued_on=issued_on, section_a="All about me")


def test_moving_from_sen_support_to_ehc_plan_sends_no_second_start_notice(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    on_register(pupil)
    final_ehc_plan(pupil, datetime.date.today())
    place_on_register(pupil, "ehc_plan", reason="EHC plan issued by the LA", decided_by=senco)
    assert current_stage(pupil).census_code == CensusCode.EHC_PLAN
    assert not ParentNotification.objects.filter(pupil=pupil).exists()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"stage_key": "sen_support"}, "already at SEN Support"),
        ({"stage_key": "high_need"}, "has no stage called 'high_need'"),
        ({"stage_key": "monitoring", "reason": "  "}, "Give the reason"),
        ({"stage_key": "monitoring", "on": D(2023, 8, 1)}, "the change cannot be dated earlier"),
        (
            {"stage_key": "monitoring", "on": datetime.date.today() + datetime.timedelta(days=2)},
            "cannot be in the future",
        ),
    ],
)
def test_impossible_moves_are_refused_with_reasons(in_a, staff, kwargs, message):
    senco = staff("senco")
    pupil = PupilFactory()
    entry = on_register(pupil, since=D(2023, 9, 1))
    arguments = {"reason": "Reviewed", "decided_by": senco, **kwargs}
    with pytest.raises(ValidationError) as error:
        place_on_register(pupil, arguments.pop("stage_key"), **arguments)
    assert message in str(error.value)
    entry.refresh_from_db()
    assert entry.ended_on is None


def test_only_the_senco_or_head_change_the_register(in_a, staff, school_b):
    teacher = staff("teacher")
    pupil = PupilFactory()
    with pytest.raises(PermissionDenied):
        place_on_register(pupil, "monitoring", reason="x", decided_by=teacher)
    # A SENCO of another school is nobody here.
    other_senco = staff("senco", organisation=school_b)
    with pytest.raises(PermissionDenied):
        place_on_register(pupil, "monitoring", reason="x", decided_by=other_senco)
    head = staff("headteacher")
    place_on_register(pupil, "monitoring", reason="x", decided_by=head)


def test_exit_returns_the_pupil_to_monitoring_and_closes_their_plan(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    entry = on_register(pupil, since=D(2023, 9, 1), need_type=NeedType.NSA)
    plan = active_plan_for(pupil)
    monitoring = exit_register(
        pupil,
        reason="Outcomes met; progress in line with peers",
        decided_by=senco,
        on=D(2025, 3, 1),
        notification_method="letter",
    )
    entry.refresh_from_db()
    plan.refresh_from_db()
    assert entry.ended_on == D(2025, 3, 1)
    assert monitoring.stage_key == "monitoring" and monitoring.started_on == D(2025, 3, 1)
    assert plan.status == PlanStatus.CLOSED and plan.closed_on == D(2025, 3, 1)
    assert ParentNotification.objects.get(pupil=pupil).kind == NotificationKind.SEN_PROVISION_ENDED
    # "SEN support but no specialist assessment" belongs to SEN Support alone, so it ends with it.
    assert PupilNeed.objects.get(pupil=pupil, need_type=NeedType.NSA).ended_on == D(2025, 3, 1)
    assert register_history(pupil).count() == 2

    # From monitoring, exiting ends monitoring altogether.
    assert exit_register(pupil, reason="No further concerns", decided_by=senco, on=D(2025, 7, 1)) is None
    assert current_stage(pupil) is None
    with pytest.raises(ValidationError, match="not on the register"):
        exit_register(pupil, reason="again", decided_by=senco)


def test_one_open_entry_per_pupil_is_kept_by_the_database_in_a_cloned_school_schema(in_a):
    pupil = PupilFactory()
    RegisterEntryFactory(pupil=pupil)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntryFactory(pupil=pupil, census_code=CensusCode.EHC_PLAN)


def test_the_toolkit_names_the_stages(in_a, staff, school_a):
    essexish = Toolkit(
        key="three-steps",
        name="Three steps",
        stages=(
            Stage("step_1", "Step 1: discussion", "", CensusCode.NONE),
            Stage("step_2", "Step 2: support plan", "", CensusCode.SEN_SUPPORT),
            Stage("step_3", "Step 3: EHCP", "", CensusCode.EHC_PLAN),
        ),
        plan_name="Support Plan",
        plan_sections=NATIONAL_DEFAULT.plan_sections,
    )
    register_toolkit(essexish)
    school_a.toolkit = "three-steps"
    try:
        senco = staff("senco")
        pupil = PupilFactory()
        PupilNeedFactory(pupil=pupil)
        entry = place_on_register(pupil, "step_2", reason="x", decided_by=senco, notification_method="email")
        assert entry.stage_label == "Step 2: support plan" and entry.census_code == CensusCode.SEN_SUPPORT
        with pytest.raises(ValidationError, match="Three steps has no stage called 'sen_support'"):
            place_on_register(pupil, "sen_support", reason="x", decided_by=senco)
        summary = register_summary(datetime.date.today())
        assert [(c.stage_key, c.count) for c in summary.by_stage] == [("step_1", 0), ("step_2", 1), ("step_3", 0)]
    finally:
        school_a.toolkit = ""
        unregister_toolkit("three-steps")
    # History keeps the label it was given, whatever the school's toolkit is now.
    entry.refresh_from_db()
    assert entry.stage_label == "Step 2: support plan"


# --- Who is on the register on a date ---------------------------------------------------------


@pytest.fixture
def register_around_march(in_a):
    """Pupils whose entries start and end around 1 March 2025 (entries run to, not including, their end)."""
    day = D(2025, 3, 1)
    pupils = {
        name: PupilFactory(last_name=name)
        for name in ("Before", "Starts", "Ends", "EndedDayAfter", "After", "Monitoring", "Ehc", "Moved")
    }
    RegisterEntryFactory(pupil=pupils["Before"], started_on=D(2024, 9, 1))
    RegisterEntryFactory(pupil=pupils["Starts"], started_on=day)
    RegisterEntryFactory(pupil=pupils["Ends"], started_on=D(2024, 9, 1), ended_on=day)
    RegisterEntryFactory(pupil=pupils["EndedDayAfter"], started_on=D(2024, 9, 1), ended_on=D(2025, 3, 2))
    RegisterEntryFactory(pupil=pupils["After"], started_on=D(2025, 3, 2))
    RegisterEntryFactory(pupil=pupils["Monitoring"], census_code=CensusCode.NONE, started_on=D(2024, 9, 1))
    RegisterEntryFactory(pupil=pupils["Ehc"], census_code=CensusCode.EHC_PLAN, started_on=D(2020, 9, 1))
    # K then E, changing on the day itself: on the register either way, counted once.
    RegisterEntryFactory(pupil=pupils["Moved"], started_on=D(2024, 1, 1), ended_on=day)
    RegisterEntryFactory(pupil=pupils["Moved"], census_code=CensusCode.EHC_PLAN, started_on=day)
    for pupil in pupils.values():
        PupilNeedFactory(
            pupil=pupil, started_on=D(2020, 1, 1), need_type=NeedType.SPLD if pupil.last_name != "Ehc" else NeedType.ASD
        )
    return day, pupils


def test_register_on_a_date_counts_entries_that_cover_it(register_around_march, staff, in_b):
    day, _ = register_around_march
    senco = staff("senco")
    names = [entry.pupil.last_name for entry in register_on(day, user=senco, roles=SENCO)]
    assert names == sorted(["Before", "Starts", "EndedDayAfter", "Ehc", "Moved"])
    assert [e.pupil.last_name for e in register_on(D(2025, 2, 28), user=senco, roles=SENCO)] == sorted(
        ["Before", "Ends", "EndedDayAfter", "Ehc", "Moved"]
    )
    with in_b():
        assert not register_on(day, user=senco, roles=SENCO).exists()


def test_register_on_is_limited_to_a_teachers_own_class(register_around_march, staff):
    day, pupils = register_around_march
    teacher = staff("teacher")
    own = SchoolClassFactory(name="4 Kestrels")
    own.staff.create(user=teacher)
    Pupil.objects.filter(pk=pupils["Starts"].pk).update(school_class=own)
    assert [e.pupil.last_name for e in register_on(day, user=teacher, roles=TEACHER)] == ["Starts"]
    assert not register_on(day, user=staff("school_admin"), roles=frozenset({"school_admin"})).exists()
    assert not register_on(day, user=staff("governor"), roles=frozenset({"governor"})).exists()


def test_register_summary_is_numbers_only(register_around_march, in_b):
    day, _ = register_around_march
    summary = register_summary(day)
    assert [(c.stage_key, c.count) for c in summary.by_stage] == [
        ("monitoring", 1),
        ("sen_support", 3),
        ("ehc_plan", 2),
    ]
    assert summary.by_census_code == {"N": 1, "K": 3, "E": 2}
    assert summary.on_register == 5
    assert [(n.need_type, n.count) for n in summary.by_primary_need] == [("SPLD", 4), ("ASD", 1)]
    assert summary.by_primary_need[1].label == "Autistic spectrum disorder"
    # Nothing in it identifies a child: stages, need types and counts only.
    for item in [*summary.by_stage, *summary.by_primary_need]:
        assert set(vars(item)) <= {"stage_key", "label", "census_code", "count", "need_type"}
    with in_b():
        assert register_summary(day).on_register == 0


def test_register_changes_are_audited_without_personal_data(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory(legal_first_name="Zebedee", last_name="Quartermaine")
    add_need(pupil, need_type=NeedType.SLCN, rank=NeedRank.PRIMARY, recorded_by=senco)
    entry = place_on_register(
        pupil, "sen_support", reason="Speech sound difficulties", decided_by=senco, notification_method="letter"
    )
    event = AuditEvent.objects.get(object_type="registerentry", object_id=str(entry.pk))
    assert event.pupil_id == pupil.pk and event.actor_id == senco.pk and event.action == "create"
    assert event.acting_organisation_id == in_a.pk
    for event in AuditEvent.objects.filter(pupil_id=pupil.pk):
        text = f"{event.summary} {event.detail}"
        assert "Zebedee" not in text and "Quartermaine" not in text and "Speech sound" not in text


# --- E needs an EHC plan on record --------------------------------------------------------------
# School census guide, SEN provision: "E" is recorded only for a pupil with an education, health and
# care plan; a pupil whose EHC needs assessment is requested or under way is at SEN Support, "K".


def test_the_ehc_plan_stage_needs_a_final_plan_issued_by_the_day_of_the_move(in_a, staff, in_b):
    senco = staff("senco")
    pupil = PupilFactory()
    support = on_register(pupil, since=D(2024, 9, 2))
    with pytest.raises(ValidationError) as error:
        place_on_register(pupil, "ehc_plan", reason="Assessment requested", decided_by=senco, on=D(2025, 3, 3))
    assert "no final EHC plan issued by 3 March 2025 is on record" in str(error.value)
    assert "stays at SEN Support (K)" in str(error.value)
    # A draft plan is not a plan; nor is a final one issued after the day of the move.
    final_ehc_plan(pupil, D(2025, 3, 1), status="draft")
    final_ehc_plan(pupil, D(2025, 3, 4))
    with pytest.raises(ValidationError):
        place_on_register(pupil, "ehc_plan", reason="Plan issued", decided_by=senco, on=D(2025, 3, 3))
    support.refresh_from_db()
    assert support.ended_on is None and RegisterEntry.objects.filter(pupil=pupil).count() == 1
    entry = place_on_register(pupil, "ehc_plan", reason="Plan issued", decided_by=senco, on=D(2025, 3, 4))
    assert entry.census_code == CensusCode.EHC_PLAN
    with in_b():
        assert not RegisterEntry.objects.filter(pupil_id=pupil.pk).exists()


@pytest.fixture
def cheshire_east_school(school_a):
    school_a.toolkit = "cheshire_east"
    yield school_a
    school_a.toolkit = ""


def test_cheshire_east_step_3_is_the_request_reported_as_k_until_the_plan(in_a, staff, cheshire_east_school, in_b):
    """Step 3 starts with the school's request for an assessment: K until the LA issues the plan, then E."""
    senco = staff("senco")
    pupil = PupilFactory()
    PupilNeedFactory(pupil=pupil, need_type=NeedType.SEMH)
    place_on_register(pupil, "step_2", reason="SEN Support Plan", decided_by=senco, on=D(2024, 9, 9), notification_method="meeting")
    requested = place_on_register(pupil, "step_3", reason="EHC needs assessment requested", decided_by=senco, on=D(2025, 1, 13))
    assert (requested.stage_label, requested.census_code) == ("Step 3: Education, Health and Care Plan", "K")
    # Moving within SEN provision tells parents nothing new.
    assert ParentNotification.objects.filter(pupil=pupil).count() == 1
    # The LA issues the plan 20 weeks after the request (13 January + 140 days = 2 June 2025).
    final_ehc_plan(pupil, D(2025, 6, 2))
    issued = place_on_register(pupil, "step_3", reason="EHC plan issued", decided_by=senco, on=D(2025, 6, 2))
    requested.refresh_from_db()
    assert requested.ended_on == D(2025, 6, 2) and issued.census_code == "E" and issued.stage_key == "step_3"
    # Once at E, the same stage again is no change.
    with pytest.raises(ValidationError, match="already at Step 3"):
        place_on_register(pupil, "step_3", reason="again", decided_by=senco, on=D(2025, 6, 3))
    assert [e.census_code for e in register_history(pupil)] == ["K", "K", "E"]
    with in_b():
        assert not RegisterEntry.objects.filter(pupil_id=pupil.pk).exists()


def test_a_move_dated_when_an_earlier_version_of_the_plan_was_in_force_is_allowed(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    on_register(pupil, since=D(2023, 9, 4))
    # Issued 6 January 2025, amended on 2 February 2026: on 10 March 2025 the first version was in force.
    final_ehc_plan(pupil, D(2025, 1, 6), status="superseded")
    final_ehc_plan(pupil, D(2026, 2, 2))
    entry = place_on_register(pupil, "ehc_plan", reason="Plan issued", decided_by=senco, on=D(2025, 3, 10))
    assert entry.census_code == CensusCode.EHC_PLAN
    # A plan that has ceased (no final version now) is no plan.
    other = PupilFactory()
    on_register(other, since=D(2023, 9, 4))
    final_ehc_plan(other, D(2025, 1, 6), status="ceased")
    with pytest.raises(ValidationError, match="no final EHC plan"):
        place_on_register(other, "ehc_plan", reason="Plan issued", decided_by=senco, on=D(2025, 3, 10))
