"""The trust, local authority and school dashboards, and who may open them."""

from __future__ import annotations

import pytest

from tests.graphql.conftest import MONTH_END, figures_row, trust_rows

pytestmark = pytest.mark.django_db


def test_the_trust_dashboard_compares_its_schools_with_tables_and_charts(
    trust, school_a, school_b, secondary, member, client_for, django_assert_max_num_queries
):
    trust_rows(school_b, secondary)
    figures_row(school_a, sen_support=44)
    client = client_for(member(trust, "send_lead"), trust)
    with django_assert_max_num_queries(12):
        response = client.get("/reporting/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Comparing the trust's schools" in html
    assert "Birchwood Primary Academy" in html and "Cedar High School" in html
    assert "Ashgrove" not in html
    assert html.count('data-chart="compare"') == 5 and 'data-chart="needs"' in html
    assert 'id="schools-table"' in html and 'id="needs-table"' in html and 'id="benchmarks-table"' in html
    assert "Fewer than 5" in html  # Birchwood's 3 pupils at SEN Support
    assert html.count(MONTH_END.strftime("%-d %b %Y")) == 2  # "Figures on", for each school: the month end
    assert "<script>" not in html and "reporting/charts.js" in html


def test_the_la_dashboard_shows_its_schools_and_timeliness(la, school_a, member, client_for):
    from send_graphql.models import EhcTimeliness

    from tests.graphql.conftest import TODAY

    figures_row(school_a)
    EhcTimeliness.objects.create(
        organisation=la, month=TODAY.replace(day=1), requests_received=14, decisions_due=10, decisions_within_6_weeks=10
    )
    response = client_for(member(la, "caseworker"), la).get("/reporting/")
    html = response.content.decode()
    assert response.status_code == 200 and "Ashgrove Primary School" in html
    assert 'data-chart="timeliness"' in html and 'id="timeliness-table"' in html and "100.0%" in html


def test_the_school_dashboard_shows_itself_against_benchmarks(school_a, member, client_for):
    figures_row(school_a)
    response = client_for(member(school_a, "governor"), school_a).get("/reporting/")
    html = response.content.decode()
    assert response.status_code == 200 and "Our figures against benchmarks" in html
    assert "Not enough schools" in html  # one primary school is no benchmark
    assert "Reporting keys" not in html  # governors do not manage keys


def test_a_school_with_no_figures_yet_says_so(school_a, member, client_for):
    response = client_for(member(school_a, "senco"), school_a).get("/reporting/")
    assert "There are no figures for Ashgrove Primary School yet" in response.content.decode()


@pytest.mark.parametrize("role", ["teacher", "school_admin"])
def test_staff_without_oversight_cannot_open_reporting(school_a, member, client_for, role):
    client = client_for(member(school_a, role), school_a)
    assert client.get("/reporting/").status_code == 403
    assert client.get("/reporting/download/schools.csv").status_code == 403
