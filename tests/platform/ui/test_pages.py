"""Form pages answer 400 when a form has errors; lists page through and keep their filters."""

from __future__ import annotations

from django import forms
from django.test import RequestFactory
from send_platform.ui.pages import form_page, paginate, posted, query_without_page


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_form_with_errors_answers_400_and_a_fresh_one_200():
    request = RequestFactory().get("/")
    assert form_page(request, "govuk/form.html", {"form": NameForm()}, NameForm()).status_code == 200
    failed = NameForm({})
    assert form_page(request, "govuk/form.html", {"form": failed}, failed, None).status_code == 400


def test_lists_page_through_and_keep_their_filters():
    request = RequestFactory().get("/pupils/", {"page": "2", "year": "7"})
    page = paginate(request, list(range(120)), per_page=50)
    assert page.number == 2 and list(page)[0] == 50
    assert query_without_page(request) == "year=7"


def test_posted_is_the_data_on_a_post_even_when_empty():
    factory = RequestFactory()
    assert posted(factory.get("/")) is None
    assert posted(factory.post("/", {})) is not None
