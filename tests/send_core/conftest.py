"""Fixtures for SEND-record tests: run in school A's schema, make its staff, look into school B."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection


@pytest.fixture
def in_a(school_a, school_b, in_schema):
    """Run the whole test in school A's schema (school B is set up first: setting up an organisation leaves the schema).

    Afterwards, every such test also proves that none of the pupils it made exists in school B.
    """
    from send_core.models import Pupil

    with in_schema(school_a):
        yield school_a
        connection.set_tenant(school_a)
        upns = list(Pupil.objects.values_list("upn", flat=True))
    if upns:
        with in_schema(school_b):
            assert not Pupil.objects.filter(upn__in=upns).exists(), "school B can see school A's pupils"


@pytest.fixture
def staff(member, school_a):
    """`staff("teacher")`: a person with that role in school A (or `organisation=`), made without leaving the current schema."""

    def make(role="senco", *, organisation=None, **user_fields):
        tenant = connection.tenant
        user = member(organisation or school_a, role, **user_fields)
        connection.set_tenant(tenant)
        return user

    return make


@pytest.fixture
def in_b(school_b):
    """`with in_b(): ...` looks into school B's schema for a moment, then comes back."""

    @contextmanager
    def look():
        tenant = connection.tenant
        connection.set_tenant(school_b)
        try:
            yield school_b
        finally:
            connection.set_tenant(tenant)

    return look


@pytest.fixture
def one_plan_school(in_a):
    """School A using a toolkit whose plan is a "One Plan" of at most 4 outcomes."""
    from send_core.toolkit import NATIONAL_DEFAULT, Toolkit, register_toolkit, unregister_toolkit

    toolkit = Toolkit(
        key="one-plan-test",
        name="One Plan toolkit",
        stages=NATIONAL_DEFAULT.stages,
        plan_name="One Plan",
        plan_sections=NATIONAL_DEFAULT.plan_sections,
        max_outcomes=4,
    )
    register_toolkit(toolkit)
    in_a.toolkit = toolkit.key
    try:
        yield in_a
    finally:
        in_a.toolkit = ""
        unregister_toolkit(toolkit.key)


@pytest.fixture
def max_queries(django_assert_max_num_queries):
    """`with max_queries(n):` at most n statements, not counting django-tenants' `SET search_path`.

    Without TENANT_LIMIT_SET_CALLS, django-tenants sets the search path before every statement,
    so pytest-django's own bound is 2n and the statements themselves are held to n.
    """

    @contextmanager
    def bound(n):
        with django_assert_max_num_queries(2 * n) as context:
            yield context
        statements = [q["sql"] for q in context.captured_queries if not q["sql"].startswith("SET search_path")]
        assert len(statements) <= n, f"{len(statements)} statements:\n\n" + "\n\n".join(statements)

    return bound
