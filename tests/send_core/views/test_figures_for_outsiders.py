"""Governors and business managers see the register's figures with small counts withheld, at month
ends only; the SENCO and headteacher keep exact figures on any date."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection

from send_core.models import CensusCode, NeedType
from tests.send_core.factories import PupilFactory, on_register

FIGURE = re.compile(r'<span class="cairn-stat"[^>]*>([^<]+)</span><span class="cairn-figure__label">([^<]+)</span>')


NUMERIC = re.compile(r'govuk-table__cell--numeric">([^<]+)<')


def _figures(html: str) -> dict[str, str]:
    return {label.strip(): value.strip() for value, label in FIGURE.findall(html)}


@pytest.fixture
def register_of_nine(school, in_schema):
    """Amara and six more at SEN Support (SPLD) and two with EHC plans (ASD), since September 2024:
    9 on the register, 7 at K, 2 at E."""
    with in_schema(school.organisation):
        for _ in range(6):
            on_register(PupilFactory(school_class=school.own_class), since=datetime.date(2024, 9, 2))
        for _ in range(2):
            on_register(
                PupilFactory(school_class=school.own_class),
                census_code=CensusCode.EHC_PLAN,
                since=datetime.date(2024, 9, 2),
                need_type=NeedType.ASD,
            )
    connection.set_schema_to_public()


@pytest.mark.parametrize("page", ["/register/", "/send/"])
@pytest.mark.parametrize("person", ["governor", "business_manager"])
def test_a_small_count_and_whatever_gives_it_away_are_withheld(school, register_of_nine, page, person):
    html = school.client(person).get(page).content.decode()
    figures = _figures(html)
    # E is 2: "Fewer than 5". With 9 on the register shown, 7 at K would give E away (9 - 7), so K is
    # withheld as "Suppressed" (not "Fewer than 5": that would say it is at most 4).
    assert figures["on the SEN register"] == "9"
    assert "Fewer than 5" in figures.values() and "Suppressed" in figures.values()
    assert "7" not in figures.values() and "2" not in figures.values()
    # By need: 7 SPLD and 2 ASD. Pupils with no primary need recorded are never shown, so 9 - 7 leaves
    # ASD at 1 or 2, not known: SPLD may stay; ASD may not.
    assert set(NUMERIC.findall(html)) == {"7", "Fewer than 5"}
    assert 'data-testid="figures-date"' in html


def test_the_senco_keeps_exact_figures(school, register_of_nine):
    figures = _figures(school.client("senco").get("/register/").content.decode())
    assert figures["on the SEN register"] == "9"
    assert {"7", "2"} <= set(figures.values())


def test_outsiders_get_the_register_at_the_last_month_end_on_or_before_the_date(school, in_schema):
    # Amara is on the register from 2 September 2024. Another pupil joins on 12 November 2024.
    with in_schema(school.organisation):
        on_register(PupilFactory(school_class=school.own_class), since=datetime.date(2024, 11, 12))
    connection.set_schema_to_public()
    governor = school.client("governor").get("/register/?on=2024-11-20").content.decode()
    # 31 October 2024 is the last month end on or before 20 November: one pupil then, "Fewer than 5".
    assert "these are for 31 October 2024, the last month end on or before 20 November 2024" in governor
    # The day before and after the join give the same answer: nothing to difference.
    before = school.client("governor").get("/register/?on=2024-11-11").content.decode()
    assert _figures(governor) == _figures(before)
    senco = school.client("senco").get("/register/?on=2024-11-20").content.decode()
    assert _figures(senco)["on the SEN register"] == "2" and 'data-testid="figures-date"' not in senco
