"""Disclosure control: primary and secondary suppression, rates, and properties that must always hold."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from send_graphql.models import SchoolFigures
from send_graphql.selectors import _cells, protected_table, serve
from send_graphql.suppression import (
    NOT_AVAILABLE,
    SMALL_COUNT,
    SUPPRESSED,
    Figure,
    amount_per_figure,
    count_figure,
    is_small,
    protect,
    protect_table,
    rate_figure,
)

from tests.graphql.disclosure import small_cells_recovered


def test_counts_from_1_to_4_are_suppressed_and_0_and_5_are_shown():
    shown = protect({"a": 0, "b": 1, "c": 4, "d": 5, "e": 120})
    assert shown == {"a": 0, "b": None, "c": None, "d": 5, "e": 120}
    assert [is_small(v) for v in (0, 1, 4, 5)] == [False, True, True, False]


def test_a_lone_suppressed_part_takes_the_smallest_other_part_with_it():
    cells = {"total": 40, "k": 3, "e": 12, "m": 25}
    shown = protect(cells, [("total", ("k", "e", "m"))])
    assert shown == {"total": 40, "k": None, "e": None, "m": 25}
    assert not small_cells_recovered(cells, [("total", ("k", "e", "m"))], shown)


def test_a_hidden_small_cell_is_protected_too():
    # 20 due, 17 on time: the 3 late reviews could be worked out, so "on time" is not shown.
    cells = {"due": 20, "on_time": 17, "late": 3}
    shown = protect(cells, [("due", ("on_time", "late"))], hidden=["late"])
    assert "late" not in shown
    assert shown["on_time"] is None or shown["due"] is None


def test_two_suppressed_cells_that_must_both_be_1_are_not_left_alone():
    cells = {"total": 12, "a": 1, "b": 1, "c": 10}
    shown = protect(cells, [("total", ("a", "b", "c"))])
    assert shown["c"] is None
    assert not small_cells_recovered(cells, [("total", ("a", "b", "c"))], shown)


def test_rates_built_on_a_suppressed_count_are_suppressed():
    assert rate_figure(SUPPRESSED, Figure(200, "shown")) == SUPPRESSED
    assert rate_figure(Figure(30, "shown"), SUPPRESSED) == SUPPRESSED
    assert rate_figure(Figure(30, "shown"), Figure(200, "shown")) == Figure(Decimal("15.0"), "shown")
    assert rate_figure(NOT_AVAILABLE, Figure(200, "shown")) == NOT_AVAILABLE
    assert amount_per_figure(Decimal("9000"), SUPPRESSED) == SUPPRESSED
    assert amount_per_figure(None, Figure(10, "shown")) == NOT_AVAILABLE
    assert amount_per_figure(Decimal("9000"), Figure(6, "shown")) == Figure(Decimal("1500.00"), "shown")


def test_suppressed_figures_say_so_rather_than_show_a_number():
    assert SMALL_COUNT.display() == "Fewer than 5"
    assert SMALL_COUNT.csv() == "c"
    assert SUPPRESSED.display() == "Suppressed"
    assert SUPPRESSED.csv() == "c"
    assert NOT_AVAILABLE.display() == "Not available"


# --- Properties over whole schools' tables ----------------------------------------------------

NEEDS = ["ASD", "SEMH", "SLCN", "SPLD", "MLD", "none"]
YEARS = ["R", "1", "2", "3", "4", "5", "6"]

pupils_on_register = st.lists(
    st.tuples(st.sampled_from("KE"), st.sampled_from(NEEDS), st.sampled_from(YEARS), st.sampled_from("FM")),
    max_size=45,
)


def _row(register, monitoring, rest, due_extra, on_time_share, judged, met_share, made, agreed_share):
    from collections import Counter

    k = sum(1 for p in register if p[0] == "K")
    e = len(register) - k
    due = min(len(register), due_extra)
    on_time = round(due * on_time_share)
    return SchoolFigures(
        organisation_id=1,
        on=datetime.date(2026, 1, 1),
        pupils_on_roll=len(register) + monitoring + rest,
        monitoring=monitoring,
        sen_support=k,
        ehc_plan=e,
        by_primary_need=dict(Counter(p[1] for p in register)),
        by_year_group=dict(Counter(p[2] for p in register)),
        by_sex=dict(Counter(p[3] for p in register)),
        plans_due_review=due,
        plans_reviewed_on_time=on_time,
        outcomes_judged=judged,
        outcomes_met=round(judged * met_share),
        sen_support_cost_total=Decimal("12000.00"),
        sen_support_costed_pupils=k,
        sen_support_cost_dominated=False,
        ehc_requests_made=made,
        ehc_requests_agreed=round(made * agreed_share),
    )


school_rows = st.builds(
    _row,
    pupils_on_register,
    st.integers(0, 12),
    st.integers(0, 400),
    st.integers(0, 45),
    st.floats(0, 1),
    st.integers(0, 60),
    st.floats(0, 1),
    st.integers(0, 9),
    st.floats(0, 1),
)


@settings(max_examples=300, deadline=None)
@given(school_rows)
def test_no_served_school_table_shows_or_gives_away_a_count_from_1_to_4(row):
    cells, sums, hidden = _cells(row)
    table = protected_table(row)
    shown = table.shown
    for name, value in shown.items():
        assert value is None or not is_small(value), f"{name}={value} shown"
    assert not small_cells_recovered(cells, sums, shown, hidden, table.secondary)


@settings(max_examples=300, deadline=None)
@given(school_rows)
def test_every_served_figure_is_exact_or_suppressed_never_altered(row):
    cells, _, _ = _cells(row)
    served = serve(row)
    for name, figure in served.figures.items():
        if name in cells and figure.status == "shown":
            assert figure.value == cells[name]
    for rate, (numerator, denominator) in {
        "sen_support_rate": ("sen_support", "pupils_on_roll"),
        "ehc_plan_rate": ("ehc_plan", "pupils_on_roll"),
        "reviewed_on_time_rate": ("plans_reviewed_on_time", "plans_due_review"),
        "outcomes_met_rate": ("outcomes_met", "outcomes_judged"),
    }.items():
        if served[numerator].suppressed or served[denominator].suppressed:
            assert served[rate].suppressed


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=2, max_size=7),
    st.lists(st.booleans(), min_size=7, max_size=7),
)
def test_any_single_sum_with_hidden_cells_is_protected(parts, hide):
    cells = {f"p{i}": v for i, v in enumerate(parts)}
    cells["total"] = sum(parts)
    hidden = [name for i, name in enumerate(list(cells)[:-1]) if hide[i]]
    sums = [("total", tuple(n for n in cells if n != "total"))]
    table = protect_table(cells, sums, hidden=hidden)
    assert all(v is None or not is_small(v) for v in table.shown.values())
    assert not small_cells_recovered(cells, sums, table.shown, hidden, table.secondary)


def test_the_attacker_finds_what_primary_suppression_alone_would_give_away():
    # Without secondary suppression, K = register - E; the checker must see it (or it proves nothing).
    cells = {"register": 15, "k": 3, "e": 12}
    sums = [("register", ("k", "e"))]
    assert small_cells_recovered(cells, sums, {"register": 15, "k": None, "e": 12}) == {"k"}
    assert small_cells_recovered(cells, sums, {"register": 15, "k": None, "e": None}) == set()
    # Two suppressed cells adding up to 2 are both 1.
    cells = {"t": 12, "a": 1, "b": 1, "c": 10}
    assert small_cells_recovered(cells, [("t", ("a", "b", "c"))], {"t": 12, "a": None, "b": None, "c": 10}) == {
        "a",
        "b",
    }


def test_suppressed_parts_that_must_all_be_4_are_not_left_alone():
    # 20 on the register, 12 ASD, 0 none: SEMH and SLCN add up to 8, and each is at most 4.
    cells = {"reg": 20, "asd": 12, "semh": 4, "slcn": 4, "none": 0}
    sums = [("reg", ("asd", "semh", "slcn", "none"))]
    assert small_cells_recovered(cells, sums, {**cells, "semh": None, "slcn": None}) == {"semh", "slcn"}
    table = protect_table(cells, sums)
    assert table.shown["semh"] is None and table.shown["slcn"] is None
    assert not small_cells_recovered(cells, sums, table.shown)


def test_a_cell_suppressed_to_protect_others_is_not_said_to_be_fewer_than_5():
    cells = {"total": 40, "k": 3, "e": 12, "m": 25}
    table = protect_table(cells, [("total", ("k", "e", "m"))])
    assert table.secondary == {"e"}
    assert count_figure(table.shown, "k", secondary=table.secondary).display() == "Fewer than 5"
    assert count_figure(table.shown, "e", secondary=table.secondary).display() == "Suppressed"
    assert count_figure(table.shown, "e", secondary=table.secondary).csv() == "c"


def test_a_protecting_cell_known_to_be_0_or_at_least_5_does_not_give_a_small_one_away():
    # Secondary e is not 1 to 4, so with k + e = 6 and k at least 1, e must be 5 and k 1.
    cells = {"total": 26, "k": 1, "e": 5, "m": 20}
    sums = [("total", ("k", "e", "m"))]
    assert small_cells_recovered(cells, sums, {"total": 26, "k": None, "e": None, "m": 20}) == {"k"}
    shown = protect(cells, sums)
    assert not small_cells_recovered(cells, sums, shown)


@pytest.mark.parametrize(
    ("costed", "dominated", "expected"),
    [
        (5, False, Figure(Decimal("1510"), "shown")),  # £45,250 over 30 pupils is £1,508.33
        (4, False, SUPPRESSED),  # fewer than 5 pupils have costed provision
        (30, True, SUPPRESSED),  # one pupil's provision is more than half the cost
        (30, None, SUPPRESSED),  # not known whether one pupil's is
    ],
)
def test_cost_per_pupil_is_shown_to_10_pounds_only_when_no_few_pupils_make_it(costed, dominated, expected):
    row = _row([("K", "ASD", "1", "F")] * 30, 5, 100, 0, 0, 0, 0, 0, 0)
    row.sen_support_cost_total = Decimal("45250.00")
    row.sen_support_costed_pupils = costed
    row.sen_support_cost_dominated = dominated
    assert serve(row)["cost_per_pupil"] == expected


# --- Exact feasibility: what interval reasoning missed -----------------------------------------


def test_a_listed_key_shown_as_suppressed_is_at_least_5_so_it_cannot_leave_two_small_years_pinned():
    # Register 7 = Year 3 + Year 5 + Year 6, Years 5 and 6 at 1 each. Worked by hand: Year 3 is
    # listed, so at least 1; "Suppressed" says it is not 1 to 4, so it is at least 5; then
    # Year 5 + Year 6 = 7 - Year 3 is at most 2, and each is at least 1: both are exactly 1.
    cells = {"on_register": 7, "year:3": 5, "year:5": 1, "year:6": 1}
    sums = [("on_register", ("year:3", "year:5", "year:6"))]
    served_before = {"on_register": 7, "year:3": None, "year:5": None, "year:6": None}
    assert small_cells_recovered(cells, sums, served_before) == {"year:5", "year:6"}
    # Were Year 3 not a listed key it could be 0, and Years 5 and 6 could be 3 + 4: nothing pinned.
    assert small_cells_recovered(cells, sums, served_before, listed=()) == set()

    table = protect_table(cells, sums)
    # By hand: only the register itself is left to suppress; then Year 5 + Year 6 = register - Year 3
    # with the register unknown, so each of them can be anything from 1 to 4.
    assert table.shown == {"on_register": None, "year:3": 5, "year:5": None, "year:6": None}
    assert table.secondary == {"on_register"}
    assert not small_cells_recovered(cells, sums, table.shown, secondary=table.secondary)


def test_two_suppressed_cells_that_must_add_up_to_5_cannot_leave_a_small_one_pinned():
    # 15 = a0 + a1, and a1 = x + y + z with a0 = 9, a1 = 6, x = 1, y = 0, z = 5. Served as before
    # (15 and 9 shown, the rest not), by hand: a1 = 15 - 9 = 6, so x + y + z = 6; y and z are each
    # 0 or at least 5, so y + z is 0, 5, 10, ...; x is 1 to 4, so y + z = 5 (5 + 0 or 0 + 5) and
    # x is exactly 1. Bounds alone (y and z each 0 to 5) miss it.
    cells = {"total": 15, "a0": 9, "a1": 6, "x": 1, "y": 0, "z": 5}
    sums = [("total", ("a0", "a1")), ("a1", ("x", "y", "z"))]
    served_before = {"total": 15, "a0": 9, "a1": None, "x": None, "y": None, "z": None}
    assert small_cells_recovered(cells, sums, served_before) == {"x"}

    table = protect_table(cells, sums)
    assert not small_cells_recovered(cells, sums, table.shown, secondary=table.secondary)
    # By hand, the least count to suppress: x = a1 - 5 must stay unknown, so a1 must, so a0 or the
    # total must go with it (a0 + a1 = 15 beats total + a1 = 21); then a1 = 15 - a0 with both 0 or
    # at least 5 leaves a1 anywhere from 6 to 9, and x from 1 to 4. Hiding y and z instead leaks.
    assert table.shown == {"total": 15, "a0": None, "a1": None, "x": None, "y": 0, "z": 5}
    assert table.secondary == {"a0", "a1"}


def test_a_table_that_cannot_be_protected_is_not_shown_at_all_and_nothing_is_said_fewer_than_5():
    # 4 = four parts of 1: even with every cell "Fewer than 5", four parts of at least 1 adding up
    # to at most 4 are each exactly 1. So nothing is shown, and no label says "Fewer than 5".
    cells = {"t": 4, "a": 1, "b": 1, "c": 1, "d": 1}
    sums = [("t", ("a", "b", "c", "d"))]
    assert small_cells_recovered(cells, sums, dict.fromkeys(cells), secondary=set()) == {"t", "a", "b", "c", "d"}
    table = protect_table(cells, sums)
    assert table.shown == dict.fromkeys(cells)
    assert table.secondary == set(cells)
    assert not small_cells_recovered(cells, sums, table.shown, secondary=table.secondary)


def test_secondary_suppression_takes_the_least_count_not_the_first_cell():
    # 40 = k + e + m + n with k = 3: suppressing any one other part protects k (k + x = 40 - rest,
    # x is 0 or at least 5). The least costly is the part of 6, not the total (40) or 25.
    cells = {"total": 40, "k": 3, "m": 25, "e": 6, "n": 6}
    sums = [("total", ("k", "m", "e", "n"))]
    table = protect_table(cells, sums)
    assert table.secondary == {"e"}
    assert table.shown == {"total": 40, "k": None, "m": 25, "e": None, "n": 6}


# Generated tables: a total with 2 to 6 parts, perhaps one part split again (nested margins),
# perhaps a second breakdown of the same total, perhaps a hidden remainder; breakdown parts are
# listed keys (named "<breakdown>:<key>", none of them 0, as a key with nobody is not listed).
counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def linked_tables(draw):
    cells: dict[str, int] = {}
    sums = []
    hidden = []
    first_listed = draw(st.booleans())
    parts = draw(st.lists(counts.filter(lambda v: v > 0) if first_listed else counts, min_size=2, max_size=6))
    names = [f"a:{i}" if first_listed else f"a{i}" for i in range(len(parts))]
    cells.update(zip(names, parts, strict=True))
    cells["total"] = sum(parts)
    sums.append(("total", tuple(names)))
    if draw(st.booleans()):
        # A nested margin: one part split into 2 or 3 further parts.
        split = draw(st.sampled_from(names))
        cuts = sorted(draw(st.lists(st.integers(0, cells[split]), min_size=1, max_size=2)))
        pieces = [b - a for a, b in zip([0, *cuts], [*cuts, cells[split]], strict=True)]
        sub = [f"{split}.{i}" for i in range(len(pieces))]
        cells.update(zip(sub, pieces, strict=True))
        sums.append((split, tuple(sub)))
    if draw(st.booleans()) and cells["total"] > 0:
        # A second breakdown of the same total (e.g. by year as well as by need).
        k = draw(st.integers(2, 6))
        cuts = sorted(draw(st.lists(st.integers(0, cells["total"]), min_size=k - 1, max_size=k - 1)))
        pieces = [b - a for a, b in zip([0, *cuts], [*cuts, cells["total"]], strict=True)]
        other = [(f"b:{i}", v) for i, v in enumerate(pieces) if v > 0]
        cells.update(other)
        sums.append(("total", tuple(n for n, _ in other)))
    if draw(st.booleans()):
        # A hidden remainder: the total is part of a wider total, the rest never shown.
        cells["rest"] = draw(counts)
        cells["whole"] = cells["total"] + cells["rest"]
        hidden.append("rest")
        sums.append(("whole", ("total", "rest")))
    return cells, sums, hidden


def assert_protected(cells, sums, hidden) -> None:
    table = protect_table(cells, sums, hidden=hidden)
    assert all(v is None or not is_small(v) for v in table.shown.values())
    assert all(table.shown[n] == v for n, v in cells.items() if n not in hidden and table.shown[n] is not None)
    assert not small_cells_recovered(cells, sums, table.shown, hidden, table.secondary)


# 300 here keeps the suite quick; `./cairn bench -k disclosure` runs 10,000 (tests/benchmarks/bench_disclosure.py).
@settings(max_examples=300, deadline=None)
@given(linked_tables())
def test_no_generated_table_leaves_a_count_from_1_to_4_pinned_for_an_exact_attacker(table):
    assert_protected(*table)


def test_a_small_cell_whose_own_sums_show_nothing_is_protected_through_the_sums_beyond():
    # 21 = t + 20 and t = a + b, with t and b never shown. By hand: t = 21 - 20 = 1, and a is at
    # least 1, so a = 1 (and b = 0). Nothing in a's own sum is shown, so the cell to suppress is
    # further out: the 20 (cheaper than the 21). Then t = 21 - r with r 0 or at least 5, so t may
    # be 1 to 16 and a anything from 1 to 4; the table is still shown, not blanked.
    cells = {"whole": 21, "r": 20, "t": 1, "a": 1, "b": 0}
    sums = [("whole", ("t", "r")), ("t", ("a", "b"))]
    hidden = ["t", "b"]
    assert small_cells_recovered(cells, sums, {"whole": 21, "r": 20, "a": None}, hidden) == {"t", "a"}
    table = protect_table(cells, sums, hidden=hidden)
    assert table.shown == {"whole": 21, "r": None, "a": None}
    assert not small_cells_recovered(cells, sums, table.shown, hidden, table.secondary)
