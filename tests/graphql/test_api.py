"""The reporting GraphQL API: scope by role, no pupil-level field, suppression at every query, limits, keys."""

from __future__ import annotations

import datetime
import json
import statistics
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from send_graphql.models import ReportingToken
from send_graphql.schema import schema
from send_graphql.selectors import METRICS, _cells
from send_graphql.services import create_reporting_token, hash_token, revoke_reporting_token

from tests.graphql.conftest import MONTH_END, TODAY, figures_row
from tests.graphql.disclosure import small_cells_recovered

pytestmark = pytest.mark.django_db

FIGURE = "{ value display suppressed available }"
ALL_FIGURES = " ".join(
    f"{name} {FIGURE}"
    for name in [
        "pupilsOnRoll",
        "monitoring",
        "onRegister",
        "senSupport",
        "ehcPlan",
        "senSupportRate",
        "ehcPlanRate",
        "onRegisterRate",
        "plansDueReview",
        "plansReviewedOnTime",
        "reviewedOnTimeRate",
        "outcomesJudged",
        "outcomesMet",
        "outcomesMetRate",
        "costPerPupil",
        "ehcRequestsMade",
        "ehcRequestsAgreed",
    ]
)
SCHOOLS_QUERY = (
    "{ schools { slug name phase figures { on "
    + ALL_FIGURES
    + f" byPrimaryNeed {{ key figure {FIGURE} }} byYearGroup {{ key figure {FIGURE} }} bySex {{ key figure {FIGURE} }} }} }} }}"
)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


@pytest.fixture
def trust_lead(member, trust):
    return member(trust, "send_lead")


def test_a_trust_lead_sees_the_trusts_schools_and_no_other(trust, trust_lead, school_a, school_b, secondary, gql):
    for school in (school_a, school_b, secondary):
        figures_row(school)
    status, body = gql(trust_lead, trust, "{ schools { slug } compare(metric: SEN_SUPPORT_RATE) { school { slug } } }")
    assert status == 200, body
    assert {s["slug"] for s in body["data"]["schools"]} == {"birchwood", "cedar-high"}
    assert {c["school"]["slug"] for c in body["data"]["compare"]} == {"birchwood", "cedar-high"}

    for query in (
        '{ school(slug: "ashgrove") { name } }',
        '{ trend(school: "ashgrove", metric: SEN_SUPPORT) { on } }',
    ):
        status, body = gql(trust_lead, trust, query)
        assert body["errors"][0]["message"] == "There is no school by that name in your scope."
        assert "ashgrove" not in json.dumps(body.get("data"))
    status, body = gql(trust_lead, trust, "{ ehcTimeliness { month } }")
    assert body["data"]["ehcTimeliness"] == []


def test_an_la_sees_its_schools_and_its_own_casework(la, school_a, school_b, secondary, member, gql):
    from send_graphql.models import EhcTimeliness

    EhcTimeliness.objects.create(
        organisation=la, month=TODAY.replace(day=1), requests_received=14, decisions_due=12, decisions_within_6_weeks=9
    )
    for role in ("caseworker", "sen_manager"):
        user = member(la, role)
        status, body = gql(
            user,
            la,
            "{ schools { slug } ehcTimeliness { requestsReceived { value } decisionsWithin6Weeks { value suppressed } } }",
        )
        assert status == 200, body
        assert {s["slug"] for s in body["data"]["schools"]} == {"ashgrove", "birchwood", "cedar-high"}
        month = body["data"]["ehcTimeliness"][0]
        # The LA's own casework, so exact: 9 of 12 on time is shown although it gives away 3 late.
        assert month["requestsReceived"]["value"] == 14
        assert month["decisionsWithin6Weeks"] == {"value": 9, "suppressed": False}


