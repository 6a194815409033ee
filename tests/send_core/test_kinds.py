"""The record-kind registry: every record a pupil can have belongs to a kind that says where it goes."""

from __future__ import annotations

import pytest
from django.apps import apps

from send_core import kinds
from send_core.kinds import RecordKind, kind_for_model, record_kinds
from send_core.models import Pupil
from send_core.transition.records import SECTIONS
from tests.factories import FACTORIES

# Sections of the transition file that are drawn from other kinds rather than carried by one.
DERIVED_SECTIONS = {"profile"}  # the one-page profile is made from the current plan


def _pupil_models() -> list[type]:
    """Every model with a direct link to a pupil, found by walking the app registry (not a hand-kept list)."""
    return [
        model
        for model in apps.get_models()
        if any(
            field.is_relation and field.many_to_one and field.concrete and field.related_model is Pupil
            for field in model._meta.get_fields()
        )
    ]


def test_the_walk_finds_the_records_we_know_of():
    labels = {model._meta.label for model in _pupil_models()}
    assert {"send_core.PupilNeed", "provision.IndividualProvision", "ehc.EhcPlan", "send_core.Document"} <= labels


@pytest.mark.parametrize("model", _pupil_models(), ids=lambda model: model._meta.label)
def test_every_model_that_belongs_to_a_pupil_is_a_registered_kind(model):
    kind = kind_for_model(model)
    assert kind is not None, (
        f"{model._meta.label} belongs to a pupil but no record kind holds it: register it "
        "(send_core/record_kinds.py or the owning app's kinds.py) and say whether the transition file carries it"
    )
    assert model in FACTORIES, f"{model._meta.label} has no factory in tests/factories.py"


@pytest.mark.parametrize("kind", record_kinds(), ids=lambda kind: kind.key)
def test_each_kind_names_its_section_or_says_why_it_stays(kind):
    if kind.transition_section:
        assert kind.transition_section in SECTIONS
    else:
        assert len(kind.stays_with_school) > 20
    owned_by_domain_app = {model._meta.app_label for model in kind.models} != {"send_core"}
    if kind.transition_section and owned_by_domain_app:
        # The transition file cannot import a domain app: such a kind writes and reads its own part.
        assert kind.write_to_file is not None and kind.read_from_file is not None


def test_every_section_of_the_transition_file_is_carried_by_a_kind():
    carried = {kind.transition_section for kind in record_kinds()}
    assert set(SECTIONS) - DERIVED_SECTIONS <= carried


def test_no_model_is_claimed_by_two_kinds():
    seen: dict[type, str] = {}
    for kind in record_kinds():
        for model in kind.models:
            assert model not in seen, f"{model._meta.label} is in both {seen[model]!r} and {kind.key!r}"
            seen[model] = kind.key


def test_a_kind_must_say_where_it_goes():
    with pytest.raises(ValueError, match="say why it stays"):
        RecordKind("notes", "Notes", (Pupil,))
    with pytest.raises(ValueError, match="say why it stays"):
        RecordKind("notes", "Notes", (Pupil,), transition_section="needs", stays_with_school="both at once")
    with pytest.raises(ValueError, match="read back"):
        RecordKind("notes", "Notes", (Pupil,), transition_section="needs", write_to_file=lambda pupil: None)


def test_the_ehc_evidence_cost_comes_from_the_kinds_that_cost_provision(monkeypatch):
    import datetime
    from decimal import Decimal

    from send_core.ehc.evidence import _annual_cost

    monkeypatch.setattr(kinds, "_KINDS", {})
    assert _annual_cost(None, datetime.date(2026, 12, 4)) is None
    kinds.register_record_kind(
        RecordKind("a", "A", (), stays_with_school="a test kind that costs provision", annual_cost=lambda p, d: None)
    )
    kinds.register_record_kind(
        RecordKind(
            "b",
            "B",
            (),
            stays_with_school="a test kind that costs provision",
            annual_cost=lambda p, d: Decimal("120.50"),
        )
    )
    assert _annual_cost(None, datetime.date(2026, 12, 4)) == Decimal("120.50")


def test_the_record_navigation_is_built_from_the_kinds_in_its_usual_order():
    from send_core.views.common import section_order

    assert [(part.key, part.url_name) for part in section_order()] == [
        ("overview", "send_core:pupil"),
        ("needs", "send_core:pupil-needs"),
        ("concerns", "send_core:pupil-concerns"),
        ("register", "send_core:pupil-register"),
        ("plan", "send_core:pupil-plan"),
        ("reviews", "send_core:pupil-reviews"),
        ("provision", "send_core:pupil-provision"),
        ("assessments", "send_core:pupil-assessments"),
        ("agencies", "send_core:pupil-agencies"),
        ("ehc", "ehc:pupil-ehc"),
        ("documents", "send_core:pupil-documents"),
        ("meetings", "send_core:pupil-meetings"),
        ("medical", "send_core:pupil-medical"),
        ("chronology", "send_core:pupil-chronology"),
        ("viewed", "send_core:pupil-viewed"),
    ]


def test_a_kind_without_its_app_leaves_no_link_behind(monkeypatch):
    from send_core.views.common import section_order

    monkeypatch.delitem(kinds._KINDS, "ehc_plans")
    assert "ehc" not in [part.key for part in section_order()]
