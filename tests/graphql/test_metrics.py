"""Each reporting measure is declared once (send_graphql.metrics); what is stored, served, offered and
downloaded follows from the declarations."""

import dataclasses

from send_graphql.figures import SchoolCounts
from send_graphql.metrics import (
    BREAKDOWNS,
    OFFERED,
    SCHOOL_METRIC,
    SCHOOL_METRICS,
    TIMELINESS_METRICS,
    Protection,
    stored_fields,
)
from send_graphql.models import EhcTimeliness, SchoolFigures
from send_graphql.schema import schema
from send_graphql.selectors import METRICS

# Columns of a figures row that are not figures: whose, when, and the phase copied for benchmarks.
SCHOOL_BOOKKEEPING = {"id", "organisation", "on", "phase", "refreshed_at"}
MONTH_BOOKKEEPING = {"id", "organisation", "month", "refreshed_at"}


def _columns(model) -> set[str]:
    return {field.name for field in model._meta.concrete_fields}


def test_every_declared_school_measure_has_its_stored_columns_and_every_column_a_measure():
    assert set(stored_fields()) == _columns(SchoolFigures) - SCHOOL_BOOKKEEPING
    assert len(stored_fields()) == len(set(stored_fields()))


def test_every_declared_casework_measure_has_its_column_and_every_column_a_measure():
    stored = {name for metric in TIMELINESS_METRICS for name in metric.stored}
    assert stored == _columns(EhcTimeliness) - MONTH_BOOKKEEPING


def test_a_school_refresh_works_out_every_stored_column():
    assert set(stored_fields()) == {f.name for f in dataclasses.fields(SchoolCounts)} - {"on", "not_available"}


def test_a_rate_is_of_two_declared_counts_and_only_declared_measures_are_offered():
    for metrics in (SCHOOL_METRICS, TIMELINESS_METRICS):
        counts = {m.key for m in metrics if m.protection == Protection.COUNT}
        for metric in metrics:
            assert (metric.protection == Protection.RATE) == (metric.rate_of is not None)
            if metric.rate_of:
                assert set(metric.rate_of) <= counts, metric.key
    assert set(OFFERED) <= set(SCHOOL_METRIC) and list(METRICS) == list(OFFERED)


def test_graphql_has_a_field_for_every_declared_measure():
    figures = schema.graphql_schema.get_type("SchoolFigures").fields
    month = schema.graphql_schema.get_type("TimelinessMonth").fields
    camel = schema.graphql_schema.get_type("Metric").values
    for metric in SCHOOL_METRICS:
        assert figures[_camel(metric.key)].type.of_type.name == "Figure"
    for metric in TIMELINESS_METRICS:
        assert month[_camel(metric.key)].type.of_type.name == "Figure"
    assert set(camel) == {key.upper() for key in OFFERED}
    assert not set(BREAKDOWNS) & set(SCHOOL_METRIC)


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def test_csv_headings_carry_the_census_code():
    assert SCHOOL_METRIC["sen_support"].csv_heading == "Pupils at SEN Support (K)"
    assert SCHOOL_METRIC["ehc_plan"].csv_heading == "Pupils with an EHC plan (E)"
    assert SCHOOL_METRIC["pupils_on_roll"].csv_heading == "Pupils on roll"
