"""What the transition record carries: chosen sections only, and the EHC plan where the pupil has one."""

from __future__ import annotations

import json

from send_core.ehc.models import EhcPlan, EhcPlanStatus
from send_core.transition.records import SECTIONS, transition_record


def test_only_the_chosen_sections_travel_and_the_record_is_json(transition, in_schema):
    with in_schema(transition.primary):
        record = transition_record(transition.pupil, school=transition.primary, sections=["plan", "medical"])
    assert record["sections"] == ["plan", "medical"]
    assert "needs" not in record and "reviews" not in record and "profile" not in record
    assert record["plan"]["title"] == "SEN Support Plan"
    assert json.loads(json.dumps(record)) == record


def test_the_ehc_plan_comes_with_its_sections_when_the_pupil_has_one(transition, in_schema):
    with in_schema(transition.primary):
        without = transition_record(transition.pupil, school=transition.primary)
        EhcPlan.objects.create(
            pupil=transition.pupil,
            status=EhcPlanStatus.FINAL,
            local_authority_name="Testshire Council",
            section_a="Tomas loves football and wants to be a vet.",
            section_f="Daily small-group literacy with a specialist teacher.",
        )
        record = transition_record(transition.pupil, school=transition.primary)
    assert "ehc_plan" not in without["sections"] and "ehc_plan" not in without
    assert record["sections"] == list(SECTIONS)
    sections = {s["key"]: s for s in record["ehc_plan"]["sections"]}
    assert sections["a"]["text"].startswith("Tomas loves football")
    assert sections["f"]["letter"] == "F"
    assert record["ehc_plan"]["local_authority"] == "Testshire Council"
