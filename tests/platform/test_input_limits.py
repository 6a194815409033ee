"""A NUL character or an over-long value anywhere in the input is a clear 400, never a 500."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from send_core.models import Pupil
from tests.send_core.factories import PupilFactory


@pytest.fixture
def senco_client(school_a, member, client_for, in_schema):
    with in_schema(school_a):
        PupilFactory(legal_first_name="Amelia", last_name="Thornbury")
    client = client_for(member(school_a, "senco"), school_a)
    client.raise_request_exception = False
    return client


def test_a_nul_in_an_api_search_is_a_400_with_a_reason(senco_client):
    # Before: PostgreSQL refused the NUL inside the search and the API answered 500.
    response = senco_client.get("/api/v1/pupils/?search=Amelia%00")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_pages_query_string_is_a_400_page_saying_why(senco_client):
    response = senco_client.get("/pupils/?q=Ame%00lia")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"NUL character" in response.content
    assert response["Cache-Control"] == "no-store"


def test_an_over_long_query_value_is_a_400(senco_client):
    assert senco_client.get("/pupils/", {"q": "a" * 10_000}).status_code == 200
    response = senco_client.get("/api/v1/pupils/", {"search": "a" * 10_001})
    assert response.status_code == 400
    assert "longer than 10,000 characters" in response.json()["detail"]


def test_a_nul_in_a_form_is_refused_and_nothing_is_saved(senco_client, school_a, in_schema):
    with in_schema(school_a):
        pupil = Pupil.objects.get(last_name="Thornbury")
    response = senco_client.post(
        f"/pupils/{pupil.pk}/details/",
        urlencode({"legal_first_name": "Ame\x00lia", "last_name": "X"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert b"NUL character" in response.content
    with in_schema(school_a):
        assert Pupil.objects.get(pk=pupil.pk).last_name == "Thornbury"


def test_a_nul_escaped_in_a_json_body_is_a_400(senco_client):
    body = json.dumps({"legal_first_name": "Ame\x00lia"})
    assert "\\u0000" in body
    response = senco_client.post("/api/v1/pupils/", body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_an_escaped_backslash_before_u0000_is_ordinary_text(senco_client):
    # `\\u0000` in JSON is a backslash followed by the letters u0000, not a NUL.
    body = json.dumps({"query": "{ scope { name } }", "note": "\\u0000"})
    response = senco_client.post("/graphql/", body, content_type="application/json")
    assert "NUL" not in response.content.decode()


def test_other_schools_pupils_stay_out_of_a_refused_search(senco_client, school_b, member, client_for):
    other = client_for(member(school_b, "senco"), school_b)
    other.raise_request_exception = False
    response = other.get("/api/v1/pupils/?search=Thornbury")
    assert response.status_code == 200
    assert "Thornbury" not in response.content.decode()
    refused = other.get("/api/v1/pupils/?search=Thornbury%00")
    assert refused.status_code == 400 and "Thornbury" not in refused.content.decode()


def test_a_plain_form_post_to_an_upload_page_is_not_broken_by_the_check(senco_client, school_a, in_schema):
    # Upload views install their size limit before the body is read; the check must not read it first.
    with in_schema(school_a):
        pupil = Pupil.objects.get(last_name="Thornbury")
    response = senco_client.post(
        f"/pupils/{pupil.pk}/documents/new/",
        urlencode({"title": "SALT report", "kind": "report"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)
    assert "NUL" not in response.content.decode()
