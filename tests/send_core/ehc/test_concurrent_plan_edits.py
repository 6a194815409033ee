"""Two caseworkers writing one EHC plan: a save from a page drawn before the other's save is refused."""

from __future__ import annotations

import pytest

from send_core.ehc.casework import plans as plan_acts
from send_core.ehc.casework import services as case_acts
from send_core.ehc.models import EhcPlan, EhcRequest
from send_core.ehc.requests import services as request_acts
from tests.send_core.drawn_forms import drawn_form, drawn_form_from

from .conftest import make_ready_pupil
from .test_journey import SECTIONS, submitted_request

pytestmark = pytest.mark.django_db


def case_being_assessed(in_schema, school_a, la, people):
    _, request = submitted_request(in_schema, school_a, people)
    with in_schema(la):
        case = case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
        case_acts.decide_whether_to_assess(case, decided_by=people.caseworker, agree=True, reasons="Agreed.")
    return case


@pytest.mark.parametrize("written_before", [False, True], ids=["first-plan", "plan-already-saved"])
def test_a_stale_ehc_plan_save_is_refused_with_both_versions_shown(
    written_before, in_schema, school_a, la, people, member, client_for
):
    case = case_being_assessed(in_schema, school_a, la, people)
    if written_before:
        with in_schema(la):
            plan_acts.save_plan_draft(case, written_by=people.caseworker, sections=SECTIONS)
    colleague = member(la, "caseworker", full_name="Robin Colleague")
    url = f"/casework/cases/{case.pk}/plan/"
    first, second = client_for(people.caseworker, la), client_for(colleague, la)
    first_form, second_form = drawn_form(first, url), drawn_form(second, url)

    response = first.post(url, {**first_form, "section_f": "Weekly speech and language therapy, 30 minutes."})
    assert response.status_code == 302

    response = second.post(url, {**second_form, "section_e": "Amara will join in group reading by July 2027."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this EHC plan" in page
    assert people.caseworker.email in page
    assert "Amara will join in group reading by July 2027." in page  # what the colleague typed, kept
    assert "Weekly speech and language therapy, 30 minutes." in page  # the first caseworker's section F
    with in_schema(la):
        plan = EhcPlan.objects.get(case=case)
        assert plan.section_f == "Weekly speech and language therapy, 30 minutes."
        assert plan.section_e != "Amara will join in group reading by July 2027."

    # Having seen section F, the colleague saves again and keeps both changes.
    response = second.post(url, {**drawn_form_from(page), "section_f": plan.section_f})
    assert response.status_code == 302
    with in_schema(la):
        plan = EhcPlan.objects.get(case=case)
        assert plan.section_e == "Amara will join in group reading by July 2027."
        assert plan.section_f == "Weekly speech and language therapy, 30 minutes."


def test_the_school_cannot_reach_the_las_plan_editor(in_schema, school_a, la, people, client_for):
    case = case_being_assessed(in_schema, school_a, la, people)
    response = client_for(people.senco, school_a).get(f"/casework/cases/{case.pk}/plan/")
    assert response.status_code in (403, 404)
    response = client_for(people.senco, la).get(f"/casework/cases/{case.pk}/plan/")
    assert response.status_code in (302, 403, 404)
    assert "Amara" not in response.content.decode()


def test_a_stale_save_of_the_schools_request_is_refused(in_schema, school_a, school_b, people, client_for):
    with in_schema(school_a):
        pupil = make_ready_pupil()
        request = request_acts.start_ehc_request(pupil, started_by=people.senco)
    url = f"/ehc-requests/{request.pk}/"
    senco, head = client_for(people.senco, school_a), client_for(people.head, school_a)
    senco_form, head_form = drawn_form(senco, url), drawn_form(head, url)
    assert senco.post(url, {**senco_form, "reason": "Two years of SEN Support; reading age static."}).status_code == 302
    response = head.post(url, {**head_form, "parent_views": "They want a specialist assessment."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this request" in page
    assert "They want a specialist assessment." in page and "reading age static." in page
    with in_schema(school_a):
        saved = EhcRequest.objects.get(pk=request.pk)
        assert saved.reason == "Two years of SEN Support; reading age static."
        assert saved.parent_views != "They want a specialist assessment."
    assert client_for(people.senco_b, school_b).get(url).status_code == 404
