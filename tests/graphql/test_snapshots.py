"""Outside the school, figures are month-end snapshots only; no switch in the address undoes that.

Polling a school's latest refresh from a trust (or comparing it with the month end) would tell
which child joined or left the register in between.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from send_graphql.models import SchoolFigures
from send_graphql.schema import MIXED_SNAPSHOTS

from tests.graphql.conftest import MONTH_END, TODAY, figures_row

pytestmark = pytest.mark.django_db
COMPARE = "{ compare(metric: SEN_SUPPORT) { school { slug } figure { value } } }"


def birchwood_in(body: dict) -> float | None:
    return next(row["figure"]["value"] for row in body["data"]["compare"] if row["school"]["slug"] == "birchwood")


def test_a_trust_lead_polling_after_a_refresh_sees_the_month_end_until_the_month_is_over(
    trust, school_b, member, gql, monkeypatch
):
    lead = member(trust, "send_lead")
    figures_row(school_b, on=MONTH_END, sen_support=30)
    assert birchwood_in(gql(lead, trust, COMPARE)[1]) == 30
    figures_row(school_b, on=TODAY, sen_support=31)  # today's refresh: one more child at SEN Support
    assert birchwood_in(gql(lead, trust, COMPARE)[1]) == 30
    for query in (
        '{ school(slug: "birchwood") { figures { senSupport { value } } } }',
        f'{{ school(slug: "birchwood") {{ figures(on: "{TODAY.isoformat()}") {{ senSupport {{ value }} }} }} }}',
    ):
        _, body = gql(lead, trust, query)
        assert body["data"]["school"]["figures"]["senSupport"]["value"] == 30, query
    _, body = gql(lead, trust, '{ trend(school: "birchwood", metric: SEN_SUPPORT) { on figure { value } } }')
    assert [point["figure"]["value"] for point in body["data"]["trend"]] == [30]
    # Once this month is over, its last refresh is the new month end.
    next_month = (TODAY.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: next_month)
    assert birchwood_in(gql(lead, trust, COMPARE)[1]) == 31


def test_the_trust_dashboard_shows_the_month_end_not_the_latest_refresh(trust, school_b, member, client_for):
    figures_row(school_b, on=MONTH_END, sen_support=30)
    figures_row(school_b, on=TODAY, sen_support=31)
    client = client_for(member(trust, "send_lead"), trust)
    rows = client.get("/reporting/download/schools.csv").content.decode().splitlines()
    birchwood = next(row for row in rows if row.startswith("Birchwood"))
    assert MONTH_END.isoformat() in birchwood and TODAY.isoformat() not in birchwood


def test_an_la_and_a_benchmark_see_month_ends_only(la, school_a, school_b, member, gql, settings):
    settings.CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS = 2
    figures_row(school_a, on=MONTH_END, sen_support=30)
    figures_row(school_b, on=MONTH_END, sen_support=30)
    figures_row(school_b, on=TODAY, sen_support=60)
    _, body = gql(member(la, "sen_manager"), la, COMPARE)
    assert birchwood_in(body) == 30
    # A school's benchmark is built from the other schools' month ends, never their latest refresh.
    _, body = gql(member(school_a, "senco"), school_a, "{ benchmark(phase: PRIMARY, metric: SEN_SUPPORT) { median } }")
    assert body["data"]["benchmark"]["median"] == 30  # from the latest refreshes it would be 45


def test_the_school_sees_its_own_latest_refresh(school_a, member, gql):
    figures_row(school_a, on=MONTH_END, sen_support=30)
    figures_row(school_a, on=TODAY, sen_support=33)
    _, body = gql(
        member(school_a, "senco"), school_a, '{ school(slug: "ashgrove") { figures { senSupport { value } } } }'
    )
    assert body["data"]["school"]["figures"]["senSupport"]["value"] == 33


def test_pretty_answers_from_the_same_cache(trust, school_b, member, client_for):
    figures_row(school_b, on=MONTH_END, sen_support=30)
    client = client_for(member(trust, "send_lead"), trust)

    def ask(address: str) -> tuple[str, float | None]:
        response = client.post(address, json.dumps({"query": COMPARE}), content_type="application/json")
        assert response.status_code == 200
        return response.content.decode(), birchwood_in(response.json())

    plain, value = ask("/graphql/")
    assert value == 30
    # The table changes without a refresh being announced: a cached answer would still say 30.
    SchoolFigures.objects.filter(organisation=school_b).update(sen_support=40, refreshed_at=timezone.now())
    pretty, value = ask("/graphql/?pretty=1")
    assert value == 30 and pretty == plain


def test_one_query_cannot_mix_a_schools_latest_and_month_end_figures(school_a, member, gql):
    figures_row(school_a, on=MONTH_END, sen_support=30)
    figures_row(school_a, on=TODAY, sen_support=33)
    senco = member(school_a, "senco")
    for query in (
        f'{{ school(slug: "ashgrove") {{ now: figures {{ senSupport {{ value }} }} '
        f'then: figures(on: "{MONTH_END.isoformat()}") {{ senSupport {{ value }} }} }} }}',
        '{ compare(metric: SEN_SUPPORT) { figure { value } } trend(school: "ashgrove", metric: SEN_SUPPORT) { on } }',
    ):
        _, body = gql(senco, school_a, query)
        assert body["errors"][0]["message"] == MIXED_SNAPSHOTS, query
        served = json.dumps(body.get("data"))
        assert not ("33" in served and "30" in served), query
    # Each on its own is answered.
    _, body = gql(
        senco, school_a, f'{{ compare(metric: SEN_SUPPORT, on: "{MONTH_END.isoformat()}") {{ figure {{ value }} }} }}'
    )
    assert body["data"]["compare"][0]["figure"]["value"] == 30
