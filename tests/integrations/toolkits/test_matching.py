"""Matching provision to need: the SENCO records a level per area; the page sets it against provision."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from send_platform.audit.models import AuditEvent

from send_core.models import NeedDescriptorLevel
from send_core.selectors.descriptors import current_descriptor_levels, matching_provision
from send_core.services.descriptors import record_descriptor_level
from tests.send_core.factories import (
    PlanOutcomeFactory,
    PlanProvisionFactory,
    PupilFactory,
    active_plan_for,
    on_register,
)


@pytest.fixture
def pupil(in_a):
    pupil = PupilFactory(last_name="Ngata")
    on_register(pupil)
    return pupil


def test_matching_provision_sets_each_area_against_the_toolkit_and_the_active_plan(
    on_toolkit, senco, pupil, max_queries
):
    on_toolkit("manchester")
    plan = active_plan_for(pupil, outcomes=0)
    PlanOutcomeFactory(plan=plan, order=1, area="semh", description="Use a calm-down plan when upset")
    PlanProvisionFactory(plan=plan, order=1, description="Nurture group", frequency="Three times a week")
    PlanProvisionFactory(plan=plan, order=2, description="Morning check-in with key adult")
    record_descriptor_level(pupil, area="semh", level_key="level_1", recorded_by=senco, on=datetime.date(2024, 9, 9))
    record_descriptor_level(pupil, area="semh", level_key="level_2", recorded_by=senco, notes="After half term")
    record_descriptor_level(pupil, area="cognition_learning", level_key="level_3", recorded_by=senco)

    with max_queries(5):
        result = matching_provision(pupil)
        areas = {row.area: row for row in result.areas}
    assert result.toolkit.key == "manchester" and result.plan == plan
    assert list(areas) == ["cognition_learning", "communication_interaction", "semh", "sensory_physical"]

    semh = areas["semh"]
    assert semh.recorded.level_key == "level_2" and semh.level.label == "Level 2: additional group support"
    assert semh.expected_provision.startswith("A Pupil Passport; a nurture or social skills group")
    assert semh.suggested_stage.label == "SEN Support"
    assert [item.description for item in semh.provision] == ["Nurture group", "Morning check-in with key adult"]
    assert [o.description for o in semh.outcomes] == ["Use a calm-down plan when upset"]
    assert not semh.needs_attention

    assert areas["cognition_learning"].level.key == "level_3" and not areas["cognition_learning"].outcomes
    unjudged = areas["communication_interaction"]
    assert unjudged.recorded is None and unjudged.level is None and unjudged.provision == ()
    assert len(unjudged.levels) == 4  # the choices the SENCO has

    # History is kept: two SEMH judgements, the newest is current.
    assert NeedDescriptorLevel.objects.filter(pupil=pupil, area="semh").count() == 2
    assert current_descriptor_levels(pupil)["semh"].notes == "After half term"


def test_a_level_without_provision_in_place_needs_attention(on_toolkit, senco, pupil):
    on_toolkit("essex")
    record_descriptor_level(pupil, area="sensory_physical", level_key="additional_support", recorded_by=senco)
    row = next(r for r in matching_provision(pupil).areas if r.area == "sensory_physical")
    assert row.level.label == "Additional School Intervention and Support" and row.needs_attention
    assert row.expected_provision.startswith("A One Plan; specialist equipment")


def test_levels_recorded_under_another_toolkit_keep_their_label_and_ask_to_be_recorded_again(on_toolkit, senco, pupil):
    on_toolkit("cheshire_east")
    record_descriptor_level(pupil, area="semh", level_key="step_2", recorded_by=senco)
    on_toolkit("essex")
    row = next(r for r in matching_provision(pupil).areas if r.area == "semh")
    assert row.recorded.level_label == "Step 2: targeted support" and row.recorded.toolkit_key == "cheshire_east"
    assert row.level is None and row.recorded_under_another_toolkit


def test_recording_a_level_checks_the_toolkit_the_role_and_is_audited(on_toolkit, senco, pupil, staff):
    on_toolkit("cheshire_east")
    with pytest.raises(ValidationError) as error:
        record_descriptor_level(pupil, area="semh", level_key="level_2", recorded_by=senco)
    assert error.value.message_dict["level_key"] == [
        "Choose one of the levels Cheshire East Toolkit describes: Step 1: discussion and monitoring, "
        "Step 2: targeted support, Step 3: EHC needs assessment or plan."
    ]
    with pytest.raises(ValidationError, match="Choose the broad area of need"):
        record_descriptor_level(pupil, area="feelings", level_key="step_1", recorded_by=senco)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        record_descriptor_level(
            pupil,
            area="semh",
            level_key="step_1",
            recorded_by=senco,
            on=datetime.date.today() + datetime.timedelta(days=1),
        )
    for role in ("teacher", "teaching_assistant", "governor"):
        with pytest.raises(PermissionDenied):
            record_descriptor_level(pupil, area="semh", level_key="step_1", recorded_by=staff(role))

    record = record_descriptor_level(
        pupil, area="semh", level_key="step_1", recorded_by=senco, notes="Worried at drop-off"
    )
    assert (record.level_label, record.toolkit_key, record.recorded_by_id) == (
        "Step 1: discussion and monitoring",
        "cheshire_east",
        senco.pk,
    )
    event = AuditEvent.objects.get(object_type="needdescriptorlevel", object_id=str(record.pk))
    assert event.pupil_id == pupil.pk and event.detail == {
        "fields": ["area", "level_key", "notes", "recorded_on"],
        "toolkit_key": "cheshire_east",
    }
    assert "Worried" not in str(event.detail)  # ids and field names, never the notes