def test_an_la_sees_small_counts_in_its_own_casework_exactly_and_nobody_else_sees_them(
    la, trust, school_a, member, gql
):
    from send_graphql.models import EhcTimeliness

    EhcTimeliness.objects.create(
        organisation=la,
        month=TODAY.replace(day=1),
        requests_received=3,
        decisions_due=4,
        decisions_within_6_weeks=1,
        plans_due=2,
        plans_within_20_weeks=2,
        annual_reviews_due=3,
        annual_reviews_decided_within_4_weeks=2,
    )
    query = (
        "{ ehcTimeliness { requestsReceived { value suppressed } decisionsWithin6Weeks { value } "
        "decisionsWithin6WeeksRate { value } plansWithin20WeeksRate { value } annualReviewsWithin4WeeksRate { value } } }"
    )
    for role in ("caseworker", "sen_manager"):
        status, body = gql(member(la, role), la, query)
        assert status == 200, body
        [month] = body["data"]["ehcTimeliness"]
        assert month["requestsReceived"] == {"value": 3, "suppressed": False}
        assert month["decisionsWithin6Weeks"]["value"] == 1
        # Worked by hand: 1 of 4 = 25.0%; 2 of 2 = 100.0%; 2 of 3 = 66.7%.
        assert month["decisionsWithin6WeeksRate"]["value"] == 25.0
        assert month["plansWithin20WeeksRate"]["value"] == 100.0
        assert month["annualReviewsWithin4WeeksRate"]["value"] == 66.7
    # Another organisation never sees the LA's casework at all.
    for user, organisation in ((member(trust, "send_lead"), trust), (member(school_a, "senco"), school_a)):
        status, body = gql(user, organisation, query)
        assert status == 200 and body["data"]["ehcTimeliness"] == []
    # A reporting key (which may be handed to a contractor's BI tool) still gets the protected figures,
    # even straight after a member's exact answer to the same question was cached.
    manager = member(la, "sen_manager")
    made = create_reporting_token(organisation=la, name="Power BI", by=manager, roles=frozenset({"sen_manager"}))
    status, body = _api(made.key, la, query)
    assert status == 200, body
    [month] = body["data"]["ehcTimeliness"]
    assert month["requestsReceived"] == {"value": None, "suppressed": True}
    assert month["decisionsWithin6Weeks"]["value"] is None


def test_a_school_sees_itself_and_benchmarks_only(school_a, school_b, member, gql):
    figures_row(school_a, sen_support=30)
    figures_row(school_b, sen_support=40)
    for role in ("senco", "headteacher", "business_manager", "governor"):
        user = member(school_a, role)
        status, body = gql(
            user, school_a, "{ schools { slug } benchmark(phase: PRIMARY, metric: SEN_SUPPORT) { schools } }"
        )
        assert status == 200, body
        assert [s["slug"] for s in body["data"]["schools"]] == ["ashgrove"]
        assert body["data"]["benchmark"]["schools"] >= 2
        _, body = gql(user, school_a, '{ school(slug: "birchwood") { name } }')
        assert body["errors"]


@pytest.mark.parametrize("role", ["teacher", "teaching_assistant", "school_admin"])
def test_class_staff_and_the_office_get_no_figures(school_a, member, gql, role):
    status, body = gql(member(school_a, role), school_a, "{ schools { slug } }")
    assert status == 403 and body["errors"][0]["message"] == "Your role here does not include reporting figures."


def test_signed_out_people_are_sent_to_sign_in(school_a, client_for):
    response = client_for(None, school_a).post("/graphql/", "{}", content_type="application/json")
    assert response.status_code == 302


def test_no_type_or_field_in_the_schema_is_about_a_pupil():
    forbidden = {"pupil", "upn", "firstname", "lastname", "legalfirstname", "dateofbirth", "parent", "address"}
    for type_name, graphql_type in schema.graphql_schema.type_map.items():
        if type_name.startswith("__"):
            continue
        assert "pupil" not in type_name.lower()
        for field_name in getattr(graphql_type, "fields", {}) or {}:
            assert field_name.lower() not in forbidden, f"{type_name}.{field_name}"


# --- Trying to recover suppressed cells from every query the API allows --------------------------


