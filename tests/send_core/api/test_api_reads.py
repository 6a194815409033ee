"""The pupil reads answer the same bytes as DRF's own serializer did, for a populated school, at a
fixed number of queries however many pupils the school has."""

import datetime

from django.db import connection
from django.test import Client
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from send_core.api.serializers import PupilSerializer
from send_core.models import Pupil
from tenants.tokens import issue_api_token
from tests.send_core.factories import SchoolClassFactory, bulk_on_register, bulk_pupils


def _drf_bytes(pupils) -> bytes:
    """What DRF's ModelSerializer makes of these pupils, field by field."""
    rows = [serializers.ModelSerializer.to_representation(PupilSerializer(), p) for p in pupils]
    return JSONRenderer().render(rows)


def _populated_school(school_a) -> list[int]:
    connection.set_tenant(school_a)
    oak, ash = SchoolClassFactory(name="Oak"), SchoolClassFactory(name="Ash")
    pupils = bulk_pupils(120, school_class=oak) + bulk_pupils(120, school_class=ash) + bulk_pupils(60)
    Pupil.objects.filter(pk__in=[p.pk for p in pupils[::3]]).update(
        preferred_name="Sam", admission_date=datetime.date(2022, 9, 1), eal=True, pupil_premium=True
    )
    Pupil.objects.filter(pk__in=[p.pk for p in pupils[::7]]).update(looked_after=True, medical_needs=True)
    bulk_on_register(pupils[::6], since=datetime.date(2025, 1, 6))
    connection.set_schema_to_public()
    return [p.pk for p in pupils]


def _client(user, organisation) -> Client:
    connection.set_schema_to_public()
    key = issue_api_token(user=user).key
    return Client(HTTP_HOST=organisation.get_primary_domain().domain, HTTP_AUTHORIZATION=f"Token {key}")


def test_the_pupil_list_and_details_answer_what_drfs_serializer_did(in_a, staff, school_a):
    ids = _populated_school(school_a)
    client = _client(staff("senco"), school_a)
    rows, page = [], client.get("/api/v1/pupils/").json()
    while True:
        rows += page["results"]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert len(rows) == len(ids) == page["count"]
    connection.set_tenant(school_a)
    ordered = list(Pupil.objects.select_related("school_class").filter(pk__in=[r["id"] for r in rows]))
    by_id = {p.pk: p for p in ordered}
    connection.set_schema_to_public()
    assert JSONRenderer().render(rows) == _drf_bytes([by_id[r["id"]] for r in rows])
    assert any(r["school_class"] is None for r in rows) and any(r["admission_date"] for r in rows)
    for pupil_id in ids[:5] + ids[-5:]:
        detail = client.get(f"/api/v1/pupils/{pupil_id}/")
        assert detail.content == _drf_bytes([by_id[pupil_id]])[1:-1]


def test_list_and_detail_reads_cost_a_fixed_number_of_queries(in_a, staff, school_a, django_assert_max_num_queries):
    ids = _populated_school(school_a)
    client = _client(staff("senco"), school_a)
    client.get("/api/v1/pupils/")  # the token's last use is written at most once a minute
    # Token, roles, count, page, the audit row (and its transaction): nothing per pupil.
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/pupils/").json()["results"]) == 50
    with django_assert_max_num_queries(10):
        assert client.get(f"/api/v1/pupils/{ids[0]}/").json()["id"] == ids[0]
