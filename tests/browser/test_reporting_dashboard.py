"""A trust SEND lead opens the comparison dashboard: charts drawn from the GraphQL API, and their tables."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.graphql.conftest import figures_row
from tests.organisations import organisation_for_tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_trust_lead_compares_her_schools_in_charts_and_tables(page, site, member):
    trust = organisation_for_tests("northway")
    birchwood, cedar = organisation_for_tests("birchwood"), organisation_for_tests("cedar-high")
    outside = organisation_for_tests("ashgrove")
    figures_row(
        birchwood, sen_support=3, ehc_plan=12, by_primary_need={"ASD": 15}, by_year_group={"4": 15}, by_sex={"F": 15}
    )
    figures_row(
        cedar,
        pupils_on_roll=900,
        sen_support=95,
        ehc_plan=20,
        by_primary_need={"ASD": 60, "SEMH": 55},
        by_year_group={"7": 115},
        by_sex={"F": 50, "M": 65},
    )
    figures_row(outside, sen_support=40)
    lead = member(trust, "send_lead", full_name="Grace Okafor")
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    sign_in(page, site, lead.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Northway Trust")
    page.get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparing the trust's schools")

    # Every chart is drawn (from /graphql/) as SVG, and names the table with its figures.
    charts = page.locator("figure.reporting-chart")
    expect(charts).to_have_count(6)
    for index in range(6):
        expect(charts.nth(index).locator("svg")).to_be_visible()
        expect(charts.nth(index)).to_have_attribute("data-drawn", "true")
    sen_support_chart = charts.nth(1)
    expect(sen_support_chart).to_contain_text("Cedar High School")
    # Birchwood's 3 pupils are not a bar: their percentage is "Suppressed" (not "Fewer than 5",
    # which would be untrue of a percentage and tell a reader its upper bound).
    expect(sen_support_chart).to_contain_text("Suppressed")

    table = page.locator("#schools-table")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("row", name="Birchwood Primary Academy")).to_contain_text("Suppressed")
    expect(table).to_contain_text("10.6%")  # Cedar High: 95 of 900 at SEN Support
    expect(page.locator("body")).not_to_contain_text("Ashgrove")
    expect(page.locator("#needs-table")).to_contain_text("Cedar High School")

    # The table is there to download too.
    with page.expect_download() as download:
        page.locator("a[href='/reporting/download/schools.csv']").click()
    assert download.value.suggested_filename.startswith("schools-")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_an_la_sees_its_ehc_timeliness_trend_and_a_school_sees_itself_against_benchmarks(page, site, member):
    from send_graphql.models import EhcTimeliness

    from tests.graphql.conftest import TODAY

    la, school = organisation_for_tests("testshire"), organisation_for_tests("ashgrove")
    figures_row(school, sen_support=30)
    month = TODAY.replace(day=1)
    for back in range(3):
        first = (month - datetime.timedelta(days=31 * back)).replace(day=1)
        EhcTimeliness.objects.create(
            organisation=la,
            month=first,
            requests_received=20,
            decisions_due=20,
            decisions_within_6_weeks=15 + back,
            plans_due=10,
            plans_within_20_weeks=5,
            annual_reviews_due=30,
            annual_reviews_decided_within_4_weeks=24,
        )
    manager = member(la, "sen_manager")
    sign_in(page, site, manager.email, TEST_PASSWORD)
    page.goto(site.org("testshire", "/reporting/"))
    timeliness = page.locator("figure[data-chart='timeliness']")
    expect(timeliness).to_have_attribute("data-drawn", "true")
    expect(timeliness.locator("svg path")).to_have_count(3)
    expect(page.locator("#timeliness-table")).to_contain_text("75.0%")
    expect(page.locator("#schools-table")).to_contain_text("Ashgrove Primary School")

    head = member(school, "headteacher")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, site, head.email, TEST_PASSWORD)
    page.goto(site.org("ashgrove", "/reporting/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Our SEND figures against benchmarks")
    expect(page.locator("figure[data-chart='compare']").first).to_have_attribute("data-drawn", "true")
    expect(page.locator("#school-table")).to_contain_text("15.0%")
    # One primary school on the platform is far fewer than the 10 a benchmark needs.
    expect(page.locator("#school-table")).to_contain_text("Not enough schools")