def _small_school_rows(trust_schools, others):
    """Rows full of small counts, and one with none, for the schools in and out of the trust."""
    rows = {}
    rows[trust_schools[0].pk] = figures_row(
        trust_schools[0],
        pupils_on_roll=180,
        monitoring=7,
        sen_support=3,
        ehc_plan=12,
        by_primary_need={"ASD": 9, "SEMH": 4, "SPLD": 2},
        by_year_group={"3": 1, "4": 14},
        by_sex={"F": 11, "M": 4},
        plans_due_review=13,
        plans_reviewed_on_time=10,
        outcomes_judged=40,
        outcomes_met=38,
        sen_support_costed_pupils=3,
        ehc_requests_made=6,
        ehc_requests_agreed=2,
    )
    rows[trust_schools[1].pk] = figures_row(
        trust_schools[1],
        pupils_on_roll=900,
        monitoring=2,
        sen_support=95,
        ehc_plan=20,
        by_primary_need={"ASD": 40, "SEMH": 35, "SLCN": 39, "none": 1},
        by_year_group={"7": 25, "8": 30, "9": 30, "10": 27, "11": 3},
        by_sex={"F": 50, "M": 65},
        plans_due_review=100,
        plans_reviewed_on_time=99,
        outcomes_judged=0,
        outcomes_met=0,
        ehc_requests_made=1,
        ehc_requests_agreed=1,
    )
    for school in others:
        rows[school.pk] = figures_row(
            school,
            sen_support=4,
            ehc_plan=2,
            pupils_on_roll=150,
            by_primary_need={"ASD": 6},
            by_year_group={"2": 6},
            by_sex={"M": 6},
        )
    return rows


def test_no_query_the_api_allows_shows_or_gives_away_a_count_below_5(
    trust, trust_lead, school_a, school_b, secondary, gql
):
    rows = _small_school_rows([school_b, secondary], [school_a])
    answers = []
    status, body = gql(trust_lead, trust, SCHOOLS_QUERY)
    assert status == 200, body
    answers.append(body)
    metric_enum = [key.upper() for key in METRICS]
    for metric in metric_enum:
        compare_query = f"{{ compare(metric: {metric}) {{ school {{ slug }} figure {FIGURE} }} }}"
        answers.append(gql(trust_lead, trust, compare_query)[1])
        for slug in ("birchwood", "cedar-high"):
            answers.append(
                gql(
                    trust_lead,
                    trust,
                    f'{{ trend(school: "{slug}", metric: {metric}, months: 36) {{ on figure {FIGURE} }} }}',
                )[1]
            )
        for phase in ("PRIMARY", "SECONDARY"):
            answers.append(
                gql(
                    trust_lead,
                    trust,
                    f"{{ benchmark(phase: {phase}, metric: {metric}) {{ schools median lowerQuartile upperQuartile }} }}",
                )[1]
            )

    # 1. No count from 1 to 4 appears anywhere in any answer's figures.
    def figures_in(node):
        if isinstance(node, dict):
            if {"value", "suppressed"} <= node.keys():
                yield node
            for value in node.values():
                yield from figures_in(value)
        elif isinstance(node, list):
            for value in node:
                yield from figures_in(value)

    for answer in answers:
        assert "errors" not in answer, answer
        for figure in figures_in(answer["data"]):
            assert figure["value"] is None or not (
                0 < figure["value"] < 5 and float(figure["value"]).is_integer() and figure["display"].isdigit()
            ), figure
            if figure["suppressed"]:
                assert figure["value"] is None and figure["display"] in ("Fewer than 5", "Suppressed")

    # 2. Everything shown about a school, put together, gives no small cell away.
    for school in body["data"]["schools"]:
        row = next(r for r in rows.values() if r.organisation.slug == school["slug"])
        cells, sums, hidden = _cells(row)
        shown = {}
        labelled_suppressed = set()
        figs = school["figures"]
        for name in cells:
            if name in hidden:
                continue
            if ":" in name:
                prefix, key = name.split(":", 1)
                group = {"need": "byPrimaryNeed", "year": "byYearGroup", "sex": "bySex"}[prefix]
                item = next(i for i in figs[group] if i["key"] == key)["figure"]
            else:
                item = figs["".join(w.title() if i else w for i, w in enumerate(name.split("_")))]
            shown[name] = None if item["value"] is None else int(item["value"])
            if item["display"] == "Suppressed":
                labelled_suppressed.add(name)
        # (Compare and trend answers repeat these same figures: see the test below.)
        assert not small_cells_recovered(cells, sums, shown, hidden, labelled_suppressed), school["slug"]
        # Rates on a suppressed count are suppressed: the rate times the roll cannot rebuild it.
        if shown["sen_support"] is None:
            assert figs["senSupportRate"]["suppressed"] and figs["costPerPupil"]["suppressed"]

    # 3. Benchmarks are built only from figures that are shown, so they hide nothing away either.
    primary_rows = [r for r in rows.values() if r.phase == "primary"]
    from send_graphql.selectors import serve

    shown_rates = [serve(r)["ehc_plan_rate"] for r in primary_rows]
    _, answer = gql(trust_lead, trust, "{ benchmark(phase: PRIMARY, metric: EHC_PLAN_RATE) { schools median } }")
    assert answer["data"]["benchmark"]["schools"] == sum(1 for f in shown_rates if f.status == "shown")


