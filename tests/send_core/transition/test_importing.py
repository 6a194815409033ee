"""Importing a transition file: a UPN matches only the same child, and the EHC plan comes as the school's copy."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from send_core.ehc.models import EhcPlan, EhcPlanStatus
from send_core.ehc.selectors import current_ehc_plan
from send_core.models import Pupil, RegisterEntry, SupportPlan
from send_core.transition.importing import import_transition_record
from send_core.transition.records import transition_record
from tests.send_core.factories import PupilFactory


def _record(transition, in_schema):
    with in_schema(transition.primary):
        return transition_record(transition.pupil, school=transition.primary)


def test_a_upn_held_by_a_different_child_refuses_the_import_and_writes_nothing(transition, in_schema):
    record = _record(transition, in_schema)
    with in_schema(transition.secondary):
        other = PupilFactory(
            upn=transition.pupil.upn,
            last_name="Okafor",
            date_of_birth=transition.pupil.date_of_birth - datetime.timedelta(days=400),
        )
        with pytest.raises(ValidationError, match="date of birth and surname do not match"):
            import_transition_record(record, imported_by=transition.senco_high)
        assert not RegisterEntry.objects.filter(pupil=other).exists()
        assert not SupportPlan.objects.filter(pupil=other).exists()
        assert Pupil.objects.filter(upn=transition.pupil.upn).count() == 1


def test_a_matching_upn_with_another_surname_is_refused_and_named(transition, in_schema):
    record = _record(transition, in_schema)
    with in_schema(transition.secondary):
        PupilFactory(upn=transition.pupil.upn, last_name="Novak", date_of_birth=transition.pupil.date_of_birth)
        with pytest.raises(ValidationError, match="their surname does not match"):
            import_transition_record(record, imported_by=transition.senco_high)


def test_the_same_child_is_matched_despite_case_and_spaces_and_a_leaver_comes_back(transition, in_schema):
    record = _record(transition, in_schema)
    with in_schema(transition.secondary):
        back = PupilFactory(
            upn=transition.pupil.upn,
            last_name="  nowak ",
            date_of_birth=transition.pupil.date_of_birth,
            admission_date=timezone.localdate() - datetime.timedelta(days=90),
            leaving_date=timezone.localdate() - datetime.timedelta(days=30),
        )
        result = import_transition_record(record, imported_by=transition.senco_high)
        assert result.matched and result.pupil.pk == back.pk
        back.refresh_from_db()
        assert back.leaving_date is None
        assert Pupil.objects.filter(upn=transition.pupil.upn).count() == 1
    with in_schema(transition.other):
        assert not Pupil.objects.filter(upn=transition.pupil.upn).exists()


def _with_ehc_plan(transition, in_schema, **sections):
    with in_schema(transition.primary):
        EhcPlan.objects.create(
            pupil=transition.pupil,
            status=EhcPlanStatus.FINAL,
            version=2,
            issued_on=datetime.date(2025, 3, 14),
            local_authority_name="Testshire Council",
            **sections,
        )
    return _record(transition, in_schema)


WHOLE_PLAN = {
    "section_a": "Tomas loves football and wants to be a vet.",
    "section_b": "Specific learning difficulty (dyslexia).",
    "section_e": "Tomas will read age-appropriate texts independently.",
    "section_f": "Daily small-group literacy with a specialist teacher.",
    "section_i": "Cedar High School",
    "section_k": "Educational psychology advice, January 2025.",
}


def test_the_ehc_plan_comes_in_as_the_schools_final_copy(transition, in_schema):
    record = _with_ehc_plan(transition, in_schema, **WHOLE_PLAN)
    with in_schema(transition.secondary):
        result = import_transition_record(record, imported_by=transition.senco_high)
        plan = current_ehc_plan(result.pupil)
        assert plan is not None and result.added["EHC plan"] == 1
        assert (plan.status, plan.version, plan.issued_on, plan.local_authority_name) == (
            "final",
            2,
            datetime.date(2025, 3, 14),
            "Testshire Council",
        )
        assert plan.section_texts()["f"].startswith("Daily small-group literacy")
        assert plan.section_k.startswith("Educational psychology") and plan.section_j == ""
        again = import_transition_record(record, imported_by=transition.senco_high)
        assert "EHC plan" not in again.added and any("already holds" in s for s in again.skipped)
        assert EhcPlan.objects.filter(pupil=result.pupil).count() == 1
    with in_schema(transition.other):
        assert not EhcPlan.objects.exists()


def test_an_ehc_plan_without_its_required_sections_is_listed_as_skipped(transition, in_schema):
    record = _with_ehc_plan(transition, in_schema, section_a=WHOLE_PLAN["section_a"], section_f=WHOLE_PLAN["section_f"])
    with in_schema(transition.secondary):
        result = import_transition_record(record, imported_by=transition.senco_high)
        assert not EhcPlan.objects.filter(pupil=result.pupil).exists()
        assert "EHC plan (sections B, E, I missing from the file; ask the local authority for the final plan)" in (
            result.skipped
        )
