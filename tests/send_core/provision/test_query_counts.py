"""The provision map and the group pages cost the same number of queries with 50 pupils or 600."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from send_core.models import Pupil
from send_core.provision.models import GroupMember, IndividualProvision, ProvisionGroup
from tests.send_core.provision.factories import GroupStaffFactory, ProvisionGroupFactory, set_rates
from tests.send_core.views.test_query_counts import grow_school_to

MAX_QUERIES = 30
TODAY = datetime.date.today()


def _everyone_has_provision(school) -> None:
    """Every pupil without provision joins one of eight groups; every fifth also has one-to-one support."""
    connection.set_tenant(school.organisation)
    try:
        groups = list(ProvisionGroup.objects.order_by("pk"))
        if not groups:
            set_rates(teaching_assistant="15.00")
            for index in range(8):
                group = ProvisionGroupFactory(
                    name=f"Group {index}",
                    starts_on=TODAY - datetime.timedelta(days=30),
                    ends_on=TODAY + datetime.timedelta(days=30),
                )
                GroupStaffFactory(group=group, user=school.people["teaching_assistant"])
                groups.append(group)
        waiting = list(Pupil.objects.exclude(provision_groups__isnull=False).order_by("pk"))
        GroupMember.objects.bulk_create(
            GroupMember(group=groups[i % len(groups)], pupil=p, joined_on=groups[0].starts_on)
            for i, p in enumerate(waiting)
        )
        IndividualProvision.objects.bulk_create(
            IndividualProvision(
                pupil=p,
                kind="one_to_one",
                description="Support",
                staff_role="teaching_assistant",
                hours_per_week=Decimal("2"),
                starts_on=TODAY - datetime.timedelta(days=10),
                ends_on=TODAY + datetime.timedelta(days=10),
            )
            for p in waiting[::5]
        )
    finally:
        connection.set_schema_to_public()


@pytest.mark.parametrize(
    "page, role",
    [
        ("/provision/map/", "senco"),
        ("/provision/map/", "business_manager"),
        ("/provision/map.csv", "senco"),
        ("/provision/map/print/", "senco"),
        ("/provision/groups/", "senco"),
        ("/provision/groups/", "teaching_assistant"),
        ("/provision/impact/", "senco"),
        ("/api/v1/provision/map/", "senco"),
        ("/api/v1/provision/groups/", "senco"),
    ],
)
def test_a_provision_page_costs_the_same_with_50_or_600_pupils(school, page, role, max_queries):
    counts = []
    for total in (50, 600):
        grow_school_to(school, total)
        _everyone_has_provision(school)
        client = school.client(role)
        with max_queries(MAX_QUERIES) as queries:
            response = client.get(page)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], f"{page} as {role}: {counts[0]} queries with 50 pupils, {counts[1]} with 600"


def test_the_map_lists_all_600(school):
    grow_school_to(school, 600)
    _everyone_has_provision(school)
    body = school.client("senco").get("/provision/map/").content.decode()
    assert body.count('data-testid="map-row-') >= 600