def test_compare_values_match_the_schools_figures_exactly(trust, trust_lead, school_b, secondary, gql):
    _small_school_rows([school_b, secondary], [])
    _, schools = gql(trust_lead, trust, SCHOOLS_QUERY)
    by_slug = {s["slug"]: s["figures"] for s in schools["data"]["schools"]}
    for key in METRICS:
        camel = "".join(w.title() if i else w for i, w in enumerate(key.split("_")))
        _, body = gql(
            trust_lead, trust, f"{{ compare(metric: {key.upper()}) {{ school {{ slug }} figure {FIGURE} }} }}"
        )
        for entry in body["data"]["compare"]:
            assert entry["figure"] == by_slug[entry["school"]["slug"]][camel], key


def test_benchmarks_are_quartiles_of_shown_figures_of_the_phase(school_a, school_b, member, gql):
    figures_row(school_a, pupils_on_roll=200, sen_support=30)
    figures_row(school_b, pupils_on_roll=100, sen_support=20)
    figures_row(school_a, on=TODAY - datetime.timedelta(days=40), sen_support=90)  # older rows do not count
    _, body = gql(
        member(school_a, "senco"),
        school_a,
        "{ benchmark(phase: PRIMARY, metric: SEN_SUPPORT_RATE) { schools available median lowerQuartile upperQuartile } }",
    )
    b = body["data"]["benchmark"]
    # Only two primary schools here: fewer than the minimum, so no benchmark.
    assert b == {"schools": 2, "available": False, "median": None, "lowerQuartile": None, "upperQuartile": None}


def test_benchmarks_appear_once_enough_schools_contribute(school_a, school_b, member, gql, settings):
    settings.CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS = 2
    figures_row(school_a, pupils_on_roll=200, sen_support=30)
    figures_row(school_b, pupils_on_roll=100, sen_support=20)
    _, body = gql(
        member(school_a, "senco"), school_a, "{ benchmark(phase: PRIMARY, metric: SEN_SUPPORT_RATE) { median } }"
    )
    # 17.5%, rounded to a whole percentage.
    assert statistics.median([Decimal("15"), Decimal("20")]) == Decimal("17.5")
    assert body["data"]["benchmark"]["median"] == 18.0


def test_trend_gives_the_latest_figures_of_each_month(school_a, member, gql):
    for days, k in ((65, 10), (35, 11), (0, 12)):
        figures_row(school_a, on=MONTH_END - datetime.timedelta(days=days), sen_support=k)
    figures_row(school_a, on=TODAY, sen_support=13)  # this month is not over: not a point yet
    _, body = gql(
        member(school_a, "senco"),
        school_a,
        '{ trend(school: "ashgrove", metric: SEN_SUPPORT, months: 6) { on figure { value } } }',
    )
    values = [p["figure"]["value"] for p in body["data"]["trend"]]
    assert values[-1] == 12 and len(values) <= 3 and values == sorted(values)
    _, body = gql(
        member(school_a, "senco"), school_a, '{ trend(school: "ashgrove", metric: SEN_SUPPORT, months: 99) { on } }'
    )
    assert body["errors"][0]["message"] == "Ask for between 1 and 36 months."


# --- Limits ---------------------------------------------------------------------------------------


def test_a_query_too_deep_is_refused_plainly(school_a, member, gql):
    deep = "{ compare(metric: EHC_PLAN) { school { figures { byPrimaryNeed { figure { value } } } } } }"
    status, body = gql(member(school_a, "senco"), school_a, deep)
    assert status == 400 and "exceeds maximum operation depth" in body["errors"][0]["message"]


