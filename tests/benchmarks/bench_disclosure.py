"""Disclosure control benchmark: the exact attacker over 10,000 generated tables and over the demo.

Run with `./cairn bench -k disclosure`. For each table, `protect_table` decides what is served and
the solver-based attacker (tests/graphql/disclosure.py) looks for a count from 1 to 4 it can pin;
any such cell fails the run. It prints how long one table takes to decide (median, 95th
percentile, worst); it asserts nothing about speed, so a busy machine never turns it red.
"""

from __future__ import annotations

import io
import statistics
import time

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from send_graphql.models import SchoolFigures
from send_graphql.selectors import _cells
from send_graphql.suppression import is_small, protect_table

from tests.graphql.disclosure import small_cells_recovered
from tests.graphql.test_suppression import linked_tables

GENERATED = 10_000


def _report(label: str, timings: list[float]) -> None:
    timings = sorted(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"\n{label}: {len(timings):,} tables, none with a count from 1 to 4 pinned; deciding one took "
        f"median {statistics.median(timings) * 1000:.1f} ms, 95th percentile {p95 * 1000:.1f} ms, "
        f"worst {timings[-1] * 1000:.1f} ms"
    )


def bench_disclosure_generated_tables():
    timings: list[float] = []

    @settings(max_examples=GENERATED, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(linked_tables())
    def check(table):
        cells, sums, hidden = table
        started = time.perf_counter()
        protected = protect_table(cells, sums, hidden=hidden)
        timings.append(time.perf_counter() - started)
        assert all(v is None or not is_small(v) for v in protected.shown.values())
        assert not small_cells_recovered(cells, sums, protected.shown, hidden, protected.secondary)

    check()
    _report("Generated tables", timings)
    assert len(timings) >= GENERATED


@pytest.mark.django_db
def bench_disclosure_demo():
    call_command("seed_demo", stdout=io.StringIO())
    timings: list[float] = []
    rows = list(SchoolFigures.objects.all())
    assert rows, "the demo left no reporting figures"
    for row in rows:
        cells, sums, hidden = _cells(row)
        started = time.perf_counter()
        protected = protect_table(cells, sums, hidden=hidden)
        timings.append(time.perf_counter() - started)
        assert not small_cells_recovered(cells, sums, protected.shown, hidden, protected.secondary), row
    _report(f"Demo school month-ends ({len(rows)})", timings)
