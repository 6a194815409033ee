"""The demo seeder gives the demo primary a Year 6 pupil bound for the demo secondary, once."""

from __future__ import annotations

from send_core.models import ConsentScope, Pupil
from send_core.selectors import has_consent
from send_core.transition.demo import seed_demo_transition
from send_core.transition.models import TransitionGrant
from tests.send_core.transition.conftest import make_year6_pupil


def test_the_demo_pupil_gets_consent_a_destination_and_a_live_grant_once(school_a, secondary, member, in_schema):
    senco = member(school_a, "senco", email="senco.millbrook@demo.cairn.test")
    with in_schema(school_a):
        pupil = make_year6_pupil(consent=False)
    organisations = {"millbrook": school_a, "harbourside": secondary}
    seed_demo_transition(organisations)
    seed_demo_transition(organisations)
    grant = TransitionGrant.objects.get(primary=school_a)
    assert grant.destination == secondary and grant.primary_pupil_id == pupil.pk and grant.status == "live"
    assert grant.granted_by == senco
    with in_schema(school_a):
        assert Pupil.objects.get(pk=pupil.pk).destination_urn == secondary.urn
        assert has_consent(pupil, ConsentScope.SHARE_WITH_NEXT_SCHOOL)


def test_without_the_demo_schools_or_pupils_it_does_nothing(school_a, secondary, member):
    seed_demo_transition({"millbrook": school_a})
    member(school_a, "senco", email="senco.millbrook@demo.cairn.test")
    seed_demo_transition({"millbrook": school_a, "harbourside": secondary})
    assert not TransitionGrant.objects.exists()
