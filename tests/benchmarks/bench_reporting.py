"""Reporting benchmark: a trust lead's comparison from the aggregate tables, at 10, 100 and 1,000
schools, against working the same figures out live from each school's own schema.

Run with `./cairn bench -k reporting`. The aggregate rows are generated directly (one a month for
a year per school, as the nightly refresh would leave them); the live comparison times a handful
of real school schemas with pupils in them and extrapolates to the same number of schools, as
the request would have to visit every schema. It prints medians and asserts nothing about
speed, so a slow machine never turns the suite red.
"""

from __future__ import annotations

import datetime
import json
import random
import statistics
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from send_graphql.figures import compute_school_figures
from send_graphql.models import SchoolFigures
from send_graphql.selectors import _protected, _served

from tenants.models import Organisation
from tenants.roles import OrganisationKind
from tests.factories import MembershipFactory, UserFactory
from tests.organisations import organisation_for_tests

SIZES = (10, 100, 1000)
RUNS = 9
LIVE_SCHOOLS = ("ashgrove", "birchwood", "cedar-high")
COMPARISON = "{ compare(metric: SEN_SUPPORT_RATE) { school { name } figure { value display suppressed } } }"
TODAY = datetime.date.today()


def _generate(trust, la, start: int, count: int, rng: random.Random) -> None:
    schools = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.SCHOOL,
                name=f"Bench School {i:04d}",
                slug=f"bench-rpt-{i:04d}",
                schema_name=f"bench_rpt_{i:04d}",
                urn=f"98{i:04d}",
                la_code="991",
                establishment_number=f"{i:04d}",
                phase=rng.choice(["primary", "primary", "secondary"]),
                local_authority=la,
                trust=trust,
            )
            for i in range(start, start + count)
        ]
    )
    rows = []
    for school in schools:
        for months_ago in range(12):
            roll = rng.randint(90, 1400)
            k, e = rng.randint(0, roll // 7), rng.randint(0, roll // 40)
            needs = {"ASD": 0, "SEMH": 0, "SLCN": 0, "SPLD": 0, "MLD": 0}
            for _ in range(k + e):
                needs[rng.choice(list(needs))] += 1
            female = rng.randint(0, k + e)
            due = rng.randint(0, k + e)
            rows.append(
                SchoolFigures(
                    organisation=school,
                    on=TODAY - datetime.timedelta(days=30 * months_ago),
                    phase=school.phase,
                    pupils_on_roll=roll,
                    monitoring=rng.randint(0, 20),
                    sen_support=k,
                    ehc_plan=e,
                    by_primary_need=needs,
                    by_year_group={"5": (k + e) // 2, "6": k + e - (k + e) // 2},
                    by_sex={"F": female, "M": k + e - female},
                    plans_due_review=due,
                    plans_reviewed_on_time=rng.randint(0, due),
                    outcomes_judged=(judged := rng.randint(0, 3 * k)),
                    outcomes_met=rng.randint(0, judged),
                    sen_support_cost_total=Decimal(rng.randint(0, 3000 * max(k, 1))),
                    sen_support_costed_pupils=k,
                    ehc_requests_made=(made := rng.randint(0, 8)),
                    ehc_requests_agreed=rng.randint(0, made),
                )
            )
    SchoolFigures.objects.bulk_create(rows, batch_size=2000)


def _time_request(client: Client, runs: int = RUNS, *, fresh: bool = False) -> tuple[list[float], int]:
    """Timings of the comparison query; `fresh` empties the answer cache first each time."""
    timings, schools = [], 0
    for _ in range(runs):
        if fresh:
            cache.clear()
        started = time.perf_counter()
        response = client.post("/graphql/", json.dumps({"query": COMPARISON}), content_type="application/json")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
        schools = len(response.json()["data"]["compare"])
    return timings, schools


def _live_per_school() -> list[float]:
    """Seconds to work one school's figures out from its own schema, for a few real schemas with pupils."""
    from tests.send_core.factories import PupilFactory, PupilNeedFactory, RegisterEntryFactory

    timings = []
    for slug in LIVE_SCHOOLS:
        school = organisation_for_tests(slug)
        connection.set_tenant(school)
        for i in range(240):
            pupil = PupilFactory(school_class=None, sex="FM"[i % 2])
            if i % 6 == 0:
                RegisterEntryFactory(pupil=pupil, census_code="KE"[i % 12 == 0])
                PupilNeedFactory(pupil=pupil)
        for _ in range(3):
            started = time.perf_counter()
            connection.set_tenant(school)  # a request would switch to each school's schema in turn
            compute_school_figures(TODAY)
            timings.append(time.perf_counter() - started)
        connection.set_schema_to_public()
    return timings


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


@pytest.mark.django_db
def bench_reporting_trust_comparison_against_live_queries():
    rng = random.Random(2026)
    trust, la = organisation_for_tests("northway"), organisation_for_tests("testshire")
    lead = UserFactory()
    MembershipFactory(user=lead, organisation=trust, role="send_lead")
    client = Client(HTTP_HOST=trust.get_primary_domain().domain)
    client.force_login(lead)
    _time_request(client, runs=1, fresh=True)  # warm the process: URL resolver, schema, templates

    lines, made = [], 0
    medians = {}
    for size in SIZES:
        _generate(trust, la, made, size - made, rng)
        made = size
        _protected.cache_clear()
        _served.clear()
        first, _ = _time_request(client, runs=1, fresh=True)
        computed, schools = _time_request(client, fresh=True)
        cached, _ = _time_request(client)
        medians[size] = statistics.median(computed)
        lines.append(
            f"  {size:>5} schools ({schools} in the answer): median {_ms(medians[size])} worked out from the tables,"
            f" {_ms(statistics.median(cached))} repeated (answer cache);"
            f" first after a refresh {_ms(first[0])}"
        )

    live = _live_per_school()
    per_school = statistics.median(live)
    lines.append(
        f"  live cross-schema query: {_ms(per_school)} per school, median of {len(live)} runs over "
        f"{len(LIVE_SCHOOLS)} real schemas of 240 pupils"
    )
    for size in SIZES:
        lines.append(
            f"    extrapolated to {size:>5} schools: {_ms(per_school * size)}"
            f"  ({per_school * size / medians[size]:.0f}x the aggregate tables, worked out)"
        )
    print(
        "\nA trust lead compares her schools on one measure (GraphQL, through the whole request)\n" + "\n".join(lines)
    )
