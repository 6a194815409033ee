"""Shared test set-up: organisations provisioned once per test database, one transaction per test."""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.factories import MembershipFactory, UserFactory
from tests.organisations import build_test_organisations, organisation_for_tests


def pytest_configure(config):
    # Argon2 is deliberately slow; tests that check hashing switch it back on themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    # One test database per run (xdist adds its worker suffix), so runs side by side never collide.
    run_id = os.environ.setdefault("CAIRN_TEST_RUN", str(os.getpid()))
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_cairn_{run_id}"
    # Same for a shared cache (Redis in CI): each run and each worker keys its own entries, since the
    # schemas in every worker's database have the same names.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    settings.CACHES["default"]["KEY_PREFIX"] = f"test-{run_id}-{worker}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_test_organisations()


@pytest.fixture(autouse=True)
def _public_schema_around_each_test():
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def platform_org(db):
    from tenants.bootstrap import ensure_platform

    return ensure_platform(template=False)


@pytest.fixture
def la(db):
    return organisation_for_tests("testshire")


@pytest.fixture
def trust(db):
    return organisation_for_tests("northway")


@pytest.fixture
def school_a(db):
    return organisation_for_tests("ashgrove")


@pytest.fixture
def school_b(db):
    return organisation_for_tests("birchwood")


@pytest.fixture
def secondary(db):
    return organisation_for_tests("cedar-high")


@contextmanager
def _in_schema(organisation):
    connection.set_tenant(organisation)
    try:
        yield organisation
    finally:
        connection.set_schema_to_public()


@pytest.fixture
def in_schema():
    """`with in_schema(school_a): ...` runs the block in that organisation's schema."""
    return _in_schema


@pytest.fixture
def member(db):
    """`member(org, role)` makes a person with that role in that organisation."""

    def make(organisation, role="senco", **user_fields):
        connection.set_schema_to_public()
        user = UserFactory(**user_fields)
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def client_for(db):
    """`client_for(user, org)`: a client signed in as `user`, on `org`'s own host."""

    def make(user, organisation):
        connection.set_schema_to_public()
        client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def public_client(db):
    return Client(HTTP_HOST=settings.BASE_DOMAIN)
