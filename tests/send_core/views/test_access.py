"""Who may open which page: every page, every school role (200, 403 with a reason, or 404)."""

from __future__ import annotations

import pytest

from tests.send_core.views.conftest import ROLES

ALL = frozenset(ROLES)
SEND_READERS = frozenset({"senco", "headteacher", "teacher", "teaching_assistant"})
EDITORS = frozenset({"senco", "headteacher"})
CORE_EDITORS = frozenset({"senco", "headteacher", "school_admin"})
SEES_PUPILS = ALL - {"governor", "business_manager"}

# (page, who gets 200); everyone else gets 403.
PAGES: list[tuple[str, frozenset[str]]] = [
    # Whole-school pages
    ("/send/", ALL),
    ("/", ALL),
    ("/pupils/", SEES_PUPILS),
    ("/register/", ALL - {"school_admin"}),
    ("/concerns/", SEND_READERS | {"other_teacher"}),
    ("/pupils/new/", CORE_EDITORS),
    ("/pupils/import/", CORE_EDITORS),
    # A pupil's record, section by section
    ("/pupils/{pupil}/", SEND_READERS | {"school_admin"}),
    ("/pupils/{pupil}/needs/", SEND_READERS),
    ("/pupils/{pupil}/concerns/", SEND_READERS),
    ("/pupils/{pupil}/register/", SEND_READERS),
    ("/pupils/{pupil}/plan/", SEND_READERS),
    ("/pupils/{pupil}/profile/", SEND_READERS),
    ("/pupils/{pupil}/reviews/", SEND_READERS),
    ("/pupils/{pupil}/provision/", SEND_READERS),
    ("/pupils/{pupil}/assessments/", SEND_READERS),
    ("/pupils/{pupil}/agencies/", SEND_READERS),
    ("/pupils/{pupil}/documents/", SEND_READERS),
    ("/pupils/{pupil}/meetings/", SEND_READERS),
    ("/pupils/{pupil}/medical/", SEND_READERS),
    ("/pupils/{pupil}/chronology/", SEND_READERS),
    ("/pupils/{pupil}/viewed/", EDITORS),
    # Records reached by their own address
    ("/plans/{plan}/", SEND_READERS),
    ("/reviews/{review}/", SEND_READERS),
    ("/concerns/{concern}/", SEND_READERS),
    ("/agency-involvements/{involvement}/", SEND_READERS),
    ("/parent-meetings/{meeting}/", SEND_READERS),
    # Adding to the record: the SENCO, head and the pupil's own teachers
    ("/pupils/{pupil}/concerns/new/", SEND_READERS),
    ("/concerns/{concern}/discussion/", SEND_READERS),
    ("/plans/{plan}/reviews/new/", SEND_READERS),
    ("/pupils/{pupil}/assessments/new/", SEND_READERS),
    ("/pupils/{pupil}/meetings/new/", SEND_READERS),
    ("/pupils/{pupil}/documents/new/", SEND_READERS),
    # Changing the register, needs, plans, consent and medical record: the SENCO and head
    ("/pupils/{pupil}/needs/new/", EDITORS),
    ("/pupils/{pupil}/diagnoses/new/", EDITORS),
    ("/needs/{need}/end/", EDITORS),
    ("/pupils/{pupil}/register/change/", EDITORS),
    ("/pupils/{pupil}/register/leave/", EDITORS),
    ("/concerns/{concern}/close/", EDITORS),
    ("/concerns/{concern}/sen-support/", EDITORS),
    ("/plans/{plan}/edit/", EDITORS),
    ("/plans/{plan}/activate/", EDITORS),
    ("/plans/{plan}/close/", EDITORS),
    ("/plans/{plan}/outcomes/new/", EDITORS),
    ("/outcomes/{outcome}/edit/", EDITORS),
    ("/plans/{plan}/provision/new/", EDITORS),
    ("/pupils/{pupil}/agencies/refer/", EDITORS),
    ("/pupils/{pupil}/consent/new/", EDITORS),
    ("/consents/{consent}/withdraw/", EDITORS),
    ("/pupils/{pupil}/medical/new/", EDITORS),
    ("/medical-conditions/{medical}/end/", EDITORS),
    # Pupils' core details: the SENCO, head and office
    ("/pupils/{pupil}/details/", CORE_EDITORS),
    ("/pupils/{pupil}/parents/new/", CORE_EDITORS),
]


@pytest.mark.parametrize("page, allowed", PAGES, ids=[page for page, _ in PAGES])
def test_each_role_gets_the_page_or_a_403_with_a_reason(school, page, allowed):
    for role in ROLES:
        response = school.client(role).get(school.url(page))
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, f"{role} on {page}: {response.status_code}"
        if expected == 403:
            body = response.content.decode()
            assert "You do not have access to this page" in body
            assert 'data-testid="reason"' in body
            assert "Amara" not in body, f"{role} was refused {page} but saw the pupil's name"


REDIRECTS = [
    ("/needs/{need}/", "/pupils/{pupil}/needs/#need-{need}"),
    ("/diagnoses/{diagnosis}/", "/pupils/{pupil}/needs/#diagnosis-{diagnosis}"),
    ("/assessments/{assessment}/", "/pupils/{pupil}/assessments/#assessment-{assessment}"),
    ("/consents/{consent}/", "/pupils/{pupil}/agencies/#consent-{consent}"),
    ("/documents/{document}/", "/pupils/{pupil}/documents/#document-{document}"),
    ("/register/entries/{entry}/", "/pupils/{pupil}/register/#entry-{entry}"),
]


@pytest.mark.parametrize("page, target", REDIRECTS, ids=[page for page, _ in REDIRECTS])
def test_chronology_links_lead_to_the_section_for_those_who_may_see_it(school, page, target):
    response = school.client("teacher").get(school.url(page))
    assert response.status_code == 302 and response["Location"] == school.url(target)
    assert school.client("other_teacher").get(school.url(page)).status_code == 403


def test_governors_and_business_managers_are_told_they_see_figures_only(school):
    for role in ("governor", "business_manager"):
        response = school.client(role).get(school.url("/pupils/{pupil}/"))
        assert response.status_code == 403
        assert "figures only" in response.content.decode()


def test_a_teacher_of_another_class_is_told_why(school):
    response = school.client("other_teacher").get(school.url("/pupils/{pupil}/"))
    assert response.status_code == 403
    assert "You can only see pupils in the classes you work with." in response.content.decode()


def test_the_office_sees_details_but_not_the_send_record(school):
    body = school.client("school_admin").get(school.url("/pupils/{pupil}/")).content.decode()
    assert "Grace Okafor" in body  # parents
    assert "SEND at a glance" not in body and "Specific learning difficulty" not in body
    response = school.client("school_admin").get(school.url("/pupils/{pupil}/needs/"))
    assert response.status_code == 403
    assert "contact details only" in response.content.decode()


def test_pages_for_records_that_do_not_exist_are_404(school):
    client = school.client("senco")
    for page in ("/pupils/999999/", "/pupils/999999/needs/", "/plans/999999/", "/reviews/999999/", "/concerns/999999/"):
        assert client.get(page).status_code == 404, page


def test_actions_refuse_the_wrong_method(school):
    client = school.client("senco")
    assert client.get(school.url("/needs/{need}/make-primary/")).status_code == 405
    assert client.get(school.url("/reviews/{review}/close/")).status_code == 405
    assert client.post(school.url("/pupils/{pupil}/")).status_code == 405
