"""Every reporting measure, declared once: its name, its label in words, its census code, what it is
worked out from, and how it is protected when served.

GraphQL's fields and resolvers (`schema.py`), the measures offered for comparison (`selectors.METRICS`),
the stored columns (`services.store_school_figures`) and the CSV headings (`views/downloads.py`) are
all derived from these declarations. To add a measure: declare it here, add its model field (and
migration) if it is stored, and work it out in `figures.py`.
"""

from __future__ import annotations

from dataclasses import dataclass


class Protection:
    """How a measure is protected when served (see `suppression.py`)."""

    # A count in the school's table: suppressed from 1 to 4, and wherever a suppressed count could be worked back.
    COUNT = "count"
    # A percentage of two counts: shown only when both are.
    RATE = "rate"
    # Provision cost per pupil: also suppressed when few pupils are costed or one pupil's cost dominates.
    COST_PER_PUPIL = "cost per pupil"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str  # "count" | "percent" | "money", for display and the rounding of benchmarks
    description: str  # GraphQL's description of the field
    protection: str = Protection.COUNT
    # The census code, where one exists (SEN provision K and E), shown beside the label in CSV headings.
    code: str = ""
    # The stored columns (of SchoolFigures) it is worked out from; none for a figure of other figures.
    stored: tuple[str, ...] = ()
    # For a rate: the counts it is a percentage of (numerator, denominator).
    rate_of: tuple[str, str] | None = None
    # A stored column that may be null ("not available"), rather than zero.
    optional: bool = False

    @property
    def csv_heading(self) -> str:
        return f"{self.label} ({self.code})" if self.code else self.label


def _count(key: str, label: str, description: str, *, code: str = "", optional: bool = False) -> Metric:
    return Metric(key, label, "count", description, code=code, stored=(key,), optional=optional)


def _rate(key: str, label: str, description: str, of: tuple[str, str]) -> Metric:
    return Metric(key, label, "percent", description, protection=Protection.RATE, rate_of=of)


# A school's measures, in the order the GraphQL type lists them.
SCHOOL_METRICS: tuple[Metric, ...] = (
    _count("pupils_on_roll", "Pupils on roll", "Pupils on roll."),
    _count("monitoring", "Pupils being monitored", "Pupils at a monitoring stage (census N)."),
    Metric(
        "on_register",
        "Pupils on the SEN register",
        "count",
        "Pupils on the SEN register (SEN Support and EHC plans).",
    ),
    _count("sen_support", "Pupils at SEN Support", "Pupils at SEN Support (census K).", code="K"),
    _count("ehc_plan", "Pupils with an EHC plan", "Pupils with an EHC plan (census E).", code="E"),
    _rate(
        "sen_support_rate",
        "Pupils at SEN Support (% of roll)",
        "Pupils at SEN Support, as a percentage of the roll.",
        ("sen_support", "pupils_on_roll"),
    ),
    _rate(
        "ehc_plan_rate",
        "Pupils with an EHC plan (% of roll)",
        "Pupils with an EHC plan, as a percentage of the roll.",
        ("ehc_plan", "pupils_on_roll"),
    ),
    _rate(
        "on_register_rate",
        "Pupils on the SEN register (% of roll)",
        "Pupils on the SEN register, as a percentage of the roll.",
        ("on_register", "pupils_on_roll"),
    ),
    _count("plans_due_review", "Plans due review", "Pupils on the register long enough to be due reviews."),
    _count(
        "plans_reviewed_on_time",
        "Plans reviewed on time",
        "Of those, pupils who had every review the toolkit expects.",
    ),
    _rate(
        "reviewed_on_time_rate",
        "Plans reviewed on time (%)",
        "Plans reviewed on time, as a percentage.",
        ("plans_reviewed_on_time", "plans_due_review"),
    ),
    _count("outcomes_judged", "Outcomes judged", "Outcomes judged at reviews in the last 12 months."),
    _count("outcomes_met", "Outcomes met or exceeded", "Of those, outcomes met or exceeded."),
    _rate(
        "outcomes_met_rate",
        "Outcomes met or exceeded (%)",
        "Outcomes met or exceeded, as a percentage.",
        ("outcomes_met", "outcomes_judged"),
    ),
    Metric(
        "cost_per_pupil",
        "Provision cost per pupil at SEN Support",
        "money",
        "Costed provision per pupil at SEN Support this academic year (£).",
        protection=Protection.COST_PER_PUPIL,
        stored=("sen_support_cost_total", "sen_support_costed_pupils", "sen_support_cost_dominated"),
        optional=True,
    ),
    _count(
        "ehc_requests_made",
        "EHC needs assessment requests made (12 months)",
        "EHC needs assessment requests made in the last 12 months.",
        optional=True,
    ),
    _count(
        "ehc_requests_agreed",
        "EHC needs assessment requests agreed (12 months)",
        "Of those, requests the local authority agreed.",
        optional=True,
    ),
)

