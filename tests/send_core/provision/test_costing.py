"""Costs add up: a known provision map, checked to the penny, and the threshold flag exactly where it is passed."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection

from send_core.provision.costing import ZERO, cost_provision, run_weeks, to_pounds
from send_core.provision.models import ProvisionGroup, ProvisionSettings
from send_core.provision.selectors import annual_cost_by_pupil, provision_map
from send_core.provision.terms import SchoolYear, Term, parse_term, school_year_of, term_of
from tests.send_core.factories import PupilFactory, on_register
from tests.send_core.provision.factories import (
    GroupMemberFactory,
    IndividualProvisionFactory,
    InterventionFactory,
    ProvisionGroupFactory,
    set_rates,
)

AUTUMN = Term("autumn", 2025)
YEAR = SchoolYear(2025)


# --- Terms and weeks ------------------------------------------------------------------------------


def test_terms_are_the_calendar_spans_the_map_uses():
    assert (AUTUMN.starts_on, AUTUMN.ends_on) == (datetime.date(2025, 9, 1), datetime.date(2025, 12, 31))
    spring, summer = Term("spring", 2025), Term("summer", 2025)
    assert (spring.starts_on, spring.ends_on) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert (summer.starts_on, summer.ends_on) == (datetime.date(2026, 4, 1), datetime.date(2026, 7, 31))
    assert spring.key == "spring-2026" and parse_term("spring-2026") == spring
    assert parse_term("winter-2026") is None and parse_term("autumn-25") is None
    assert term_of(datetime.date(2026, 8, 12)) is None
    assert school_year_of(datetime.date(2026, 3, 2)) == YEAR and YEAR.label == "2025-26"


def test_weeks_start_on_the_start_date_then_mondays_and_august_is_left_out():
    weeks = run_weeks(datetime.date(2025, 9, 10), datetime.date(2025, 9, 24))  # a Wednesday to a Wednesday
    assert [w.on for w in weeks] == [datetime.date(2025, 9, 10), datetime.date(2025, 9, 15), datetime.date(2025, 9, 22)]
    assert weeks[-1].last == datetime.date(2025, 9, 24)
    summer = run_weeks(datetime.date(2026, 7, 13), datetime.date(2026, 9, 4))
    # 27 July's week is counted; August's are not; the week of Monday 31 August counts from 1 September.
    assert [w.on for w in summer] == [
        datetime.date(2026, 7, 13),
        datetime.date(2026, 7, 20),
        datetime.date(2026, 7, 27),
        datetime.date(2026, 9, 1),
    ]


def test_rounding_is_once_and_half_up():
    assert to_pounds(Decimal("2.345")) == Decimal("2.35")
    assert to_pounds(Decimal("2.3449999")) == Decimal("2.34")


def test_a_pupil_joining_late_shares_only_the_weeks_they_are_in():
    group = SimpleNamespace(
        pk=1,
        staff_role="teaching_assistant",
        sessions_per_week=2,
        minutes_per_session=30,
        resource_cost=Decimal("0"),
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2025, 9, 26),  # four weeks
        members=[
            SimpleNamespace(pupil_id=10, joined_on=datetime.date(2025, 9, 1), left_on=None),
            SimpleNamespace(pupil_id=11, joined_on=datetime.date(2025, 9, 15), left_on=None),
        ],
    )
    sheet = cost_provision(
        groups=[group],
        individual=[],
        rates={"teaching_assistant": Decimal("10.00")},
        start=datetime.date(2025, 9, 1),
        end=datetime.date(2025, 12, 31),
    )
    # £10 a week: all of it to pupil 10 in weeks 1-2, half each in weeks 3-4.
    assert sheet.pupil(10) == Decimal("30.00")
    assert sheet.pupil(11) == Decimal("10.00")
    assert sheet.group(1) == Decimal("40.00")


def test_a_role_without_a_rate_is_reported_not_guessed():
    item = SimpleNamespace(
        pk=5,
        pupil_id=3,
        kind="one_to_one",
        staff_role="specialist",
        hours_per_week=Decimal("2"),
        cost=None,
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2025, 9, 5),
    )
    sheet = cost_provision(groups=[], individual=[item], rates={}, start=YEAR.starts_on, end=YEAR.ends_on)
    assert sheet.pupil(3) == Decimal("0.00") and sheet.missing_rates == {"specialist"}


# --- A known provision map ---------------------------------------------------------------------------


@pytest.fixture
def known_map(in_a):
    """Five pupils, two groups, one-to-one support and equipment, with rates the school set.

    Toe by Toe (Year 4): TA, 3 × 20 minutes a week at £15.00 an hour = £15.00 a week; resources £31.00
    over its 5 weeks = £6.20 a week; £21.20 a week shared by 3 pupils: £106.00 for the group, £35.33 each.
    Thrive: teacher, 1 × 45 minutes at £30.00 = £22.50 a week for 10 weeks shared by 2: £225.00, £112.50 each.
    Ben has 10 hours a week of one-to-one TA support for 16 weeks (£2,400.00) and equipment in spring
    (£4,000.00). Dev has equipment costing exactly £6,000.00; Esme's costs £6,000.01.
    """
    set_rates(teaching_assistant="15.00", teacher="30.00")
    pupils = {
        name: PupilFactory(legal_first_name=name, last_name="Known", nc_year=year)
        for name, year in (("Amy", "4"), ("Ben", "4"), ("Cai", "5"), ("Dev", "5"), ("Esme", "6"))
    }
    on_register(pupils["Amy"], need_type="SPLD")
    on_register(pupils["Ben"], need_type="SLCN")
    toe = ProvisionGroupFactory(
        name="Toe by Toe (Year 4)",
        intervention=InterventionFactory(name="Toe by Toe", staff_role="teaching_assistant"),
        staff_role="teaching_assistant",
        sessions_per_week=3,
        minutes_per_session=20,
        resource_cost=Decimal("31.00"),
        starts_on=datetime.date(2025, 9, 8),
        ends_on=datetime.date(2025, 10, 10),
    )
    thrive = ProvisionGroupFactory(
        name="Thrive",
        intervention=InterventionFactory(name="Thrive", area="semh", staff_role="teacher"),
        staff_role="teacher",
        sessions_per_week=1,
        minutes_per_session=45,
        resource_cost=Decimal("0.00"),
        starts_on=datetime.date(2025, 9, 8),
        ends_on=datetime.date(2025, 11, 14),
    )
    for name in ("Amy", "Ben", "Cai"):
        GroupMemberFactory(group=toe, pupil=pupils[name])
    for name in ("Amy", "Cai"):
        GroupMemberFactory(group=thrive, pupil=pupils[name])
    IndividualProvisionFactory(
        pupil=pupils["Ben"],
        kind="one_to_one",
        staff_role="teaching_assistant",
        hours_per_week=Decimal("10"),
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2025, 12, 21),
    )
    for name, cost, day in (
        ("Ben", "4000.00", datetime.date(2026, 1, 15)),
        ("Dev", "6000.00", datetime.date(2026, 2, 10)),
        ("Esme", "6000.01", datetime.date(2026, 2, 10)),
    ):
        IndividualProvisionFactory(
            pupil=pupils[name],
            kind="equipment",
            description="Specialist seating",
            staff_role="",
            hours_per_week=None,
            cost=Decimal(cost),
            starts_on=day,
            ends_on=day + datetime.timedelta(days=200),
        )
    return pupils, toe, thrive


def test_every_figure_of_the_autumn_map_to_the_penny(known_map):
    pupils, toe, thrive = known_map
    the_map = provision_map(AUTUMN)
    rows = {row.pupil.legal_first_name: row for row in the_map.rows}
    # Pupils with provision this term, and Esme because her year passes the threshold.
    assert set(rows) == {"Amy", "Ben", "Cai", "Esme"}
    assert rows["Amy"].term_cost == Decimal("147.83")  # 35.333… + 112.50, rounded once
    assert rows["Cai"].term_cost == Decimal("147.83")
    assert rows["Ben"].term_cost == Decimal("2435.33")  # 35.333… + 2,400.00
    assert rows["Esme"].term_cost == Decimal("0.00")
    assert {(line.what, line.cost) for line in rows["Amy"].lines} == {
        ("Toe by Toe (Year 4)", Decimal("35.33")),
        ("Thrive", Decimal("112.50")),
    }
    assert {(line.what, line.cost) for line in rows["Ben"].lines} == {
        ("Toe by Toe (Year 4)", Decimal("35.33")),
        ("One-to-one support", Decimal("2400.00")),
    }
    groups = {figure.group.name: figure for figure in the_map.groups}
    assert (groups["Toe by Toe (Year 4)"].pupils, groups["Toe by Toe (Year 4)"].cost) == (3, Decimal("106.00"))
    assert groups["Toe by Toe (Year 4)"].per_pupil == Decimal("35.33")
    assert (groups["Thrive"].pupils, groups["Thrive"].cost, groups["Thrive"].per_pupil) == (
        2,
        Decimal("225.00"),
        Decimal("112.50"),
    )
    assert the_map.term_total == Decimal("2731.00")
    # The school year: Ben's spring equipment counts, so do Dev's and Esme's.
    assert rows["Amy"].year_cost == Decimal("147.83")
    assert rows["Ben"].year_cost == Decimal("6435.33")
    assert rows["Esme"].year_cost == Decimal("6000.01")
    assert the_map.year_total == Decimal("18731.01")  # 331.00 + 2,400.00 + 4,000.00 + 6,000.00 + 6,000.01
    by_year = {f.label: (f.pupils, f.cost) for f in the_map.by_year_group}
    assert by_year == {
        "Year 4": (2, Decimal("2583.17")),  # 147.833… + 2,435.333…, rounded once
        "Year 5": (1, Decimal("147.83")),
        "Year 6": (1, Decimal("0.00")),
    }
    by_need = {f.label: f.pupils for f in the_map.by_need}
    assert by_need == {
        "Specific learning difficulty": 1,
        "Speech, language and communication needs": 1,
        "No recorded need": 2,
    }


def test_the_threshold_flags_exactly_the_pupils_above_it(known_map):
    pupils, *_ = known_map
    the_map = provision_map(AUTUMN)
    assert {row.pupil.legal_first_name for row in the_map.flagged} == {"Ben", "Esme"}  # not Dev at £6,000.00
    # A school that sets its threshold higher flags fewer.
    ProvisionSettings.objects.create(notional_threshold=Decimal("6435.33"))
    assert {row.pupil.legal_first_name for row in provision_map(AUTUMN).flagged} == set()
    ProvisionSettings.objects.all().update(notional_threshold=Decimal("6000.00"))
    assert {row.pupil.legal_first_name for row in provision_map(AUTUMN).flagged} == {"Ben", "Esme"}


def test_annual_cost_by_pupil_is_the_contract_other_parts_rely_on(known_map, in_b):
    pupils, *_ = known_map
    costs = annual_cost_by_pupil(year_start=YEAR.starts_on, year_end=YEAR.ends_on)
    assert costs == {
        pupils["Amy"].pk: Decimal("147.83"),
        pupils["Ben"].pk: Decimal("6435.33"),
        pupils["Cai"].pk: Decimal("147.83"),
        pupils["Dev"].pk: Decimal("6000.00"),
        pupils["Esme"].pk: Decimal("6000.01"),
    }
    autumn_only = annual_cost_by_pupil(year_start=AUTUMN.starts_on, year_end=AUTUMN.ends_on)
    assert autumn_only[pupils["Ben"].pk] == Decimal("2435.33") and pupils["Dev"].pk not in autumn_only
    # In another school's schema there is nothing of school A's.
    with in_b():
        assert annual_cost_by_pupil(year_start=YEAR.starts_on, year_end=YEAR.ends_on) == {}
        assert not ProvisionGroup.objects.filter(name="Toe by Toe (Year 4)").exists()


def test_the_map_page_csv_and_print_show_the_same_figures(known_map, staff, client_for):
    pupils, *_ = known_map
    senco = staff("senco")
    client = client_for(senco, connection.tenant)
    page = client.get("/provision/map/?term=autumn-2025")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-testid="flag"') == 2
    for pupil_name in ("Ben", "Esme"):
        row = body.split(f'data-testid="map-row-{pupils[pupil_name].pk}"')[1].split("</tr>")[0]
        assert 'data-testid="flag"' in row
    for pupil_name in ("Amy", "Cai"):
        row = body.split(f'data-testid="map-row-{pupils[pupil_name].pk}"')[1].split("</tr>")[0]
        assert 'data-testid="flag"' not in row
    assert "£2,731.00" in body and "£18,731.01" in body
    exported = client.get("/provision/map.csv?term=autumn-2025")
    assert exported["Content-Type"].startswith("text/csv")
    rows = {r["Pupil"]: r for r in csv.DictReader(io.StringIO(exported.content.decode()))}
    assert rows["Ben Known"]["Cost Autumn term 2025"] == "2435.33"
    assert rows["Ben Known"]["Cost 2025-26"] == "6435.33" and rows["Ben Known"]["Above threshold"] == "yes"
    assert "Dev Known" not in rows  # nothing this term and not above the threshold
    assert rows["Amy Known"]["Above threshold"] == ""
    printable = client.get("/provision/map/print/?term=autumn-2025").content.decode()
    assert printable.count('data-testid="flag"') == 2 and "£2,731.00" in printable
    assert client.get("/provision/map/?term=winter-2025").status_code == 404


def test_equipment_bought_in_august_counts_in_the_school_year_that_starts_in_september(in_a):
    item = SimpleNamespace(
        pk=1,
        pupil_id=7,
        kind="equipment",
        cost=Decimal("120.00"),
        staff_role="",
        hours_per_week=None,
        starts_on=datetime.date(2025, 8, 20),
        ends_on=datetime.date(2025, 8, 31),
    )
    cost = lambda start, end: cost_provision(groups=[], individual=[item], rates={}, start=start, end=end)  # noqa: E731
    assert cost(YEAR.starts_on, YEAR.ends_on).individual(1) == Decimal("120.00")
    assert cost(AUTUMN.starts_on, AUTUMN.ends_on).individual(1) == Decimal("120.00")
    assert cost(SchoolYear(2024).starts_on, SchoolYear(2024).ends_on).individual(1) == ZERO
    # Saved, it shows on the autumn map and in the pupil's year.
    pupil = PupilFactory()
    IndividualProvisionFactory(
        pupil=pupil,
        kind="equipment",
        description="Writing slope",
        cost=Decimal("120.00"),
        staff_role="",
        hours_per_week=None,
        starts_on=datetime.date(2025, 8, 20),
        ends_on=datetime.date(2025, 8, 31),
    )
    assert annual_cost_by_pupil(year_start=YEAR.starts_on, year_end=YEAR.ends_on)[pupil.pk] == Decimal("120.00")
    row = next(r for r in provision_map(AUTUMN).rows if r.pupil.pk == pupil.pk)
    assert row.term_cost == Decimal("120.00") and row.lines[0].what == "Writing slope"
