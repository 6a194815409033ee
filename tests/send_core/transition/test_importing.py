"""Importing a transition file: a UPN matches only the same child, and the EHC plan comes as the school's copy."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from send_core.ehc.models import EhcPlan, EhcPlanStatus
from send_core.ehc.requests.selectors import current_ehc_plan
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


# --- Provenance: one key per imported file --------------------------------------------------------


def _with_undated_ended_need(record):
    # A need the first school recorded as ended, with no start date in the file.
    record["needs"].append({"need_type": "MLD", "rank": "other", "area": "cognition_learning", "ended_on": "2024-07-19"})
    return record


def test_the_same_file_imported_again_on_a_later_day_adds_nothing(transition, in_schema, move_clock):
    from send_core.models import PupilNeed, Review

    record = _with_undated_ended_need(_record(transition, in_schema))
    with in_schema(transition.secondary):
        first = import_transition_record(record, imported_by=transition.senco_high)
        counts = (PupilNeed.objects.count(), SupportPlan.objects.count(), Review.objects.count())
        ended = PupilNeed.objects.get(pupil=first.pupil, need_type="MLD")
        # With no start date, the need is dated from its end: 19 July 2024 to 19 July 2024.
        assert (ended.started_on, ended.ended_on) == (datetime.date(2024, 7, 19), datetime.date(2024, 7, 19))
        move_clock(3)
        again = import_transition_record(record, imported_by=transition.senco_high)
        assert (PupilNeed.objects.count(), SupportPlan.objects.count(), Review.objects.count()) == counts
        assert "needs and diagnoses" not in again.added and "plans" not in again.added
    with in_schema(transition.other):
        assert not PupilNeed.objects.exists()


def test_a_later_files_plan_of_the_same_title_keeps_its_own_reviews(transition, in_schema, move_clock):
    from send_core.models import Review

    first_file = _record(transition, in_schema)
    with in_schema(transition.secondary):
        import_transition_record(first_file, imported_by=transition.senco_high)
        older = SupportPlan.objects.get()
        older_reviews = set(Review.objects.filter(plan=older).values_list("held_on", flat=True))
    # A term later the first school sends a new file: a new plan, same title, reviewed since.
    move_clock(90)
    later_file = _record(transition, in_schema)
    later_file["plan"] = {**later_file["plan"], "strengths": "Reads to the class now."}
    review_day = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    later_file["reviews"] = [{"held_on": review_day, "notes": "New plan, first review.", "progress": []}]
    with in_schema(transition.secondary):
        import_transition_record(later_file, imported_by=transition.senco_high)
        plans = list(SupportPlan.objects.order_by("id"))
        assert len(plans) == 2 and plans[0].title == plans[1].title
        assert plans[0].source_key != plans[1].source_key
        newer = plans[1]
        assert [r.held_on.isoformat() for r in Review.objects.filter(plan=newer)] == [review_day]
        # The older plan keeps only the reviews its own file brought.
        assert set(Review.objects.filter(plan=older).values_list("held_on", flat=True)) == older_reviews
    with in_schema(transition.other):
        assert not SupportPlan.objects.exists()


# --- The EHC plan travels through the record-kind registry ------------------------------------------


def test_the_file_carries_and_reads_the_ehc_plan_only_through_its_registered_kind(transition, in_schema, monkeypatch):
    from send_core import kinds

    record = _with_ehc_plan(transition, in_schema, **WHOLE_PLAN)
    assert record["ehc_plan"]["issued_on"] == "2025-03-14" and record["ehc_plan"]["version"] == 2
    assert [section["letter"] for section in record["ehc_plan"]["sections"]][:3] == ["A", "B", "C"]
    # Without the EHC app's kind, neither the export nor the import knows of EHC plans at all.
    monkeypatch.delitem(kinds._KINDS, "ehc_plans")
    assert "ehc_plan" not in _record(transition, in_schema)
    with in_schema(transition.secondary):
        result = import_transition_record(record, imported_by=transition.senco_high)
        assert "EHC plan" not in result.added
        assert not EhcPlan.objects.filter(pupil=result.pupil).exists()
