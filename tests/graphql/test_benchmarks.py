"""Benchmarks: enough current schools, never mostly the caller's own, and rounded quartiles."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from send_graphql import selectors
from send_graphql.selectors import organisation_scope

from tenants.models import Organisation
from tenants.roles import OrganisationKind
from tests.graphql.conftest import MONTH_END, figures_row

pytestmark = pytest.mark.django_db

QUERY = (
    "{ benchmark(phase: PRIMARY, metric: SEN_SUPPORT_RATE) { schools available median lowerQuartile upperQuartile } }"
)


def _other_schools(n: int, *, start: int = 0, **fields) -> list[Organisation]:
    """Primary schools elsewhere on the platform (benchmarks read only the public aggregates)."""
    connection.set_schema_to_public()
    made = []
    for i in range(start, start + n):
        made.append(
            Organisation.objects.create(
                kind=OrganisationKind.SCHOOL,
                name=f"Benchmark Primary {i}",
                slug=f"benchmark-{i}",
                schema_name=f"benchmark_{i}",
                phase="primary",
                **fields,
            )
        )
    return made


def _rows(schools, *, on=MONTH_END, **values):
    for i, school in enumerate(schools):
        figures_row(school, on=on, pupils_on_roll=200, sen_support=20 + i, **values)


def test_a_benchmark_needs_at_least_10_schools_by_default(school_a, member, gql):
    user = member(school_a, "senco")
    _rows([school_a, *_other_schools(8)])
    _, body = gql(user, school_a, QUERY)
    assert body["data"]["benchmark"]["schools"] == 9 and not body["data"]["benchmark"]["available"]
    _rows(_other_schools(1, start=8))
    _, body = gql(user, school_a, QUERY)
    assert body["data"]["benchmark"]["schools"] == 10 and body["data"]["benchmark"]["available"]


def test_in_production_the_minimum_cannot_be_set_below_10(school_a, settings):
    _rows([school_a, *_other_schools(4)])
    scope = organisation_scope(school_a)
    settings.CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS = 2
    assert selectors.benchmark("primary", "sen_support_rate", scope=scope).available
    settings.PRODUCTION = True
    assert selectors.min_benchmark_schools() == 10
    assert not selectors.benchmark("primary", "sen_support_rate", scope=scope).available


def test_only_active_schools_with_recent_figures_contribute(school_a, member, gql):
    user = member(school_a, "senco")
    _rows([school_a, *_other_schools(9)])
    _rows(_other_schools(3, start=20, is_active=False))
    _rows(_other_schools(3, start=30), on=MONTH_END - datetime.timedelta(days=46))
    _, body = gql(user, school_a, QUERY)
    assert body["data"]["benchmark"]["schools"] == 10
    # One school closed: fewer than 10 now (answers already cached may stand for a few minutes).
    Organisation.objects.filter(slug="benchmark-0").update(is_active=False)
    cache.clear()
    _, body = gql(user, school_a, QUERY)
    assert body["data"]["benchmark"]["schools"] == 9 and not body["data"]["benchmark"]["available"]


def test_no_benchmark_for_a_caller_whose_own_schools_are_more_than_half_of_it(
    trust, school_a, school_b, secondary, member, gql, settings
):
    settings.CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS = 2
    lead = member(trust, "send_lead")
    trust_schools = [school_b, *_other_schools(2, trust=trust)]
    _rows([*trust_schools, school_a, *_other_schools(1, start=10)])
    _, body = gql(lead, trust, QUERY)
    assert body["data"]["benchmark"]["schools"] == 5 and not body["data"]["benchmark"]["available"]
    # The same benchmark is given to a school that is one of the five.
    _, body = gql(member(school_a, "senco"), school_a, QUERY)
    assert body["data"]["benchmark"]["available"]
    # With one more school elsewhere the trust's three are no longer more than half.
    _rows(_other_schools(1, start=11))
    _, body = gql(lead, trust, QUERY)
    assert body["data"]["benchmark"]["available"]


def test_quartiles_are_rounded_percentages_to_whole_numbers_and_money_to_10_pounds(school_a):
    schools = [school_a, *_other_schools(9)]
    for i, school in enumerate(schools):
        figures_row(
            school,
            pupils_on_roll=300,
            sen_support=31 + i,
            sen_support_costed_pupils=31 + i,
            sen_support_cost_total=Decimal(1234 * (31 + i) + 7 * i),
        )
    found = selectors.benchmarks("primary", ["sen_support_rate", "cost_per_pupil"], scope=organisation_scope(school_a))
    for value in (found["sen_support_rate"].lower_quartile, found["sen_support_rate"].median):
        assert value == value.to_integral_value()
    for value in (found["cost_per_pupil"].lower_quartile, found["cost_per_pupil"].upper_quartile):
        assert value % 10 == 0
    assert found["cost_per_pupil"].median == Decimal(1230)
