"""Two people editing one record: the second save from a stale page is refused, and nothing is lost."""

from __future__ import annotations

import html
import re

from django.db import connection

from send_core.models import SupportPlan


def in_school(school, read):
    connection.set_tenant(school.organisation)
    try:
        return read()
    finally:
        connection.set_schema_to_public()


def drawn_form(client, url: str) -> dict[str, str]:
    """The values a person's edit page was drawn with: every input and text area, the hidden version too."""
    page = client.get(url)
    assert page.status_code == 200
    return drawn_form_from(page.content.decode())


def test_a_stale_plan_save_is_refused_with_both_versions_shown(school):
    url = f"/plans/{school.plan.pk}/edit/"
    senco, head = school.client("senco"), school.client("headteacher")
    senco_form, head_form = drawn_form(senco, url), drawn_form(head, url)
    assert senco_form["seen_version"] and senco_form["seen_version"] == head_form["seen_version"]

    # The SENCO saves first.
    response = senco.post(url, {**senco_form, "strategies": "Visual timetable on the desk."})
    assert response.status_code == 302

    # The headteacher's page was drawn before that: saving it would put the old strategies back.
    response = head.post(url, {**head_form, "strengths": "Kind to younger pupils."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this" in page
    assert school.people["senco"].email in page
    assert "Kind to younger pupils." in page  # what the headteacher typed is still in the form
    assert "Visual timetable on the desk." in page  # the SENCO's change, shown beside it
    plan = in_school(school, lambda: SupportPlan.objects.get(pk=school.plan.pk))
    assert plan.strategies == "Visual timetable on the desk."
    assert plan.strengths != "Kind to younger pupils."

    # Having seen the SENCO's change, the headteacher merges and saves again: now it goes through.
    again = drawn_form_from(page)
    response = head.post(url, {**again, "strategies": "Visual timetable on the desk."})
    assert response.status_code == 302
    plan = in_school(school, lambda: SupportPlan.objects.get(pk=school.plan.pk))
    assert plan.strengths == "Kind to younger pupils."
    assert plan.strategies == "Visual timetable on the desk."


def test_another_school_cannot_reach_the_plan_editor(school, school_b, member, client_for):
    outsider = client_for(member(school_b, "senco"), school_b)
    response = outsider.get(f"/plans/{school.plan.pk}/edit/")
    assert response.status_code == 404
    assert school.pupil.legal_first_name not in response.content.decode()


def drawn_form_from(text: str) -> dict[str, str]:
    values = {
        name: html.unescape(value) for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', text)
    }
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', text, re.S):
        values[name] = html.unescape(value).strip("\n")
    values.pop("csrfmiddlewaretoken", None)
    return values
