"""Changing toolkit: a school's own choice and an LA's default; history kept, current stages mapped, audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django_tenants.utils import schema_context
from send_platform.audit.models import AuditEvent

from integrations.toolkits.selectors import preview_local_authority_toolkit_change, preview_school_toolkit_change
from integrations.toolkits.services import change_school_toolkit, set_local_authority_toolkit
from send_core.models import CensusCode, RegisterEntry
from send_core.services.plans import create_plan
from send_core.toolkit import current_toolkit, toolkit_for
from tenants.models import Organisation
from tests.send_core.factories import (
    AgencyInvolvementFactory,
    PupilFactory,
    RegisterEntryFactory,
    SupportPlanFactory,
    bulk_on_register,
    bulk_pupils,
    on_register,
)

D = datetime.date
TODAY = datetime.date.today()
NATIONAL_TO_ESSEX = "Toolkit changed from SEND Code of Practice (national default) to Essex Provision Guidance"


@pytest.fixture
def register(in_a):
    """Pupils at each national stage, one with history, one never on the register."""
    pupils = {name: PupilFactory(last_name=name) for name in ("Watched", "Supported", "Planned", "Moved", "Never")}
    on_register(pupils["Watched"], census_code=CensusCode.NONE, since=D(2024, 9, 2))
    on_register(pupils["Supported"], census_code=CensusCode.SEN_SUPPORT, since=D(2024, 1, 8))
    on_register(pupils["Planned"], census_code=CensusCode.EHC_PLAN, since=D(2023, 6, 1))
    on_register(pupils["Moved"], census_code=CensusCode.NONE, since=D(2023, 9, 4))
    RegisterEntry.objects.filter(pupil=pupils["Moved"]).update(ended_on=D(2024, 2, 1), end_reason="Concern met")
    RegisterEntryFactory(pupil=pupils["Moved"], census_code=CensusCode.SEN_SUPPORT, started_on=D(2024, 2, 1))
    return pupils


def test_switching_from_national_to_essex_keeps_history_and_maps_current_stages(register, staff, in_a, school_a):
    senco = staff("senco")
    before = {(e.pk, e.stage_label, e.started_on, e.ended_on) for e in RegisterEntry.objects.all()}

    preview = preview_school_toolkit_change(school_a, "essex")
    assert preview.from_toolkit.key == "national" and preview.to_toolkit.key == "essex"
    assert [(m.from_label, m.to_label, m.pupils) for m in preview.mappings] == [
        ("EHC plan", "EHC plan", 1),
        ("SEN Support", "Additional School Intervention and Support", 2),
        ("Monitoring (first concerns)", "High Quality Teaching", 1),
    ]
    assert preview.pupils_to_map == 3 and preview.pupils_unchanged == 1 and not preview.unmappable

    change = change_school_toolkit(school_a, toolkit_key="essex", changed_by=senco)
    assert change.entries_mapped == 3 and change.to_toolkit.name == "Essex Provision Guidance"
    assert Organisation.objects.get(pk=school_a.pk).toolkit == "essex"
    assert current_toolkit().key == "essex"  # the organisation the connection holds sees it at once

    # Every entry there was is still there; only the open ones that moved were ended, today.
    after = {e.pk: e for e in RegisterEntry.objects.all()}
    for pk, label, started_on, ended_on in before:
        entry = after[pk]
        assert (entry.stage_label, entry.started_on) == (label, started_on)
        assert entry.ended_on == ended_on or (ended_on is None and entry.ended_on == TODAY)
    assert len(after) == len(before) + 3

    current = {
        e.pupil.last_name: e for e in RegisterEntry.objects.filter(ended_on__isnull=True).select_related("pupil")
    }
    assert {name: (e.stage_label, e.census_code) for name, e in current.items()} == {
        "Watched": ("High Quality Teaching", "N"),
        "Supported": ("Additional School Intervention and Support", "K"),
        "Planned": ("EHC plan", "E"),  # the same stage under both toolkits: left as it was
        "Moved": ("Additional School Intervention and Support", "K"),
    }
    assert current["Planned"].started_on == D(2023, 6, 1)
    for name in ("Watched", "Supported", "Moved"):
        assert current[name].started_on == TODAY and current[name].reason == NATIONAL_TO_ESSEX
        assert current[name].decided_by_id == senco.pk
        old = RegisterEntry.objects.get(pupil=current[name].pupil, ended_on=TODAY)
        assert old.end_reason == NATIONAL_TO_ESSEX and old.stage_key in {"monitoring", "sen_support"}
    history = list(RegisterEntry.objects.filter(pupil=register["Moved"]).order_by("started_on", "id"))
    assert [e.stage_label for e in history] == [
        "Monitoring (first concerns)",
        "SEN Support",
        "Additional School Intervention and Support",
    ]

    # Audited in the school's trail (the school, and each pupil whose stage moved) and publicly.
    school_event = AuditEvent.objects.get(object_type="organisation", object_id=str(school_a.pk))
    assert school_event.summary == NATIONAL_TO_ESSEX and school_event.actor_id == senco.pk
    assert school_event.detail["entries_mapped"] == 3 and school_event.detail["to_toolkit"] == "essex"
    moved_ids = {register[name].pk for name in ("Watched", "Supported", "Moved")}
    per_pupil = AuditEvent.objects.filter(object_type="registerentry", summary__startswith="Register stage mapped")
    assert set(per_pupil.values_list("pupil_id", flat=True)) == moved_ids
    with schema_context("public"):
        assert AuditEvent.objects.filter(
            object_type="organisation", object_id=str(school_a.pk), summary=NATIONAL_TO_ESSEX
        ).exists()
    assert connection.schema_name == school_a.schema_name


def test_plans_keep_their_name_and_new_plans_take_the_new_one(register, staff, school_a):
    senco = staff("senco")
    old_plan = SupportPlanFactory(pupil=register["Supported"])
    change_school_toolkit(school_a, toolkit_key="manchester", changed_by=senco)
    old_plan.refresh_from_db()
    assert old_plan.title == "SEN Support Plan"
    old_plan.status = "closed"
    old_plan.save()
    # Manchester writes a Pupil Passport at SEN Support once an outside agency is involved.
    AgencyInvolvementFactory(pupil=register["Supported"], status="active")
    assert create_plan(register["Supported"], created_by=senco).title == "Pupil Passport"


def test_going_back_to_the_la_default_maps_stages_back(register, staff, school_a):
    senco = staff("senco")
    change_school_toolkit(school_a, toolkit_key="cheshire_east", changed_by=senco)
    assert current_toolkit().key == "cheshire_east"
    change = change_school_toolkit(school_a, toolkit_key="", changed_by=senco)
    assert change.to_toolkit.key == "national" and Organisation.objects.get(pk=school_a.pk).toolkit == ""
    labels = set(RegisterEntry.objects.filter(ended_on__isnull=True).values_list("stage_label", flat=True))
    assert labels == {"Monitoring (first concerns)", "SEN Support", "EHC plan"}
    with pytest.raises(ValidationError, match="already uses its local authority's toolkit"):
        change_school_toolkit(school_a, toolkit_key="", changed_by=senco)


def test_unknown_keys_and_repeats_are_refused_clearly(register, staff, school_a):
    senco = staff("senco")
    with pytest.raises(ValidationError) as error:
        change_school_toolkit(school_a, toolkit_key="westmere", changed_by=senco)
    message = error.value.message_dict["toolkit_key"][0]
    assert message.startswith("There is no toolkit called 'westmere'. Choose one of: ")
    assert "Essex Provision Guidance (essex)" in message
    change_school_toolkit(school_a, toolkit_key="essex", changed_by=senco)
    with pytest.raises(ValidationError, match="Ashgrove Primary School already uses Essex Provision Guidance"):
        change_school_toolkit(school_a, toolkit_key="essex", changed_by=senco)
    assert RegisterEntry.objects.filter(ended_on__isnull=True).count() == 4


@pytest.mark.parametrize("role", ["teacher", "governor", "teaching_assistant", "business_manager", "school_admin"])
def test_only_the_senco_or_head_change_a_schools_toolkit(register, staff, school_a, role):
    with pytest.raises(PermissionDenied, match="Only the SENCO or headteacher"):
        change_school_toolkit(school_a, toolkit_key="essex", changed_by=staff(role))
    assert Organisation.objects.get(pk=school_a.pk).toolkit == ""
    change_school_toolkit(school_a, toolkit_key="essex", changed_by=staff("headteacher"))


def test_another_schools_senco_cannot_change_this_schools_toolkit(register, staff, school_a, school_b):
    their_senco = staff("senco", organisation=school_b)
    with pytest.raises(PermissionDenied):
        change_school_toolkit(school_a, toolkit_key="essex", changed_by=their_senco)
    assert Organisation.objects.get(pk=school_a.pk).toolkit == ""


def test_a_toolkit_change_takes_a_fixed_number_of_statements(in_a, staff, school_a, max_queries):
    senco = staff("senco")
    bulk_on_register(bulk_pupils(60), since=D(2024, 9, 1))
    with max_queries(16):
        change = change_school_toolkit(school_a, toolkit_key="essex", changed_by=senco)
    assert change.entries_mapped == 60


# --- The local authority's default ---------------------------------------------------------------


def test_the_la_default_applies_to_its_schools_unless_a_school_chooses_its_own(
    la, school_a, school_b, member, in_schema
):
    manager = member(la, "sen_manager")
    with in_schema(school_a):
        on_register(PupilFactory(last_name="Follower"), census_code=CensusCode.NONE)
    school_b.toolkit = "essex"
    school_b.save()

    preview = preview_local_authority_toolkit_change(la, "cheshire_east")
    by_school = {p.school.pk: p for p in preview.schools}
    assert school_a.pk in by_school and school_b.pk not in by_school and preview.schools_choosing_own == 1
    assert [(m.from_label, m.to_label) for m in by_school[school_a.pk].mappings] == [
        ("Monitoring (first concerns)", "Step 1: Discussion Form")
    ]

    change = set_local_authority_toolkit(la, toolkit_key="cheshire_east", changed_by=manager)
    assert change.to_toolkit.key == "cheshire_east" and school_a.pk in {c.school.pk for c in change.schools}
    la.refresh_from_db()
    school_a = Organisation.objects.get(pk=school_a.pk)
    school_b = Organisation.objects.get(pk=school_b.pk)
    assert la.toolkit == "cheshire_east" and school_a.toolkit == ""
    assert toolkit_for(school_a).key == "cheshire_east"  # follows its LA
    assert toolkit_for(school_b).key == "essex"  # its own choice stands

    with in_schema(school_a):
        entry = RegisterEntry.objects.get(pupil__last_name="Follower", ended_on__isnull=True)
        assert entry.stage_label == "Step 1: Discussion Form"
        assert entry.reason.startswith(
            "Toolkit changed from SEND Code of Practice (national default) to Cheshire East Toolkit"
        )
        assert AuditEvent.objects.filter(object_type="organisation", object_id=str(school_a.pk)).exists()
    with in_schema(la):
        assert AuditEvent.objects.filter(object_type="organisation", object_id=str(la.pk), actor_id=manager.pk).exists()
    with schema_context("public"):
        assert AuditEvent.objects.filter(object_type="organisation", object_id=str(la.pk)).exists()


def test_only_the_las_sen_manager_sets_the_default_and_only_known_keys(la, school_a, member):
    with pytest.raises(PermissionDenied, match="SEN manager"):
        set_local_authority_toolkit(la, toolkit_key="essex", changed_by=member(la, "caseworker"))
    with pytest.raises(PermissionDenied):
        set_local_authority_toolkit(la, toolkit_key="essex", changed_by=member(school_a, "senco"))
    manager = member(la, "sen_manager")
    with pytest.raises(ValidationError, match="There is no toolkit called 'westmere'"):
        set_local_authority_toolkit(la, toolkit_key="westmere", changed_by=manager)
    with pytest.raises(ValidationError, match="is not a local authority"):
        set_local_authority_toolkit(school_a, toolkit_key="essex", changed_by=manager)
    with pytest.raises(ValidationError, match="already use SEND Code of Practice"):
        set_local_authority_toolkit(la, toolkit_key="", changed_by=manager)
    la.refresh_from_db()
    assert la.toolkit == ""
