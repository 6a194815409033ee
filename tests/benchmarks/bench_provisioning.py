"""Provisioning benchmark: cloning the template schema against running every migration.

Run with `./cairn bench` (or `./cairn bench -k provisioning`). Prints the medians and the ratio;
it asserts nothing about speed, so a slow machine never turns the suite red.
"""

from __future__ import annotations

import os
import statistics
import time

import pytest

from tenants.roles import OrganisationKind
from tenants.services import provision_organisation
from tests.organisations import organisation_for_tests

N = int(os.environ.get("CAIRN_BENCH_SCHOOLS", "10"))


def _provision(n: int, *, clone: bool, la) -> list[float]:
    timings = []
    for i in range(n):
        started = time.perf_counter()
        provision_organisation(
            kind=OrganisationKind.SCHOOL,
            name=f"Bench School {i}",
            slug=f"bench-{'clone' if clone else 'migrate'}-{i}",
            urn=f"99{'5' if clone else '6'}{i:03d}",
            la_code="991",
            establishment_number=f"{'5' if clone else '6'}{i:03d}",
            phase="primary",
            local_authority=la,
            clone=clone,
        )
        timings.append(time.perf_counter() - started)
    return timings


@pytest.mark.django_db
def bench_provisioning_clone_against_migrate():
    la = organisation_for_tests("testshire")
    cloned = _provision(N, clone=True, la=la)
    migrated = _provision(N, clone=False, la=la)
    clone_median, migrate_median = statistics.median(cloned), statistics.median(migrated)
    print(
        f"\nProvisioning {N} schools each way\n"
        f"  clone template schema : median {clone_median * 1000:7.1f} ms  (min {min(cloned) * 1000:.1f}, max {max(cloned) * 1000:.1f})\n"
        f"  run every migration   : median {migrate_median * 1000:7.1f} ms  (min {min(migrated) * 1000:.1f}, max {max(migrated) * 1000:.1f})\n"
        f"  ratio                 : cloning is {migrate_median / clone_median:.1f}x faster"
    )
