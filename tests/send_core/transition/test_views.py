"""The transition pages: the primary's board and grants, the secondary's incoming pupils."""

from __future__ import annotations

import datetime

from django.utils import timezone
from send_platform.audit.models import AuditEvent

from send_core.models import Consent, ConsentScope, Pupil
from send_core.transition import services
from send_core.transition.models import TransitionGrant
from tests.send_core.transition.conftest import make_year6_pupil


def _grant(transition, in_schema):
    with in_schema(transition.primary):
        return services.grant_access(transition.pupil, granted_by=transition.senco_a)


def test_the_board_lists_year_6_with_status_and_only_for_the_senco(transition, client_for, in_schema, max_queries):
    _grant(transition, in_schema)
    with in_schema(transition.primary):
        for _ in range(8):
            make_year6_pupil(destination=transition.secondary)
    client = client_for(transition.senco_a, transition.primary)
    client.get("/transition/")  # warm the session and caches
    with max_queries(14):
        page = client.get("/transition/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Tomas Nowak" in body and "Cedar High School" in body and "Live" in body
    assert body.count('href="/transition/pupils/') == 9
    assert client_for(transition.teacher_a, transition.primary).get("/transition/").status_code == 403
    # Another school's board shows none of Ashgrove's pupils.
    other = client_for(transition.senco_b, transition.other).get("/transition/")
    assert other.status_code == 200 and "Tomas Nowak" not in other.content.decode()


def test_the_senco_grants_access_from_the_pupils_page(transition, client_for, in_schema):
    client = client_for(transition.senco_a, transition.primary)
    page = client.get(f"/transition/pupils/{transition.pupil.pk}/")
    assert page.status_code == 200 and "Give Cedar High School access" in page.content.decode()
    form = client.get(f"/transition/pupils/{transition.pupil.pk}/grant/")
    starts, ends = services.default_window("6")
    assert starts.isoformat() in form.content.decode() and ends.isoformat() in form.content.decode()
    done = client.post(
        f"/transition/pupils/{transition.pupil.pk}/grant/",
        {"starts_on": starts.isoformat(), "ends_on": ends.isoformat()},
    )
    assert done.status_code == 302
    grant = TransitionGrant.objects.get(primary_pupil_id=transition.pupil.pk)
    assert (grant.destination, grant.starts_on, grant.ends_on) == (transition.secondary, starts, ends)
    after = client.get(f"/transition/pupils/{transition.pupil.pk}/").content.decode()
    assert "Give Cedar High School access" not in after and "Revoke" in after

    later = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    moved = client.post(f"/transition/grants/{grant.pk}/dates/", {"starts_on": starts.isoformat(), "ends_on": later})
    assert moved.status_code == 302
    assert client.get(f"/transition/grants/{grant.pk}/revoke/").status_code == 200
    assert client.post(f"/transition/grants/{grant.pk}/revoke/").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.ends_on.isoformat() == later
    # Another school cannot touch Ashgrove's grant.
    assert (
        client_for(transition.senco_b, transition.other).post(f"/transition/grants/{grant.pk}/revoke/").status_code
        == 404
    )


def test_without_consent_the_grant_is_refused_with_a_clear_message(transition, client_for, in_schema):
    with in_schema(transition.primary):
        Consent.objects.filter(pupil=transition.pupil, scope=ConsentScope.SHARE_WITH_NEXT_SCHOOL).delete()
    client = client_for(transition.senco_a, transition.primary)
    page = client.get(f"/transition/pupils/{transition.pupil.pk}/")
    assert "Parents have not given consent to share information with the next school" in page.content.decode()
    starts, ends = services.default_window("6")
    refused = client.post(
        f"/transition/pupils/{transition.pupil.pk}/grant/",
        {"starts_on": starts.isoformat(), "ends_on": ends.isoformat()},
    )
    assert refused.status_code == 400
    assert "Parents have not given consent to share information with the next school" in refused.content.decode()
    assert not TransitionGrant.objects.filter(primary_pupil_id=transition.pupil.pk).exists()


def test_destinations_for_one_pupil_and_for_year_6(transition, client_for, in_schema):
    client = client_for(transition.senco_a, transition.primary)
    refused = client.post(f"/transition/pupils/{transition.pupil.pk}/destination/", {"urn": "123456", "name": ""})
    assert refused.status_code == 400 and "not on Cairn, so enter its name" in refused.content.decode()
    saved = client.post(
        f"/transition/pupils/{transition.pupil.pk}/destination/", {"urn": "123456", "name": "Riverside Academy"}
    )
    assert saved.status_code == 302
    cohort = client.post("/transition/destination/", {"urn": transition.secondary.urn, "name": ""})
    assert cohort.status_code == 302
    with in_schema(transition.primary):
        assert Pupil.objects.get(pk=transition.pupil.pk).destination == "Cedar High School"


def test_the_secondary_senco_sees_incoming_pupils_and_reads_one(transition, client_for, in_schema):
    grant = _grant(transition, in_schema)
    client = client_for(transition.senco_high, transition.secondary)
    listing = client.get("/transition/incoming/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "Ashgrove Primary School" in body and "Tomas Nowak" in body
    page = client.get(f"/transition/incoming/{grant.pk}/")
    assert page.status_code == 200
    assert "Coloured overlays" in page.content.decode() and "read only" in page.content.decode()
    # A teacher at the secondary, and another school's SENCO, see nothing.
    assert (
        client_for(transition.teacher_high, transition.secondary).get(f"/transition/incoming/{grant.pk}/").status_code
        == 403
    )
    other = client_for(transition.senco_b, transition.other)
    assert "Tomas Nowak" not in other.get("/transition/incoming/").content.decode()
    assert other.get(f"/transition/incoming/{grant.pk}/").status_code == 403


def test_after_revocation_the_secondary_gets_403_and_the_attempt_is_audited(transition, client_for, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        services.revoke_grant(grant, revoked_by=transition.senco_a)
    page = client_for(transition.senco_high, transition.secondary).get(f"/transition/incoming/{grant.pk}/")
    assert page.status_code == 403 and "revoked" in page.content.decode()
    with in_schema(transition.secondary):
        assert AuditEvent.objects.filter(action="denied", object_id=str(grant.pk)).exists()
    with in_schema(transition.primary):
        assert AuditEvent.objects.filter(action="denied", pupil_id=transition.pupil.pk).exists()


def test_the_navigation_names_the_page_for_each_phase(transition, client_for):
    assert (
        'href="/transition/">Transition<'
        in client_for(transition.senco_a, transition.primary).get("/transition/").content.decode()
    )
    incoming = client_for(transition.senco_high, transition.secondary).get("/transition/incoming/").content.decode()
    assert 'href="/transition/incoming/">Incoming pupils<' in incoming


def test_the_incoming_page_costs_a_fixed_number_of_queries_per_feeder_school(
    transition, client_for, in_schema, max_queries
):
    for school, senco in ((transition.primary, transition.senco_a), (transition.other, transition.senco_b)):
        with in_schema(school):
            for _ in range(4):
                pupil = make_year6_pupil(destination=transition.secondary)
                services.grant_access(pupil, granted_by=senco)
    client = client_for(transition.senco_high, transition.secondary)
    client.get("/transition/incoming/")
    with max_queries(20):
        page = client.get("/transition/incoming/")
    body = page.content.decode()
    assert "Ashgrove Primary School" in body and "Birchwood Primary Academy" in body
    assert body.count('href="/transition/incoming/') == 9  # eight pupils and the menu link


def test_a_teacher_refused_an_incoming_record_is_recorded_in_the_secondarys_trail(transition, client_for, in_schema):
    grant = _grant(transition, in_schema)
    teacher = client_for(transition.teacher_high, transition.secondary)
    page = teacher.get(f"/transition/incoming/{grant.pk}/")
    assert page.status_code == 403 and "Only the SENCO" in page.content.decode()
    assert teacher.get("/transition/incoming/").status_code == 403
    with in_schema(transition.secondary):
        refused = AuditEvent.objects.filter(action="denied", actor_id=transition.teacher_high.pk)
        assert refused.filter(object_id=str(grant.pk), summary__contains="not the SENCO").exists()
        assert refused.filter(summary__contains="list of incoming pupils").exists()
    # Nothing was read from the feeder school, so its trail has no event from the teacher.
    with in_schema(transition.primary):
        assert not AuditEvent.objects.filter(actor_id=transition.teacher_high.pk).exists()
    with in_schema(transition.other):
        assert not AuditEvent.objects.filter(actor_id=transition.teacher_high.pk).exists()
