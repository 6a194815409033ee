"""Finding a pupil by name in either order, part of a name, or UPN, from the list or the header box."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from tests.send_core.factories import PupilFactory

ROW = re.compile(r'href="/pupils/(\d+)/"')


def _found(client, search: str) -> set[int]:
    response = client.get("/pupils/", {"q": search})
    assert response.status_code == 200
    return {int(pk) for pk in ROW.findall(response.content.decode())}


@pytest.fixture
def pupils(school, school_b, in_schema):
    """Leah Bennett in the teacher's class, Ben Carter in another class, and a Leah Bennett at school B."""
    with in_schema(school.organisation):
        leah = PupilFactory(school_class=school.own_class, legal_first_name="Leah", last_name="Bennett")
        ben = PupilFactory(school_class=school.other_class, legal_first_name="Ben", last_name="Carter")
    with in_schema(school_b):
        elsewhere = PupilFactory(legal_first_name="Leah", last_name="Bennett")
    connection.set_schema_to_public()
    return leah, ben, elsewhere


@pytest.mark.parametrize("search", ["Leah Bennett", "Bennett, Leah", "bennett leah", "  LEAH   bennett "])
def test_a_full_name_in_either_order_finds_the_pupil(school, pupils, search):
    leah, ben, elsewhere = pupils
    # Before, the whole query was matched against one name field, so none of these found Leah.
    assert _found(school.client("senco"), search) == {leah.pk}


def test_part_of_a_name_finds_everyone_it_is_part_of(school, pupils):
    leah, ben, elsewhere = pupils
    assert _found(school.client("senco"), "Ben") == {leah.pk, ben.pk}


def test_all_words_must_match(school, pupils):
    assert _found(school.client("senco"), "Leah Carter") == set()


def test_a_upn_in_lower_case_with_spaces_finds_the_pupil(school, pupils):
    leah, ben, elsewhere = pupils
    spaced = " ".join([leah.upn[:4].lower(), leah.upn[4:].lower()])
    assert _found(school.client("senco"), leah.upn.lower()) == {leah.pk}
    assert _found(school.client("senco"), spaced) == {leah.pk}


def test_a_teacher_finds_only_the_pupils_they_may_see(school, pupils):
    leah, ben, elsewhere = pupils
    assert _found(school.client("teacher"), "Ben") == {leah.pk}
    assert _found(school.client("teacher"), ben.upn) == set()


def test_another_schools_pupil_is_never_found(school, school_b, member, client_for, pupils):
    leah, ben, elsewhere = pupils
    assert elsewhere.pk not in _found(school.client("senco"), "Leah Bennett") - {leah.pk}
    assert _found(school.client("senco"), elsewhere.upn) == set()
    # School B's SENCO finds their own Leah, never school A's.
    assert _found(client_for(member(school_b, "senco"), school_b), "Bennett, Leah") == {elsewhere.pk}


def test_the_header_search_is_on_a_record_page_for_staff_who_may_see_pupils(school):
    body = school.client("teacher").get(school.url("/pupils/{pupil}/")).content.decode()
    assert 'data-testid="header-pupil-search"' in body
    assert re.search(r'<form method="get" action="/pupils/"[^>]*data-testid="header-pupil-search"', body)
    assert 'name="q"' in body


def test_the_header_search_is_not_offered_to_a_governor(school):
    body = school.client("governor").get("/").content.decode()
    assert 'data-testid="header-pupil-search"' not in body