SCHOOL_METRIC = {metric.key: metric for metric in SCHOOL_METRICS}

# The measures offered for comparing, trends and benchmarks, in the order they are offered.
OFFERED = (
    "pupils_on_roll",
    "on_register",
    "sen_support",
    "ehc_plan",
    "monitoring",
    "sen_support_rate",
    "ehc_plan_rate",
    "on_register_rate",
    "reviewed_on_time_rate",
    "outcomes_met_rate",
    "cost_per_pupil",
    "ehc_requests_made",
    "ehc_requests_agreed",
)

# A school's pupils on the register, broken down (each stored as {group: pupils}).
BREAKDOWNS = ("by_primary_need", "by_year_group", "by_sex")


def stored_fields() -> tuple[str, ...]:
    """The columns of SchoolFigures a refresh writes."""
    return (*(name for metric in SCHOOL_METRICS for name in metric.stored), *BREAKDOWNS)


# A local authority's EHC casework in a month, in the order the GraphQL type lists them.
TIMELINESS_METRICS: tuple[Metric, ...] = (
    Metric(
        "requests_received",
        "EHC needs assessment requests received",
        "count",
        "EHC needs assessment requests received.",
        stored=("requests_received",),
    ),
    Metric(
        "decisions_due",
        "Decisions to assess due",
        "count",
        "Decisions whether to assess that fell due.",
        stored=("decisions_due",),
    ),
    Metric(
        "decisions_within_6_weeks",
        "Decisions to assess within 6 weeks",
        "count",
        "Of those, decided within 6 weeks.",
        stored=("decisions_within_6_weeks",),
    ),
    _rate(
        "decisions_within_6_weeks_rate",
        "Decisions to assess within 6 weeks (%)",
        "Decisions within 6 weeks, as a percentage.",
        ("decisions_within_6_weeks", "decisions_due"),
    ),
    Metric(
        "plans_due",
        "EHC plans due",
        "count",
        "Final plans (or notices of no plan) that fell due.",
        stored=("plans_due",),
    ),
    Metric(
        "plans_within_20_weeks",
        "EHC plans issued within 20 weeks",
        "count",
        "Of those, issued within 20 weeks.",
        stored=("plans_within_20_weeks",),
    ),
    _rate(
        "plans_within_20_weeks_rate",
        "EHC plans issued within 20 weeks (%)",
        "Plans within 20 weeks, as a percentage.",
        ("plans_within_20_weeks", "plans_due"),
    ),
    Metric(
        "annual_reviews_due",
        "Annual review decisions due",
        "count",
        "Annual review decisions that fell due.",
        stored=("annual_reviews_due",),
    ),
    Metric(
        "annual_reviews_decided_within_4_weeks",
        "Annual review decisions within 4 weeks",
        "count",
        "Of those, decided within 4 weeks of the meeting.",
        stored=("annual_reviews_decided_within_4_weeks",),
    ),
    _rate(
        "annual_reviews_within_4_weeks_rate",
        "Annual review decisions within 4 weeks (%)",
        "Annual reviews decided within 4 weeks, as a percentage.",
        ("annual_reviews_decided_within_4_weeks", "annual_reviews_due"),
    ),
)

TIMELINESS_FIELDS = tuple(m.key for m in TIMELINESS_METRICS if m.rate_of is None)
TIMELINESS_RATES = {m.key: m.rate_of for m in TIMELINESS_METRICS if m.rate_of is not None}