def test_too_many_aliases_are_refused(school_a, member, gql):
    query = "{ " + " ".join(f"a{i}: metrics {{ key }}" for i in range(25)) + " }"
    status, body = gql(member(school_a, "senco"), school_a, query)
    assert status == 400 and body["errors"][0]["message"] == "This query uses more than 20 aliases."


def test_a_query_that_costs_too_much_is_refused(school_a, member, gql, settings):
    settings.CAIRN_GRAPHQL_MAX_COST = 500
    status, body = gql(member(school_a, "senco"), school_a, SCHOOLS_QUERY)
    assert status == 400 and body["errors"][0]["message"].startswith("This query asks for too much at once")


def test_introspection_is_off_in_production(school_a, member, gql, settings):
    user = member(school_a, "senco")
    settings.CAIRN_GRAPHQL_INTROSPECTION = True
    status, body = gql(user, school_a, "{ __schema { queryType { name } } }")
    assert status == 200 and body["data"]["__schema"]["queryType"]["name"] == "Query"
    settings.CAIRN_GRAPHQL_INTROSPECTION = False
    status, body = gql(user, school_a, "{ __schema { queryType { name } } }")
    assert status == 400 and "introspection is disabled" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "payload",
    [
        '{"query": "{ schools { "}',
        '{"query": "{ nothing }"}',
        "not json",
        '{"query": "{ compare(metric: NOPE) { on } }"}',
        "{}",
    ],
)
def test_bad_queries_get_a_clear_error_never_a_500(school_a, member, client_for, payload):
    client = client_for(member(school_a, "senco"), school_a)
    response = client.post("/graphql/", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "query { ...a } fragment a on Query { ...b } fragment b on Query { ...a }",
        "query { ...nowhere }",
        "{ schools { ...s } } fragment s on School { figures { ...s } }",
    ],
)
def test_fragment_cycles_and_unknown_fragments_are_refused_plainly(school_a, member, gql, query, caplog):
    with caplog.at_level("ERROR"):
        status, body = gql(member(school_a, "senco"), school_a, query)
    assert status == 400 and body["errors"][0]["message"]
    assert "could not be answered" not in body["errors"][0]["message"]
    assert not [r for r in caplog.records if r.exc_info]


def test_errors_make_no_guesses_at_names_when_introspection_is_off(school_a, member, gql, settings):
    user = member(school_a, "senco")
    settings.CAIRN_GRAPHQL_INTROSPECTION = False
    status, body = gql(user, school_a, "{ schol { nam } }")
    assert status == 400 and "Did you mean" not in json.dumps(body)
    settings.CAIRN_GRAPHQL_INTROSPECTION = True
    status, body = gql(user, school_a, "{ schol { nam } }")
    assert "Did you mean" in json.dumps(body)


def test_benchmarks_cost_a_lot_and_months_are_read_from_variables(school_a, member, gql, settings):
    user = member(school_a, "senco")
    settings.CAIRN_GRAPHQL_MAX_COST = 10_000
    many = "{ " + " ".join(f"b{i}: benchmark(phase: PRIMARY, metric: EHC_PLAN) {{ median }}" for i in range(6)) + " }"
    status, body = gql(user, school_a, many)
    assert status == 400 and body["errors"][0]["message"].startswith("This query asks for too much at once")

    settings.CAIRN_GRAPHQL_MAX_COST = 100
    query = 'query ($m: Int) { trend(school: "ashgrove", metric: SEN_SUPPORT, months: $m) { on figure { value } } }'
    status, body = gql(user, school_a, query, {"m": 1})
    assert status == 200, body
    status, body = gql(user, school_a, query, {"m": 36})
    assert status == 400 and "cost 109" in body["errors"][0]["message"]


# --- Reporting keys ---------------------------------------------------------------------------------


def _api(key: str | None, organisation, query: str = "{ scope { organisation schools } schools { slug } }"):
    client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    response = client.post(
        "/api/reporting/graphql/", json.dumps({"query": query}), content_type="application/json", **headers
    )
    return response.status_code, response.json()


