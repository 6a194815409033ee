"""Provision pages that name children write one audit row per response listing them; figures-only
readers get small counts withheld, including a count that would give a small one away."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from send_platform.audit.models import AuditEvent

from send_core.disclosure import FEWER_THAN_5, SUPPRESSED
from send_core.provision.selectors import FigureRow, map_figures
from tests.send_core.factories import PupilFactory, on_register
from tests.send_core.provision.factories import GroupMemberFactory, ProvisionGroupFactory
from tests.send_core.provision.test_pages import _in_school, groups  # noqa: F401 (the scene)


@pytest.fixture
def bea(groups):  # noqa: F811
    """A second pupil in the TA's Numicon group."""

    def add():
        pupil = PupilFactory(school_class=groups.own_class, legal_first_name="Bea", last_name="Adams")
        GroupMemberFactory(group=groups.objects["group"], pupil=pupil)
        return pupil

    return _in_school(groups, add)


def _rows(school, person: str) -> list[AuditEvent]:
    return _in_school(school, lambda: list(AuditEvent.objects.filter(actor_id=school.people[person].pk)))


@pytest.mark.parametrize(
    ("page", "what"),
    [
        ("/provision/groups/{group}/", "Viewed intervention group Numicon, Year 4"),
        ("/provision/groups/{group}/session/", "Viewed session of Numicon, Year 4"),
    ],
)
def test_a_group_page_is_one_row_naming_its_pupils(groups, bea, school_b, in_schema, page, what):  # noqa: F811
    assert groups.client("teaching_assistant").get(groups.url(page)).status_code == 200
    [row] = _rows(groups, "teaching_assistant")
    assert row.summary == what and row.pupil_ids == sorted([groups.pupil.pk, bea.pk])
    with in_schema(school_b):
        assert not AuditEvent.objects.exists()


def test_the_measure_page_names_one_child(groups):  # noqa: F811
    assert (
        groups.client("teaching_assistant").get(groups.url("/provision/members/{member}/measure/")).status_code == 200
    )
    [row] = _rows(groups, "teaching_assistant")
    assert row.pupil_ids == [groups.pupil.pk]


def test_the_map_page_is_one_row_naming_every_child_on_it(groups, bea):  # noqa: F811
    assert groups.client("senco").get("/provision/map/").status_code == 200
    [row] = _rows(groups, "senco")
    assert row.object_type == "provision map"
    assert row.pupil_ids == sorted([groups.pupil.pk, bea.pk, groups.objects["other_pupil"].pk])
    assert groups.client("governor").get("/provision/map/").status_code == 200
    assert _rows(groups, "governor") == []  # figures only: no child shown


def test_map_figures_withhold_a_year_group_that_would_give_a_small_one_away():
    # 8 pupils: 6 in Year 3 and 2 in Year 4, all SPLD. The need table says 8 in all, so showing 6 for
    # Year 3 gives Year 4 away (8 - 6 = 2). Year 3 is withheld; then Year 3 is 5 to 7 and Year 4 is 1 to 3.
    cost = Decimal("100.00")
    the_map = SimpleNamespace(
        by_year_group=[FigureRow("Year 3", 6, cost), FigureRow("Year 4", 2, cost)],
        by_need=[FigureRow("SPLD", 8, cost)],
        groups=[],
        flagged=[],
    )
    figures = map_figures(the_map, hide_small=True)
    assert [f.pupils for f in figures.by_year_group] == [SUPPRESSED, FEWER_THAN_5]
    assert [f.pupils for f in figures.by_need] == [8]
    exact = map_figures(the_map, hide_small=False)
    assert [f.pupils for f in exact.by_year_group] == [6, 2]


def test_the_information_report_draft_withholds_small_counts_from_governors(groups, in_schema):  # noqa: F811
    # One pupil (Amara) is on the register at SEN Support.
    governor = groups.client("governor").get("/provision/report/").content.decode()
    assert "Fewer than 5 pupils were on the SEND register: Fewer than 5 at SEN Support" in governor
    assert "1 pupil were" not in governor and "1 at SEN Support" not in governor
    senco = groups.client("senco").get("/provision/report/").content.decode()
    assert "1 pupil were on the SEND register: 1 at SEN Support" in senco


def test_a_register_of_six_keeps_its_figures_for_governors(groups, in_schema):  # noqa: F811
    def five_more():
        for _ in range(5):
            on_register(PupilFactory(school_class=groups.own_class))

    _in_school(groups, five_more)
    governor = groups.client("governor").get("/provision/report/").content.decode()
    assert "6 pupils were on the SEND register: 6 at SEN Support and 0 with" in governor


def test_an_intervention_with_a_small_group_shows_outsiders_no_group_rows(groups):  # noqa: F811
    # Numicon runs "Numicon, Year 4" (Amara alone) and a group of five. With the five's row shown, the
    # Numicon row less it would give Amara's measures away: outsiders see the Numicon row only.
    def five_more():
        large = ProvisionGroupFactory(
            intervention=groups.objects["group"].intervention,
            name="Numicon, Year 5",
            starts_on=groups.objects["group"].starts_on,
            ends_on=groups.objects["group"].ends_on,
        )
        for _ in range(5):
            GroupMemberFactory(group=large, pupil=PupilFactory(), entry_value=Decimal("60"))

    _in_school(groups, five_more)
    impact = groups.client("governor").get("/provision/impact/").content.decode()
    by_group = impact.split('data-testid="impact-groups"')[1]
    assert "Numicon, Year 5" not in by_group and "Numicon, Year 4" not in by_group
    assert "Numicon" in impact.split('data-testid="impact-groups"')[0]
    senco = groups.client("senco").get("/provision/impact/").content.decode()
    assert "Numicon, Year 5" in senco and "Numicon, Year 4" in senco
