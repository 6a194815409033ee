"""The measure page names the child in its heading but not in its title (browser history, shared
screens); posted with errors, its title starts "Error:"."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.send_core.provision.test_pages import groups  # noqa: F401 (the scene)

pytestmark = pytest.mark.django_db


def _title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))


def test_the_measure_page_title_leaves_the_child_out(groups):  # noqa: F811
    html = groups.client("teaching_assistant").get(groups.url("/provision/members/{member}/measure/")).content.decode()
    surname = groups.pupil.last_name
    assert _title(html).startswith("Record a measure")
    assert surname not in _title(html)
    assert re.search(rf"<h1[^>]*>[^<]*{surname}", html)


def test_the_measure_page_with_errors_has_an_error_title(groups):  # noqa: F811
    response = groups.client("teaching_assistant").post(groups.url("/provision/members/{member}/measure/"), {})
    assert response.status_code == 400
    assert _title(response.content.decode()).startswith("Error: Record a measure")