def test_a_reporting_key_reads_its_organisations_scope_until_revoked(trust, trust_lead, school_a, school_b, secondary):
    made = create_reporting_token(organisation=trust, name="Power BI", by=trust_lead, roles=frozenset({"send_lead"}))
    token = ReportingToken.objects.get(pk=made.token.pk)
    assert token.key_hash == hash_token(made.key) and made.key not in str(token.__dict__)

    status, body = _api(made.key, trust)
    assert status == 200 and {s["slug"] for s in body["data"]["schools"]} == {"birchwood", "cedar-high"}
    token.refresh_from_db()
    assert token.last_used_at is not None

    # Not at another organisation's address, and not once revoked.
    assert _api(made.key, school_a)[0] == 401
    revoke_reporting_token(organisation=trust, token_id=token.pk, by=trust_lead, roles=frozenset({"send_lead"}))
    status, body = _api(made.key, trust)
    assert status == 401 and "revoked" in body["errors"][0]["message"]


def test_the_reporting_api_wants_a_key(school_a):
    assert _api(None, school_a)[0] == 401
    assert _api("cairn_rpt_made-up", school_a)[0] == 401


def test_only_leaders_make_or_revoke_keys(school_a, trust, member):
    from django.core.exceptions import PermissionDenied, ValidationError

    governor = member(school_a, "governor")
    with pytest.raises(PermissionDenied):
        create_reporting_token(organisation=school_a, name="x", by=governor, roles=frozenset({"governor"}))
    senco = member(school_a, "senco")
    with pytest.raises(ValidationError) as error:
        create_reporting_token(organisation=school_a, name="  ", by=senco, roles=frozenset({"senco"}))
    assert "name" in error.value.message_dict
    made = create_reporting_token(organisation=school_a, name="Governors' pack", by=senco, roles=frozenset({"senco"}))
    lead = member(trust, "send_lead")
    with pytest.raises(ValidationError):
        # Another organisation's leader cannot reach this key.
        revoke_reporting_token(organisation=trust, token_id=made.token.pk, by=lead, roles=frozenset({"send_lead"}))


def test_a_comparison_costs_the_same_queries_however_many_schools(
    trust, trust_lead, school_b, secondary, gql, django_assert_max_num_queries
):
    _small_school_rows([school_b, secondary], [])
    from django.test import Client as _Client

    client = _Client(HTTP_HOST=trust.get_primary_domain().domain)
    client.force_login(trust_lead)
    with django_assert_max_num_queries(16):
        gql(trust_lead, trust, SCHOOLS_QUERY, client=client)


def test_an_unexpected_failure_inside_a_resolver_tells_the_caller_nothing_of_it(school_a, member, gql, monkeypatch):
    from send_graphql import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("relation reporting_schoolfigures: secret detail")

    monkeypatch.setattr(selectors, "compare", broken)
    status, body = gql(member(school_a, "senco"), school_a, "{ compare(metric: EHC_PLAN) { on } }")
    assert status == 200 and body["errors"][0]["message"] == "The query could not be answered. Try again later."
    assert "secret" not in json.dumps(body)


def test_a_repeated_query_is_answered_from_the_cache_until_figures_are_refreshed(
    trust, trust_lead, school_b, secondary, client_for, django_assert_max_num_queries
):
    figures_row(school_b, sen_support=30)
    figures_row(secondary)
    client = client_for(trust_lead, trust)
    query = json.dumps({"query": "{ compare(metric: SEN_SUPPORT) { school { slug } figure { value } } }"})
    first = client.post("/graphql/", query, content_type="application/json").json()
    with django_assert_max_num_queries(10) as captured:
        again = client.post("/graphql/", query, content_type="application/json").json()
    assert again == first
    assert not any(
        "reporting_schoolfigures" in q["sql"] and "DISTINCT ON" in q["sql"] for q in captured.captured_queries
    )

    figures_row(school_b, sen_support=31)  # a refresh
    fresh = client.post("/graphql/", query, content_type="application/json").json()
    assert {c["figure"]["value"] for c in fresh["data"]["compare"]} >= {31.0}

    # Another organisation's identical query never gets this answer.
    from tests.factories import MembershipFactory, UserFactory

    other_lead = UserFactory()
    MembershipFactory(user=other_lead, organisation=school_b, role="senco")
    theirs = client_for(other_lead, school_b).post("/graphql/", query, content_type="application/json").json()
    assert [c["school"]["slug"] for c in theirs["data"]["compare"]] == ["birchwood"]


