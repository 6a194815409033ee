"""Each dashboard table as CSV: the same suppression as on screen, a heading row and data rows only."""

from __future__ import annotations

import csv
import io

import pytest

from tests.graphql.conftest import trust_rows

pytestmark = pytest.mark.django_db


def test_csv_downloads_carry_the_same_suppression(trust, school_b, secondary, member, client_for):
    trust_rows(school_b, secondary)
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


def _dict_rows(response) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return reader.fieldnames, list(reader)


def test_csv_downloads_hold_a_heading_row_and_data_rows_only(trust, school_b, secondary, member, client_for):
    trust_rows(school_b, secondary)
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
