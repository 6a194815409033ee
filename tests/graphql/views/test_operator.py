"""The operators' reporting page on the base domain."""

from __future__ import annotations

import pytest
from send_graphql.models import RefreshRun, RefreshStatus

pytestmark = pytest.mark.django_db


def test_operators_see_refresh_runs_and_failures(
    platform_org, school_a, school_b, member, public_client, django_assert_max_num_queries
):
    RefreshRun.objects.create(
        organisation=school_a, trigger="nightly", status=RefreshStatus.FAILED, error="RuntimeError: disk full"
    )
    for _ in range(30):
        RefreshRun.objects.create(organisation=school_b, trigger="change", status=RefreshStatus.SUCCEEDED)
    operator = member(platform_org, "operator")
    public_client.force_login(operator)
    with django_assert_max_num_queries(12):
        response = public_client.get("/operator/reporting/")
    html = response.content.decode()
    assert response.status_code == 200 and "RuntimeError: disk full" in html and "Ashgrove Primary School" in html


def test_other_people_cannot_see_the_operators_refresh_page(school_a, member, public_client):
    public_client.force_login(member(school_a, "senco"))
    assert public_client.get("/operator/reporting/").status_code == 403