def test_a_query_in_the_address_of_a_post_cannot_poison_the_cached_answer(
    trust, trust_lead, school_b, secondary, client_for
):
    figures_row(school_b, sen_support=30)
    figures_row(secondary)
    client = client_for(trust_lead, trust)
    compare = json.dumps({"query": "{ compare(metric: SEN_SUPPORT) { school { slug } figure { value } } }"})
    poison = client.post("/graphql/?query={scope{organisation}}", compare, content_type="application/json")
    assert poison.status_code == 400 and "body" in poison.json()["errors"][0]["message"]
    assert client.post("/graphql/?variables={}", compare, content_type="application/json").status_code == 400
    answer = client.post("/graphql/", compare, content_type="application/json").json()
    assert {c["school"]["slug"] for c in answer["data"]["compare"]} == {"birchwood", "cedar-high"}


def test_two_gets_with_different_queries_get_their_own_answers(trust, trust_lead, school_b, secondary, client_for):
    figures_row(school_b, sen_support=30)
    figures_row(secondary)
    client = client_for(trust_lead, trust)
    scope = client.get("/graphql/", {"query": "{ scope { organisation } }"}).json()
    compare = client.get("/graphql/", {"query": "{ compare(metric: SEN_SUPPORT) { school { slug } } }"}).json()
    assert "scope" in scope["data"] and "compare" in compare["data"]
    assert {c["school"]["slug"] for c in compare["data"]["compare"]} == {"birchwood", "cedar-high"}


def test_no_small_count_can_be_recovered_from_ehc_timeliness(la, member, gql):
    from send_graphql.models import EhcTimeliness
    from send_graphql.selectors import TIMELINESS_RATES

    months = [
        (12, 10, 8, 6, 5, 20, 17),  # 2 late decisions, 1 late plan, 3 late reviews
        (30, 3, 3, 0, 0, 9, 9),  # small numbers due
        (40, 25, 22, 12, 6, 30, 0),
    ]
    first = TODAY.replace(day=1)
    for back, values in enumerate(months):
        month = (first - datetime.timedelta(days=31 * back)).replace(day=1)
        EhcTimeliness.objects.create(
            organisation=la,
            month=month,
            **dict(
                zip(
                    [
                        "requests_received",
                        "decisions_due",
                        "decisions_within_6_weeks",
                        "plans_due",
                        "plans_within_20_weeks",
                        "annual_reviews_due",
                        "annual_reviews_decided_within_4_weeks",
                    ],
                    values,
                    strict=True,
                )
            ),
        )
    fields = [
        "requestsReceived",
        "decisionsDue",
        "decisionsWithin6Weeks",
        "decisionsWithin6WeeksRate",
        "plansDue",
        "plansWithin20Weeks",
        "plansWithin20WeeksRate",
        "annualReviewsDue",
        "annualReviewsDecidedWithin4Weeks",
        "annualReviewsWithin4WeeksRate",
    ]
    query = "{ ehcTimeliness(months: 6) { month " + " ".join(f"{f} {FIGURE}" for f in fields) + " } }"
    # The LA's own staff see its casework exact; a reporting key is served it protected.
    manager = member(la, "sen_manager")
    made = create_reporting_token(organisation=la, name="Power BI", by=manager, roles=frozenset({"sen_manager"}))
    status, body = _api(made.key, la, query)
    assert status == 200, body
    answered = {row["month"]: row for row in body["data"]["ehcTimeliness"]}
    for row in EhcTimeliness.objects.filter(organisation=la):
        shown_row = answered[row.month.isoformat()]
        cells, sums, hidden = {}, [], []
        shown = {}
        for on_time, due in TIMELINESS_RATES.values():
            late = f"{due}_late"
            cells.update(
                {
                    due: getattr(row, due),
                    on_time: getattr(row, on_time),
                    late: getattr(row, due) - getattr(row, on_time),
                }
            )
            hidden.append(late)
            sums.append((due, (on_time, late)))
            for name in (due, on_time):
                camel = "".join(w.title() if i else w for i, w in enumerate(name.split("_")))
                value = shown_row[camel]["value"]
                assert value is None or not 0 < value < 5
                shown[name] = None if value is None else int(value)
        assert not small_cells_recovered(cells, sums, shown, hidden), row.month
        # A rate is shown only when both of its counts are.
        for rate, (on_time, due) in TIMELINESS_RATES.items():
            camel = "".join(w.title() if i else w for i, w in enumerate(rate.split("_")))
            if shown[on_time] is None or shown[due] is None:
                assert shown_row[camel]["suppressed"]


