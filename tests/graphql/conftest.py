"""Fixtures for reporting tests: pupils in a school's schema, figures rows, and GraphQL calls."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from send_graphql.models import SchoolFigures

TODAY = datetime.date.today()
# The last month end that is over: the figures anyone outside a school is served (selectors.sees_latest).
MONTH_END = TODAY.replace(day=1) - datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _no_cached_answers():
    """Each test starts with no cached GraphQL answers (the local-memory cache outlives a test)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pupils(in_schema):
    """`pupils(school, k=6, e=2, monitoring=1, plain=10, need="ASD", sex="F", year="4")` makes that many pupils there."""
    from tests.send_core.factories import PupilFactory, PupilNeedFactory, RegisterEntryFactory

    def make(school, *, k=0, e=0, monitoring=0, plain=0, need="ASD", sex="F", year="4", since=None):
        since = since or TODAY - datetime.timedelta(days=500)
        made = []
        with in_schema(school):
            for code, n in (("K", k), ("E", e), ("N", monitoring), ("", plain)):
                for _ in range(n):
                    pupil = PupilFactory(sex=sex, nc_year=year, admission_date=since, school_class=None)
                    if code:
                        RegisterEntryFactory(pupil=pupil, census_code=code, started_on=since)
                    if code in ("K", "E"):
                        PupilNeedFactory(pupil=pupil, need_type=need, started_on=since)
                    made.append(pupil)
        return made

    return make


def figures_row(organisation, *, on=MONTH_END, **values) -> SchoolFigures:
    defaults = {
        "phase": organisation.phase,
        "pupils_on_roll": 200,
        "monitoring": 10,
        "sen_support": 30,
        "ehc_plan": 6,
        "by_primary_need": {"ASD": 12, "SEMH": 10, "SPLD": 14},
        "by_year_group": {"3": 18, "4": 18},
        "by_sex": {"F": 16, "M": 20},
        "plans_due_review": 30,
        "plans_reviewed_on_time": 21,
        "outcomes_judged": 60,
        "outcomes_met": 40,
        "sen_support_cost_total": Decimal("45000.00"),
        "sen_support_costed_pupils": 30,
        "sen_support_cost_dominated": False,
        "ehc_requests_made": 8,
        "ehc_requests_agreed": 6,
    }
    defaults.update(values)
    defaults["refreshed_at"] = timezone.now()
    connection.set_schema_to_public()
    row, _ = SchoolFigures.objects.update_or_create(organisation=organisation, on=on, defaults=defaults)
    # As a refresh does: cached answers about this school are no longer current.
    from send_graphql import versions

    versions.bump(organisation.pk)
    return row


@pytest.fixture
def figures():
    return figures_row


@pytest.fixture
def gql(client_for):
    """`gql(user, organisation, query, variables)` posts to /graphql/ as that member; returns (status, body)."""

    def run(user, organisation, query, variables=None, client=None):
        client = client or client_for(user, organisation)
        response = client.post(
            "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
        )
        return response.status_code, response.json()

    return run


def trust_rows(school_b, secondary) -> None:
    """A trust's two schools: a small one whose SEN Support count is suppressed, and a large one."""
    figures_row(
        school_b,
        sen_support=3,
        ehc_plan=12,
        by_primary_need={"ASD": 15},
        by_year_group={"4": 15},
        by_sex={"F": 15},
        sen_support_costed_pupils=3,
    )
    figures_row(
        secondary,
        pupils_on_roll=900,
        sen_support=95,
        ehc_plan=20,
        by_primary_need={"ASD": 60, "SEMH": 55},
        by_year_group={"7": 115},
        by_sex={"F": 50, "M": 65},
        sen_support_costed_pupils=95,
    )
