"""The LA's casework lists name children with where their assessment stands: each response is one row
in the LA's own trail listing the cases shown, and nothing reaches any other organisation's trail."""

from __future__ import annotations

import datetime

import pytest
from send_platform.audit.models import AuditEvent

from send_core.services.base import today

from .test_casework import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(in_schema, la):
    with in_schema(la):
        received = today() - datetime.timedelta(weeks=8)  # the week-6 decision is overdue
        first = make_case(received, 1)
        second = make_case(received, 2, first_name="Leah", last_name="Bennett", school_pupil_id=2)
        AuditEvent.objects.all().delete()
    return first, second


@pytest.mark.parametrize(
    ("address", "what"),
    [("/casework/", "casework inbox"), ("/casework/cases/", "all cases"), ("/casework/deadlines/", "deadlines")],
)
def test_each_casework_list_is_one_row_naming_the_cases_it_shows(
    address, what, two_cases, in_schema, la, school_a, people, client_for
):
    page = client_for(people.caseworker, la).get(address)
    assert page.status_code == 200
    assert "Bennett" in page.content.decode()
    with in_schema(la):
        [row] = AuditEvent.objects.all()
        assert row.actor_id == people.caseworker.pk
        assert row.object_type == "ehc_cases"
        assert row.pupil_ids == sorted(case.pk for case in two_cases)
    with in_schema(school_a):
        assert not AuditEvent.objects.filter(pupil_ids__overlap=[case.pk for case in two_cases]).exists()