def test_serving_many_rows_never_fails_when_the_memo_is_smaller_than_the_answer(
    school_a, school_b, secondary, monkeypatch
):
    """Serving missing rows evicts others from the memo; the answer must still hold every school."""
    from send_graphql import selectors

    from .conftest import figures_row

    rows = [figures_row(school) for school in (school_a, school_b, secondary)]
    monkeypatch.setattr(selectors, "SERVED_MEMO_SIZE", 1)
    selectors._served.clear()
    selectors.serve(rows[-1])
    served = selectors.served_latest([row.organisation_id for row in rows])
    assert set(served) == {row.organisation_id for row in rows}


def test_figures_are_served_only_at_month_ends_or_the_latest_refresh(school_a, member, gql):
    from send_graphql.selectors import snapshot_day

    this_month = TODAY.replace(day=1)
    last_month_end = this_month - datetime.timedelta(days=1)
    before_that = last_month_end.replace(day=1) - datetime.timedelta(days=1)
    figures_row(school_a, on=before_that, sen_support=20)
    figures_row(school_a, on=last_month_end.replace(day=10), sen_support=21)
    figures_row(school_a, on=last_month_end.replace(day=20), sen_support=22)
    figures_row(school_a, on=TODAY, sen_support=23)
    user = member(school_a, "senco")

    def sen_support(on: datetime.date | None) -> float:
        argument = f'(on: "{on.isoformat()}")' if on else ""
        _, body = gql(user, school_a, f"{{ schools {{ figures{argument} {{ on senSupport {{ value }} }} }} }}")
        return body["data"]["schools"][0]["figures"]["senSupport"]["value"]

    assert sen_support(None) == 23  # the latest refresh
    # Any day of last month before its end: the month end before it, whatever the day asked.
    assert sen_support(last_month_end.replace(day=15)) == 20
    assert sen_support(last_month_end.replace(day=25)) == 20
    # Last month's end: the last refresh that month.
    assert sen_support(last_month_end) == 22
    assert snapshot_day(datetime.date(2026, 2, 28)) == datetime.date(2026, 2, 28)
    assert snapshot_day(datetime.date(2026, 3, 30)) == datetime.date(2026, 2, 28)


def test_a_cached_answer_lasts_until_one_of_its_own_schools_is_refreshed(
    trust, trust_lead, school_a, school_b, secondary, gql
):
    from send_graphql import versions

    for school in (school_a, school_b, secondary):
        figures_row(school)
    query = "{ compare(metric: SEN_SUPPORT) { school { slug } figure { value } } }"

    def birchwood():
        status, body = gql(trust_lead, trust, query)
        assert status == 200, body
        return next(row["figure"]["value"] for row in body["data"]["compare"] if row["school"]["slug"] == "birchwood")

    from send_graphql.models import SchoolFigures

    assert birchwood() == 30
    # The figures change in the table without a refresh being announced: the cached answer stands...
    SchoolFigures.objects.filter(organisation=school_b).update(
        sen_support=40,
        by_primary_need={"ASD": 16, "SEMH": 10, "SPLD": 20},
        by_sex={"F": 20, "M": 26},
        refreshed_at=timezone.now(),
    )
    versions.bump(school_a.pk)  # ...and so it does when a school outside the trust is refreshed;
    assert birchwood() == 30
    versions.bump(school_b.pk)  # one of the trust's own schools refreshed: the answer is worked out again.
    assert birchwood() == 40


def test_a_refresh_moves_its_schools_version_and_the_platforms():
    from send_graphql import versions

    mine, other = versions.version_of([1]), versions.version_of([1], platform=True)
    versions.bump(2)
    assert versions.version_of([1]) == mine
    assert versions.version_of([1], platform=True) != other
    versions.bump(1)
    assert versions.version_of([1]) != mine
