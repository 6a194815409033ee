"""Groups: the SENCO starts them, the staff who run them record sessions and measures and see their pupils."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from send_platform.audit.models import AuditEvent

from send_core.permissions import can_view_send_record
from send_core.provision import services
from send_core.provision.models import GroupSession, Intervention, ProvisionGroup, SessionAttendance
from send_core.provision.selectors import impact
from send_core.provision.terms import school_year_of
from tests.send_core.factories import TA, PupilFactory, SchoolClassFactory

TODAY = datetime.date.today()


@pytest.fixture
def scene(in_a, staff):
    """A SENCO, a TA who runs a Toe by Toe group of pupils from other classes, and a teacher who does not."""
    people = {"senco": staff("senco"), "ta": staff("teaching_assistant"), "teacher": staff("teacher")}
    services.ensure_intervention_catalogue(by=people["senco"])
    toe = Intervention.objects.get(name="Toe by Toe")
    other_class = SchoolClassFactory(name="5 Swifts")
    pupils = [PupilFactory(school_class=other_class, legal_first_name=n, last_name="Group") for n in ("Ola", "Pia")]
    group = services.create_group(
        intervention=toe,
        name="Toe by Toe, Year 5",
        staff=[people["ta"]],
        starts_on=TODAY - datetime.timedelta(days=14),
        ends_on=TODAY + datetime.timedelta(days=60),
        schedule=[{"day": "tuesday", "time": "09:10"}],
        created_by=people["senco"],
    )
    members = [
        services.add_pupil_to_group(
            group,
            pupil,
            added_by=people["senco"],
            joined_on=group.starts_on,
            entry_value=Decimal("84"),
            entry_on=group.starts_on,
            exit_target=Decimal("90"),
        )
        for pupil in pupils
    ]
    return people, group, pupils, members


def test_the_starter_catalogue_has_the_common_interventions_once(in_a, staff):
    senco = staff("senco")
    made = services.ensure_intervention_catalogue(by=senco)
    names = {item.name for item in made}
    assert {"Thrive", "Zones of Regulation", "Numicon", "Toe by Toe", "Catch Up Literacy", "Power of 2"} <= names
    assert {"ELKLAN language group", "Lego-based social skills", "Phonics booster", "Narrative therapy"} <= names
    assert services.ensure_intervention_catalogue(by=senco) == []
    with pytest.raises(PermissionDenied):
        services.ensure_intervention_catalogue(by=staff("teacher"))


def test_a_group_takes_its_sessions_and_costs_from_the_catalogue(scene):
    people, group, pupils, members = scene
    assert (group.sessions_per_week, group.minutes_per_session, group.staff_role) == (5, 15, "teaching_assistant")
    assert group.resource_cost == Decimal("25.00") and group.schedule == [{"day": "Tuesday", "time": "09:10"}]
    with pytest.raises(ValidationError) as refused:
        services.create_group(
            intervention=group.intervention,
            name="Backwards",
            staff=[people["ta"]],
            starts_on=TODAY,
            ends_on=TODAY - datetime.timedelta(days=1),
            created_by=people["senco"],
        )
    assert refused.value.message_dict == {"ends_on": ["The group must end on or after the day it starts."]}
    with pytest.raises(ValidationError) as refused:
        services.create_group(
            intervention=group.intervention, name="Nobody", staff=[], starts_on=TODAY, created_by=people["senco"]
        )
    assert "staff" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.add_pupil_to_group(group, pupils[0], added_by=people["senco"])  # already in it


def test_the_ta_who_runs_it_records_a_session_and_sees_its_pupils(scene):
    people, group, pupils, members = scene
    ta, teacher = people["ta"], people["teacher"]
    roles = TA
    # The pupils are not in the TA's classes: the group is what lets her see them.
    assert all(can_view_send_record(ta, roles, pupil) for pupil in pupils)
    assert not can_view_send_record(teacher, frozenset({"teacher"}), pupils[0])
    session = services.record_session(group, held_on=TODAY, recorded_by=ta, absent=[pupils[1].pk])
    marks = dict(SessionAttendance.objects.filter(session=session).values_list("pupil__legal_first_name", "attendance"))
    assert marks == {"Ola": "attended", "Pia": "absent"}
    # Recording the day again replaces it; not delivered keeps no attendance.
    services.record_session(group, held_on=TODAY, recorded_by=ta, delivered=False)
    assert GroupSession.objects.get(group=group, held_on=TODAY).status == "not_delivered"
    assert not SessionAttendance.objects.filter(session__group=group).exists()
    # Every pupil's trail has the session.
    assert AuditEvent.objects.filter(object_type="groupsession", pupil_id=pupils[0].pk).count() == 2
    with pytest.raises(PermissionDenied):
        services.record_session(group, held_on=TODAY, recorded_by=teacher)
    with pytest.raises(ValidationError) as refused:
        services.record_session(group, held_on=TODAY + datetime.timedelta(days=1), recorded_by=ta)
    assert "held_on" in refused.value.message_dict
    outsider = PupilFactory()
    with pytest.raises(ValidationError):
        services.record_session(group, held_on=TODAY, recorded_by=ta, absent=[outsider.pk])


def test_staff_stop_seeing_a_groups_pupils_a_month_after_it_ends(scene):
    people, group, pupils, members = scene
    ta = people["ta"]
    ProvisionGroup.objects.filter(pk=group.pk).update(
        starts_on=TODAY - datetime.timedelta(days=120), ends_on=TODAY - datetime.timedelta(days=20)
    )
    assert can_view_send_record(ta, TA, pupils[0])
    ProvisionGroup.objects.filter(pk=group.pk).update(ends_on=TODAY - datetime.timedelta(days=40))
    assert not can_view_send_record(ta, TA, pupils[0])


def test_measures_give_the_intervention_its_impact(scene):
    people, group, pupils, members = scene
    ta = people["ta"]
    services.record_measure(members[0], recorded_by=ta, which="exit", value=Decimal("92"), on=TODAY)
    services.record_measure(members[1], recorded_by=ta, which="exit", value=Decimal("88"), on=TODAY)
    with pytest.raises(ValidationError):
        services.record_measure(
            members[1], recorded_by=ta, which="exit", value=Decimal("88"), on=group.starts_on - datetime.timedelta(1)
        )
    with pytest.raises(PermissionDenied):
        services.record_measure(members[0], recorded_by=people["teacher"], which="exit", value=Decimal("1"), on=TODAY)
    from tests.send_core.provision.factories import set_rates

    set_rates(teaching_assistant="15.00")
    per_intervention, per_group = impact(school_year_of(TODAY))
    row = next(r for r in per_intervention if r.label == "Toe by Toe")
    assert (row.pupils_measured, row.average_gain, row.met_target, row.with_target) == (2, Decimal("6.0"), 1, 2)
    assert row.met_share == 50
    # Two weeks in: 6 units gained on average over 14 days (0.46 months) is about 13 a month.
    assert row.gain_per_month == (Decimal(12) / (Decimal(28) / Decimal("30.44"))).quantize(Decimal("0.01"))
    assert row.cost_per_pupil_meeting_target == row.cost  # one pupil met the target
    assert [r.label for r in per_group] == ["Toe by Toe, Year 5"]


def test_groups_and_catalogue_stay_in_their_school(scene, in_b, staff, client_for, school_b):
    people, group, pupils, members = scene
    with in_b():
        assert not ProvisionGroup.objects.exists()
        assert not Intervention.objects.filter(name="Toe by Toe").exists()
        assert not SessionAttendance.objects.exists()
    senco_b = staff("senco", organisation=school_b)
    client = client_for(senco_b, school_b)
    assert client.get(f"/provision/groups/{group.pk}/").status_code == 404
    assert "Toe by Toe, Year 5" not in client.get("/provision/groups/").content.decode()
    assert "Toe by Toe" not in client.get("/provision/catalogue/").content.decode()
    assert "Ola" not in client.get("/provision/map/").content.decode()


@pytest.mark.parametrize(
    "starts_in, ends_in, sees",
    [
        (20, 80, False),  # starts in 20 days: too early to prepare
        (14, 80, True),  # two weeks before it starts: time to prepare
        (-120, -31, True),  # a month after it ended: time for exit measures
        (-120, -32, False),
    ],
)
def test_staff_see_their_group_only_inside_its_window(scene, starts_in, ends_in, sees):
    from send_core.provision.permissions import can_run_group, runs_group
    from send_core.provision.selectors import groups_for

    people, group, pupils, members = scene
    ta = people["ta"]
    ProvisionGroup.objects.filter(pk=group.pk).update(
        starts_on=TODAY + datetime.timedelta(days=starts_in), ends_on=TODAY + datetime.timedelta(days=ends_in)
    )
    group.refresh_from_db()
    assert can_view_send_record(ta, TA, pupils[0]) is sees
    assert runs_group(ta, group) is sees and can_run_group(ta, TA, group) is sees
    assert list(groups_for(ta, TA)) == ([group] if sees else [])
    # The SENCO sees every group, whenever it runs.
    assert list(groups_for(people["senco"], frozenset({"senco"}))) == [group]
    assert can_run_group(people["senco"], frozenset({"senco"}), group)


def test_gain_a_month_counts_gains_and_months_over_the_same_pupils():
    from types import SimpleNamespace

    from send_core.provision.selectors import _impact

    def member(entry_value, exit_value, entry_on, exit_on):
        return SimpleNamespace(
            pupil_id=id(object()),
            entry_value=Decimal(entry_value),
            exit_value=Decimal(exit_value),
            entry_on=entry_on,
            exit_on=exit_on,
            met_target=None,
        )

    start = datetime.date(2025, 9, 1)
    timed = member("10", "16", start, start + datetime.timedelta(days=61))  # 6 in about 2 months
    undated = member("10", "40", None, start + datetime.timedelta(days=61))  # a gain with no entry date
    row = _impact("Numicon", "Maths age", [timed, undated], Decimal("0"))
    assert row.average_gain == Decimal("18.0")  # the average gain still takes every measured pupil
    assert row.gain_per_month == (Decimal(6) / (Decimal(61) / Decimal("30.44"))).quantize(Decimal("0.01"))
    assert _impact("Numicon", "Maths age", [undated], Decimal("0")).gain_per_month is None


def test_an_entry_measure_cannot_be_dated_after_the_exit_measure(scene):
    people, group, pupils, members = scene
    ta = people["ta"]
    exit_on = TODAY - datetime.timedelta(days=2)
    services.record_measure(members[0], recorded_by=ta, which="exit", value=Decimal("90"), on=exit_on)
    with pytest.raises(ValidationError) as refused:
        services.record_measure(members[0], recorded_by=ta, which="entry", value=Decimal("80"), on=TODAY)
    assert refused.value.message_dict == {"on": ["The entry measure must be taken before the exit measure."]}
    members[0].refresh_from_db()
    assert members[0].entry_on == group.starts_on and members[0].entry_value == Decimal("84")
    # On or before the exit measure is fine.
    services.record_measure(members[0], recorded_by=ta, which="entry", value=Decimal("82"), on=exit_on)
    members[0].refresh_from_db()
    assert (members[0].entry_value, members[0].entry_on) == (Decimal("82"), exit_on)
