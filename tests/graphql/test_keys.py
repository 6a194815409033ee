"""Reporting keys expire (a year at most) and stop working when their maker no longer leads the organisation."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from send_graphql.models import ReportingToken
from send_graphql.services import create_reporting_token

from tenants.models import Membership

pytestmark = pytest.mark.django_db
LEAD = frozenset({"send_lead"})


def api(key: str, organisation) -> tuple[int, dict]:
    client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
    response = client.post(
        "/api/reporting/graphql/",
        json.dumps({"query": "{ scope { organisation } }"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    return response.status_code, response.json()


def test_a_key_lasts_a_year_unless_its_maker_chooses_less_and_never_more(trust, member):
    lead = member(trust, "send_lead")
    year = create_reporting_token(organisation=trust, name="Power BI", by=lead, roles=LEAD).token
    assert year.expires_at - year.created_at == datetime.timedelta(days=365)
    month = create_reporting_token(organisation=trust, name="Trial", by=lead, roles=LEAD, valid_days=30).token
    assert month.expires_at - month.created_at == datetime.timedelta(days=30)
    for too_long in (366, 0, 36500):
        with pytest.raises(ValidationError) as refused:
            create_reporting_token(organisation=trust, name="Forever", by=lead, roles=LEAD, valid_days=too_long)
        assert refused.value.message_dict["valid_days"] == ["A key can last from 1 to 365 days."]
    assert ReportingToken.objects.filter(organisation=trust).count() == 2


def test_the_keys_page_offers_lifetimes_up_to_a_year(trust, member, client_for):
    client = client_for(member(trust, "send_lead"), trust)
    page = client.get("/reporting/keys/").content.decode()
    assert 'value="365" checked' in page and "3 months" in page
    made = client.post("/reporting/keys/", {"name": "Quarterly pack", "valid_days": "90"})
    assert made.status_code == 200
    token = ReportingToken.objects.get(organisation=trust, name="Quarterly pack")
    assert token.expires_at - token.created_at == datetime.timedelta(days=90)
    refused = client.post("/reporting/keys/", {"name": "Forever", "valid_days": "99999"})
    assert refused.status_code == 400 and "A key can last from 1 to 365 days." in refused.content.decode()
    assert not ReportingToken.objects.filter(name="Forever").exists()


def test_an_expired_key_is_refused_with_the_day_it_expired(trust, member):
    lead = member(trust, "send_lead")
    made = create_reporting_token(organisation=trust, name="Power BI", by=lead, roles=LEAD, valid_days=30)
    assert api(made.key, trust)[0] == 200
    expired = timezone.now() - datetime.timedelta(minutes=1)
    ReportingToken.objects.filter(pk=made.token.pk).update(expires_at=expired)
    status, body = api(made.key, trust)
    assert status == 401
    assert body["errors"][0]["message"].startswith(
        f"That reporting key expired on {timezone.localtime(expired).day} {timezone.localtime(expired):%B %Y}"
    )
    assert "data" not in body


def test_removing_the_makers_leader_role_revokes_their_keys_there_only(trust, school_a, member):
    lead = member(trust, "send_lead")
    senco = member(school_a, "senco")
    trust_key = create_reporting_token(organisation=trust, name="Trust pack", by=lead, roles=LEAD)
    school_key = create_reporting_token(organisation=school_a, name="Governors", by=senco, roles=frozenset({"senco"}))
    Membership.objects.get(user=lead, organisation=trust).delete()
    assert ReportingToken.objects.get(pk=trust_key.token.pk).revoked_at is not None
    assert api(trust_key.key, trust)[0] == 401
    # A SENCO who becomes a teacher is no longer a leader; another school's keys are untouched meanwhile.
    assert ReportingToken.objects.get(pk=school_key.token.pk).revoked_at is None
    membership = Membership.objects.get(user=senco, organisation=school_a)
    membership.role = "teacher"
    membership.save()
    assert ReportingToken.objects.get(pk=school_key.token.pk).revoked_at is not None


def test_a_maker_who_still_leads_in_another_role_keeps_their_keys(school_a, member):
    senco = member(school_a, "senco")
    Membership.objects.create(user=senco, organisation=school_a, role="headteacher")
    made = create_reporting_token(organisation=school_a, name="Head's pack", by=senco, roles=frozenset({"senco"}))
    Membership.objects.get(user=senco, organisation=school_a, role="senco").delete()
    assert ReportingToken.objects.get(pk=made.token.pk).revoked_at is None
    assert api(made.key, school_a)[0] == 200


def test_a_key_is_checked_against_its_makers_membership_when_used(trust, member):
    lead = member(trust, "send_lead")
    made = create_reporting_token(organisation=trust, name="Power BI", by=lead, roles=LEAD)
    # A change that sends no signal (a bulk update) is still caught when the key is next used.
    Membership.objects.filter(user=lead, organisation=trust).update(is_active=False)
    status, body = api(made.key, trust)
    assert status == 401 and "no longer leads the organisation" in body["errors"][0]["message"]
    assert ReportingToken.objects.get(pk=made.token.pk).revoked_at is not None
    Membership.objects.filter(user=lead, organisation=trust).update(is_active=True)
    assert api(made.key, trust)[0] == 401  # revoked for good
