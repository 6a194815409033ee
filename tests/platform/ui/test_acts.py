"""The one way a page handles a form: valid → act → message and redirect; refusal or invalid → the form again."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from send_platform.ui.acts import act
from send_platform.ui.forms import GovukForm, date_field
from send_platform.ui.pages import form_page


class MeetingForm(GovukForm):
    held_on = date_field("Date of the meeting")
    notes = forms.CharField(label="Notes")


class PlainForm(forms.Form):
    notes = forms.CharField(label="Notes")


def _request(method: str = "post", data: dict | None = None):
    request = getattr(RequestFactory(), method)("/meetings/new/", data or {})
    request._messages = CookieStorage(request)
    return request


def _page(request, form):
    def page() -> HttpResponse:
        return form_page(request, "govuk/form.html", {"form": form}, form)

    return page


def _run(request, form, do):
    return act(
        request, form, do, success="The meeting has been recorded.", redirect_to="/meetings/", page=_page(request, form)
    )


def test_a_valid_form_runs_the_act_then_flashes_and_redirects():
    written = []
    request = _request(data={"held_on": "2025-03-14", "notes": "Talked about reading."})
    form = MeetingForm(request.POST)
    response = _run(request, form, lambda data: written.append(data["notes"]))
    assert response.status_code == 302
    assert response["Location"] == "/meetings/"
    assert written == ["Talked about reading."]
    assert [str(m) for m in get_messages(request)] == ["The meeting has been recorded."]


def test_success_and_redirect_may_depend_on_what_was_made():
    request = _request(data={"held_on": "2025-03-14", "notes": "x"})
    form = MeetingForm(request.POST)
    response = act(
        request,
        form,
        lambda data: 7,
        success=lambda made: f"Meeting {made} recorded.",
        redirect_to=lambda made: f"/meetings/{made}/",
        page=_page(request, form),
    )
    assert response["Location"] == "/meetings/7/"
    assert [str(m) for m in get_messages(request)] == ["Meeting 7 recorded."]


def test_a_service_refusal_shows_the_form_again_with_its_reasons_and_writes_nothing():
    written = []

    def refuse(data):
        raise ValidationError({"held_on": "The meeting cannot be in the future.", "other": "Ask the SENCO."})

    request = _request(data={"held_on": "2030-01-01", "notes": "x"})
    form = MeetingForm(request.POST)
    response = _run(request, form, refuse)
    assert response.status_code == 400
    assert form.errors["held_on"] == ["The meeting cannot be in the future."]
    assert form.non_field_errors() == ["Ask the SENCO."]
    assert written == []
    assert list(get_messages(request)) == []


def test_a_plain_django_form_takes_the_refusal_too():
    request = _request(data={"notes": "x"})
    form = PlainForm(request.POST)
    response = _run(request, form, lambda data: (_ for _ in ()).throw(ValidationError("Not now.")))
    assert response.status_code == 400
    assert form.non_field_errors() == ["Not now."]


def test_an_invalid_form_is_shown_again_without_running_the_act():
    written = []
    request = _request(data={"held_on": "not a date"})
    form = MeetingForm(request.POST)
    response = _run(request, form, lambda data: written.append(data))
    assert response.status_code == 400
    assert "held_on" in form.errors and "notes" in form.errors
    assert written == []


def test_a_get_draws_the_form():
    request = _request("get")
    form = MeetingForm(None)
    response = _run(request, form, lambda data: None)
    assert response.status_code == 200


def test_an_act_that_answers_itself_is_sent_as_it_is():
    request = _request(data={"held_on": "2025-03-14", "notes": "x"})
    form = MeetingForm(request.POST)
    answer = HttpResponse("already saved", status=302, headers={"Location": "/meetings/3/"})
    response = _run(request, form, lambda data: answer)
    assert response is answer
    assert list(get_messages(request)) == []
