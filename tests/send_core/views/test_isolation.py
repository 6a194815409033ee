"""Another school's pupils are out of reach: their ids mean nothing here, and their school's door stays shut."""

from __future__ import annotations

from send_core.models import Pupil
from tests.send_core.factories import PupilFactory


def test_a_senco_of_school_b_cannot_reach_school_a_pupils(school, school_b, member, client_for, in_schema):
    senco_b = member(school_b, "senco")
    pupil_id = school.pupil.pk
    with in_schema(school_b):
        # Ids are per school: this one is only free in school B while B has no pupil of its own numbered so.
        assert not Pupil.objects.filter(pk=pupil_id).exists()
    # On her own school's host the id does not exist.
    for page in ("/pupils/{pupil}/", "/pupils/{pupil}/needs/", "/pupils/{pupil}/chronology/", "/plans/{plan}/"):
        response = client_for(senco_b, school_b).get(school.url(page))
        assert response.status_code == 404, page
        assert "Amara" not in response.content.decode()
    # On school A's host she is not a member at all.
    response = client_for(senco_b, school.organisation).get(school.url("/pupils/{pupil}/"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You are not a member of Ashgrove Primary School" in body and "Amara" not in body


def test_school_b_lists_only_its_own_pupils(school, school_b, member, client_for, in_schema):
    senco_b = member(school_b, "senco")
    with in_schema(school_b):
        PupilFactory(school_class=None, legal_first_name="Birchwood", last_name="Child")
    body = client_for(senco_b, school_b).get("/pupils/").content.decode()
    assert "Child, Birchwood" in body and "Okafor" not in body
    register = client_for(senco_b, school_b).get("/register/").content.decode()
    assert "Okafor" not in register
