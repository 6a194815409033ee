"""List pages and the pupil page cost a fixed number of queries, whether the school has 50 pupils or 600."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from send_core.models import Pupil
from tests.send_core.factories import bulk_on_register, bulk_pupils

# Every page here stays within this many statements, however many pupils the school has.
MAX_QUERIES = 30

PAGES = ["/pupils/", "/pupils/?stage=sen_support&need=SPLD&flags=eal", "/register/", "/send/", "/", "/pupils/{pupil}/"]


def grow_school_to(school, total: int) -> None:
    """Bulk-add pupils (half of them on the register) until the school has `total`."""
    connection.set_tenant(school.organisation)
    try:
        missing = total - Pupil.objects.count()
        if missing > 0:
            pupils = bulk_pupils(missing, school_class=school.own_class)
            bulk_on_register(pupils[: missing // 2], since=datetime.date(2024, 1, 8))
    finally:
        connection.set_schema_to_public()


@pytest.mark.parametrize("role", ["senco", "teacher"])
@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_the_same_with_50_or_600_pupils(school, page, role, django_assert_max_num_queries):
    url = school.url(page)
    counts = []
    for total in (50, 600):
        grow_school_to(school, total)
        client = school.client(role)
        with django_assert_max_num_queries(MAX_QUERIES) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], f"{page} as {role}: {counts[0]} queries with 50 pupils, {counts[1]} with 600"


def test_the_register_lists_all_600_and_the_list_pages_them(school):
    grow_school_to(school, 600)
    client = school.client("senco")
    register = client.get("/register/").content.decode()
    assert register.count('href="/pupils/') >= 300
    listed = client.get("/pupils/?page=3").content.decode()
    assert "600 pupils." in listed or "601 pupils." in listed
    assert listed.count('<tr class="govuk-table__row">') == 51  # a header row and 50 pupils
