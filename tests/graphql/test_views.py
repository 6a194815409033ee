"""Reporting pages: dashboards with their tables and CSV, reporting keys, and the operators' refresh page."""

from __future__ import annotations

import csv
import io

import pytest
from send_graphql.models import RefreshRun, RefreshStatus, ReportingToken

from tests.graphql.conftest import MONTH_END, figures_row

pytestmark = pytest.mark.django_db


def _trust_rows(school_b, secondary):
    figures_row(
        school_b,
        sen_support=3,
        ehc_plan=12,
        by_primary_need={"ASD": 15},
        by_year_group={"4": 15},
        by_sex={"F": 15},
        sen_support_costed_pupils=3,
    )
    figures_row(
        secondary,
        pupils_on_roll=900,
        sen_support=95,
        ehc_plan=20,
        by_primary_need={"ASD": 60, "SEMH": 55},
        by_year_group={"7": 115},
        by_sex={"F": 50, "M": 65},
        sen_support_costed_pupils=95,
    )


def test_the_trust_dashboard_compares_its_schools_with_tables_and_charts(
    trust, school_a, school_b, secondary, member, client_for, django_assert_max_num_queries
):
    _trust_rows(school_b, secondary)
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


def test_csv_downloads_carry_the_same_suppression(trust, school_b, secondary, member, client_for):
    _trust_rows(school_b, secondary)
    client = client_for(member(trust, "send_lead"), trust)
    response = client.get("/reporting/download/schools.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, birchwood = rows[0], next(r for r in rows if r and r[0] == "Birchwood Primary Academy")
    assert birchwood[header.index("Pupils at SEN Support (% of roll)")] == "c"
    assert birchwood[header.index("Pupils at SEN Support (K)")] == "c"
    needs = client.get("/reporting/download/needs.csv").content.decode()
    assert "Birchwood Primary Academy" in needs and "Ashgrove" not in needs
    assert client.get("/reporting/download/benchmarks.csv").status_code == 200
    assert client.get("/reporting/download/timeliness.csv").status_code == 200
    register = list(csv.reader(io.StringIO(client.get("/reporting/download/register.csv").content.decode())))
    assert ["Birchwood Primary Academy", "Primary need", "Autistic spectrum disorder", "15"] in register
    assert client.get("/reporting/download/nothing.csv").status_code == 404


def test_a_leader_makes_a_key_sees_it_once_and_revokes_it(school_a, member, client_for):
    client = client_for(member(school_a, "senco"), school_a)
    response = client.post("/reporting/keys/", {"name": ""})
    assert response.status_code == 400 and "Enter what the key is for" in response.content.decode()

    response = client.post("/reporting/keys/", {"name": "Governors' Power BI"})
    html = response.content.decode()
    token = ReportingToken.objects.get(organisation=school_a)
    key = html.split('data-testid="new-key">')[1].split("<")[0]
    assert key.startswith(token.prefix) and token.key_hash != key
    assert key not in client.get("/reporting/keys/").content.decode()  # shown once

    response = client.post(f"/reporting/keys/{token.pk}/revoke/", follow=True)
    assert "has been revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_only_leaders_see_the_keys_page(school_a, trust, member, client_for):
    assert client_for(member(school_a, "governor"), school_a).get("/reporting/keys/").status_code == 403
    assert client_for(member(trust, "send_lead"), trust).get("/reporting/keys/").status_code == 200


def test_operators_see_refresh_runs_and_failures(
    platform_org, school_a, school_b, member, public_client, django_assert_max_num_queries
):
    RefreshRun.objects.create(
        organisation=school_a, trigger="nightly", status=RefreshStatus.FAILED, error="RuntimeError: disk full"
    )
    for _ in range(30):
        RefreshRun.objects.create(organisation=school_b, trigger="change", status=RefreshStatus.SUCCEEDED)
    operator = member(platform_org, "operator")
    public_client.force_login(operator)
    with django_assert_max_num_queries(12):
        response = public_client.get("/operator/reporting/")
    html = response.content.decode()
    assert response.status_code == 200 and "RuntimeError: disk full" in html and "Ashgrove Primary School" in html


def test_other_people_cannot_see_the_operators_refresh_page(school_a, member, public_client):
    public_client.force_login(member(school_a, "senco"))
    assert public_client.get("/operator/reporting/").status_code == 403


def _dict_rows(response) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return reader.fieldnames, list(reader)


def test_csv_downloads_hold_a_heading_row_and_data_rows_only(trust, school_b, secondary, member, client_for):
    _trust_rows(school_b, secondary)
    client = client_for(member(trust, "send_lead"), trust)
    for table, first_heading, names in (
        ("schools", "School", {"Birchwood Primary Academy", "Cedar High School"}),
        ("needs", "School", {"Birchwood Primary Academy", "Cedar High School"}),
        ("register", "School", {"Birchwood Primary Academy", "Cedar High School"}),
    ):
        headings, rows = _dict_rows(client.get(f"/reporting/download/{table}.csv"))
        assert headings[0] == first_heading
        assert rows, table
        for row in rows:
            # No note, blank line or overflow: every line has exactly the headings' cells.
            assert None not in row and None not in row.values(), (table, row)
            assert row[first_heading] in names, (table, row)
        assert not any("shown as c" in value for row in rows for value in row.values())
    headings, rows = _dict_rows(client.get("/reporting/download/schools.csv"))
    assert "Pupils at SEN Support (K)" in headings and "Pupils with an EHC plan (E)" in headings
    assert "Unique reference number (URN)" in headings
    birchwood = next(r for r in rows if r["School"] == "Birchwood Primary Academy")
    cedar = next(r for r in rows if r["School"] == "Cedar High School")
    assert birchwood["Pupils at SEN Support (K)"] == "c"
    assert cedar["Pupils at SEN Support (K)"] == "95" and cedar["Pupils with an EHC plan (E)"] == "20"
    headings, _ = _dict_rows(client.get("/reporting/download/needs.csv"))
    assert "Autistic spectrum disorder (ASD)" in headings
    headings, rows = _dict_rows(client.get("/reporting/download/benchmarks.csv"))
    assert headings == ["Phase", "Measure", "Schools", "Lower quartile", "Median", "Upper quartile"]
    assert all(None not in row for row in rows)
    # What c means is said beside the download link instead.
    assert "c marks a count from 1 to 4" in client.get("/reporting/").content.decode()


def test_the_la_timeliness_csv_is_its_own_casework_exact_with_headings_in_words(la, school_a, member, client_for):
    from send_graphql.models import EhcTimeliness

    from tests.graphql.conftest import TODAY

    EhcTimeliness.objects.create(
        organisation=la,
        month=TODAY.replace(day=1),
        requests_received=3,
        decisions_due=4,
        decisions_within_6_weeks=1,
        plans_due=0,
        plans_within_20_weeks=0,
        annual_reviews_due=0,
        annual_reviews_decided_within_4_weeks=0,
    )
    headings, rows = _dict_rows(client_for(member(la, "caseworker"), la).get("/reporting/download/timeliness.csv"))
    assert headings[0] == "Month" and "EHC needs assessment requests received" in headings
    assert not any("_" in heading for heading in headings)
    [row] = rows
    assert row["Month"] == TODAY.strftime("%Y-%m")
    assert row["EHC needs assessment requests received"] == "3"
    assert row["Decisions to assess within 6 weeks"] == "1"
    assert row["Decisions to assess within 6 weeks (%)"] == "25.0"  # 1 of 4, by hand
    # A school cannot download the LA's casework.
    _, rows = _dict_rows(client_for(member(school_a, "senco"), school_a).get("/reporting/download/timeliness.csv"))
    assert rows == []
