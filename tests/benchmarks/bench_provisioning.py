"""Provisioning benchmark: cloning the template schema against running every migration.

Run with `./cairn bench` (or `./cairn bench -k provisioning`). Prints the medians and the ratio;
it asserts nothing about speed, so a slow machine never turns the suite red.
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.conf import settings

from tenants.cloning import refill_spare_schemas
from tenants.roles import OrganisationKind
from tenants.services import provision_organisation
from tests.organisations import organisation_for_tests

N = int(os.environ.get("CAIRN_BENCH_SCHOOLS", "10"))


def _provision(n: int, *, way: str, la) -> list[float]:
    digit = {"spare": "4", "clone": "5", "migrate": "6"}[way]
    timings = []
    for i in range(n):
        started = time.perf_counter()
        provision_organisation(
            kind=OrganisationKind.SCHOOL,
            name=f"Bench School {i}",
            slug=f"bench-{way}-{i}",
            urn=f"99{digit}{i:03d}",
            la_code="991",
            establishment_number=f"{digit}{i:03d}",
            phase="primary",
            local_authority=la,
            clone=way != "migrate",
            use_spare=way == "spare",
        )
        timings.append(time.perf_counter() - started)
    return timings


def _line(label: str, timings: list[float]) -> str:
    return (
        f"  {label:<32}: median {statistics.median(timings) * 1000:7.1f} ms"
        f"  (min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})"
    )


@pytest.mark.django_db
def bench_provisioning_clone_against_migrate():
    la = organisation_for_tests("testshire")
    made = refill_spare_schemas(settings.CAIRN_TEMPLATE_SCHEMA, N)  # ahead of time, not timed
    spare = _provision(N, way="spare", la=la)
    cloned = _provision(N, way="clone", la=la)
    migrated = _provision(N, way="migrate", la=la)
    migrate_median = statistics.median(migrated)
    print(
        f"\nProvisioning {N} schools each way ({made} spare clones made beforehand)\n"
        + _line("clone ready-made (spare rename)", spare)
        + "\n"
        + _line("clone the template now", cloned)
        + "\n"
        + _line("run every migration", migrated)
        + "\n"
        f"  ratios: a spare is {migrate_median / statistics.median(spare):.1f}x faster than migrating, "
        f"a clone made now {migrate_median / statistics.median(cloned):.1f}x"
    )
