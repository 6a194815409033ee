"""Page titles never carry a child's name (they end up in browser history and on shared screens);
the heading does. A page whose form has errors has a title starting "Error:" (GOV.UK pattern)."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytestmark = pytest.mark.django_db

NAME_PARTS = ("Amara", "Okafor")
LINK = re.compile(r'href="(/(?:pupils|plans|reviews|ehc|transition|toolkits|concerns|meetings|involvements)/[^"#?]*)"')


def _title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))


def _record_pages(school, client) -> list[str]:
    """Every page linked from the pupil's record (each section, the plan, its reviews, EHC pages),
    followed one step further so section pages' own links (a review, a meeting) are walked too."""
    start = [
        school.url("/pupils/{pupil}/"),
        school.url("/plans/{plan}/"),
        school.url("/reviews/{review}/"),
        school.url("/pupils/{pupil}/ehc/"),
    ]
    seen: list[str] = []
    frontier = list(start)
    for _depth in range(2):
        found = []
        for url in frontier:
            if url in seen:
                continue
            seen.append(url)
            response = client.get(url)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                found += [link for link in LINK.findall(response.content.decode()) if link not in seen]
        frontier = found
    return seen + [link for link in frontier if link not in seen]


def test_no_record_page_title_names_the_child(school):
    client = school.client("senco")
    pages = _record_pages(school, client)
    checked = []
    for url in pages:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if "<title>" not in html or "Okafor" not in html:
            continue
        title = _title(html)
        assert not any(part in title for part in NAME_PARTS), (url, title)
        checked.append(url)
    # The walk reached the sections, the plan, its review and the EHC page, not just the overview.
    assert len(checked) >= 10, pages
    for url in (school.url("/plans/{plan}/"), school.url("/reviews/{review}/"), school.url("/pupils/{pupil}/ehc/")):
        assert url in checked, (url, checked)
    assert any(url.startswith(f"/pupils/{school.pupil.pk}/") and url != f"/pupils/{school.pupil.pk}/" for url in pages)


def test_the_record_title_says_what_the_page_is(school):
    html = school.client("senco").get(school.url("/pupils/{pupil}/")).content.decode()
    assert "Pupil record" in _title(html)
    assert re.search(r"<h1[^>]*>[^<]*Okafor", html)


def test_another_school_cannot_open_the_record(school, school_b, member, client_for):
    outsider = client_for(member(school_b, "senco"), school_b)
    response = outsider.get(school.url("/pupils/{pupil}/"))
    assert response.status_code in (403, 404)
    assert "Okafor" not in response.content.decode()


def test_a_form_posted_with_errors_has_a_title_starting_error(school):
    response = school.client("senco").post(school.url("/pupils/{pupil}/leaving/"), {"leaving_date": "2020-01-01"})
    assert response.status_code == 400
    title = _title(response.content.decode())
    assert title.startswith("Error: ")
    assert "Okafor" not in title


def test_a_form_shown_without_errors_has_no_error_prefix(school):
    response = school.client("senco").get(school.url("/pupils/{pupil}/leaving/"))
    assert not _title(response.content.decode()).startswith("Error:")
