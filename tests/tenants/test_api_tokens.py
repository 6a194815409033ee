"""REST API tokens are kept only as a SHA-256 of the key; the key is shown once and works as before."""

from __future__ import annotations

import hashlib
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client

from tenants.models import ApiToken
from tenants.tokens import issue_api_token
from tests.send_core.factories import PupilFactory

pytestmark = pytest.mark.django_db
hashed_credentials = importlib.import_module("tenants.migrations.0005_hashed_credentials")


def api_client(organisation, key: str) -> Client:
    return Client(HTTP_HOST=organisation.get_primary_domain().domain, HTTP_AUTHORIZATION=f"Token {key}")


def test_only_the_hash_of_a_key_is_stored(member, school_a):
    issued = issue_api_token(user=member(school_a, "senco"), name="MIS sync")
    stored = ApiToken.objects.values().get(pk=issued.token.pk)
    assert stored["key_hash"] == hashlib.sha256(issued.key.encode()).hexdigest()
    assert not any(issued.key in str(value) for value in stored.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('authtoken_token')")
        assert cursor.fetchone()[0] is None  # no table of keys in clear


def test_a_key_reads_its_holders_pupils_and_no_other_schools(member, school_a, school_b, in_schema):
    with in_schema(school_a):
        PupilFactory(legal_first_name="Philippa", last_name="Ashgrove-Only")
    senco_a = member(school_a, "senco")
    key = issue_api_token(user=senco_a).key
    response = api_client(school_a, key).get("/api/v1/pupils/")
    assert response.status_code == 200 and "Ashgrove-Only" in response.content.decode()
    assert ApiToken.objects.get(user=senco_a).last_used_at is not None
    # The same key at another school's address: not a member there, nothing of either school.
    elsewhere = api_client(school_b, key).get("/api/v1/pupils/")
    assert elsewhere.status_code == 403 and "Ashgrove-Only" not in elsewhere.content.decode()
    # Another school's SENCO's key at this address sees nothing either.
    other_key = issue_api_token(user=member(school_b, "senco")).key
    refused = api_client(school_a, other_key).get("/api/v1/pupils/")
    assert refused.status_code == 403 and "Ashgrove-Only" not in refused.content.decode()


def test_a_wrong_key_a_stored_hash_or_a_deactivated_person_is_refused(member, school_a):
    senco = member(school_a, "senco")
    issued = issue_api_token(user=senco)

    def refused(key: str) -> bool:
        # DRF answers 403 when its first authenticator (the session) sends no challenge header.
        response = api_client(school_a, key).get("/api/v1/pupils/")
        return response.status_code in (401, 403) and response.json()["detail"] == "Invalid token."

    assert refused(issued.key + "x")
    # Someone who copied the table holds only hashes; a hash is not a key.
    assert refused(issued.token.key_hash)
    senco.is_active = False
    senco.save()
    assert refused(issued.key)


def test_tokens_kept_in_clear_before_are_hashed_and_the_clear_table_dropped(member, school_a):
    senco = member(school_a, "senco")
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # the form rest_framework.authtoken made
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, created timestamptz)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, now())", [old_key, senco.pk])
    with connection.schema_editor() as editor:
        hashed_credentials.hash_the_old_plaintext_tokens(apps, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('authtoken_token')")
        assert cursor.fetchone()[0] is None
    token = ApiToken.objects.get(user=senco)
    assert token.key_hash == hashlib.sha256(old_key.encode()).hexdigest()
    assert api_client(school_a, old_key).get("/api/v1/pupils/").status_code == 200


def test_the_command_prints_the_key_once(member, school_a):
    senco = member(school_a, "senco")
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", senco.email, "--name", "MIS sync", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert ApiToken.objects.get(user=senco, name="MIS sync").key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert "cannot show it again" in err.getvalue()
