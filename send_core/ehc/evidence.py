"""What a school holds as evidence for an EHC needs assessment request, item by item of its toolkit's checklist."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from send_core.kinds import record_kinds
from send_core.models import (
    AgencyInvolvement,
    Assessment,
    Diagnosis,
    MedicalCondition,
    PlanOutcome,
    Pupil,
    Review,
    ReviewStatus,
    SupportPlan,
)
from send_core.toolkit import Toolkit

from .models import EhcRequest


@dataclass
class EvidenceRow:
    """One item of the toolkit's checklist: whether the school holds it, and what it would send."""

    key: str
    label: str
    required: bool
    held: bool
    summary: str
    content: list[dict[str, Any]] | str = field(default_factory=list)


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _plans(pupil: Pupil) -> list[dict[str, Any]]:
    plans = (
        SupportPlan.objects.filter(pupil=pupil)
        .exclude(status="draft")
        .prefetch_related(Prefetch("outcomes", queryset=PlanOutcome.objects.order_by("order", "id")), "provision")
    )
    return [
        {
            "title": plan.title,
            "status": plan.get_status_display(),
            "starts_on": _iso(plan.starts_on),
            "needs": plan.needs_summary,
            "what_works": plan.strategies,
            "outcomes": [
                {
                    "description": outcome.description,
                    "measure": outcome.measure,
                    "baseline": outcome.baseline,
                    "target": outcome.target,
                    "target_date": _iso(outcome.target_date),
                }
                for outcome in plan.outcomes.all()
            ],
        }
        for plan in plans
    ]


def _reviews(pupil: Pupil) -> list[dict[str, Any]]:
    reviews = (
        Review.objects.filter(pupil=pupil, status=ReviewStatus.CLOSED)
        .prefetch_related("progress__outcome")
        .order_by("held_on", "id")
    )
    return [
        {
            "held_on": _iso(review.held_on),
            "decision": review.get_decision_display(),
            "discussion": review.notes,
            "progress": [
                {"outcome": item.outcome.description, "progress": item.get_progress_display(), "comment": item.comment}
                for item in review.progress.all()
            ],
        }
        for review in reviews
    ]


def _provision(pupil: Pupil, today: datetime.date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "description": item.description,
            "frequency": item.frequency,
            "staff_role": item.staff_role,
            "weekly_minutes": item.weekly_minutes,
            "plan": item.plan.title,
        }
        for item in pupil_plan_provision(pupil)
    ]
    cost = _annual_cost(pupil, today)
    if cost is not None and rows:
        rows.append({"description": "Costed provision over the last 12 months", "cost": f"£{cost:,.2f}"})
    return rows


def pupil_plan_provision(pupil: Pupil) -> QuerySet:
    from send_core.models import PlanProvision

    return (
        PlanProvision.objects.filter(plan__pupil=pupil, plan__status__in=["active", "reviewed", "closed"])
        .select_related("plan")
        .order_by("-plan__created_at", "order")
    )


def _annual_cost(pupil: Pupil, today: datetime.date) -> Decimal | None:
    """The pupil's costed provision over the last year, from the kinds that cost it (the provision map)."""
    costs = [kind.annual_cost(pupil, today) for kind in record_kinds() if kind.annual_cost is not None]
    known = [cost for cost in costs if cost is not None]
    return sum(known, Decimal(0)) if known else None


def _attainment(pupil: Pupil) -> list[dict[str, Any]]:
    return [
        {
            "kind": item.get_kind_display(),
            "assessed_on": _iso(item.assessed_on),
            "value": str(item.value if item.value is not None else ""),
            "instrument": item.instrument,
            "subject": item.subject,
        }
        for item in Assessment.objects.filter(pupil=pupil).order_by("kind", "assessed_on", "id")
    ]


def _advice(pupil: Pupil) -> list[dict[str, Any]]:
    return [
        {
            "agency": involvement.agency.name,
            "kind": involvement.agency.get_kind_display(),
            "referred_on": _iso(involvement.referred_on),
            "status": involvement.get_status_display(),
            "report_received_on": _iso(involvement.report_received_on),
            "notes": involvement.notes,
        }
        for involvement in AgencyInvolvement.objects.filter(pupil=pupil).select_related("agency")
    ]


def _health(pupil: Pupil) -> list[dict[str, Any]]:
    conditions = [
        {"condition": item.condition, "care_plan": item.has_care_plan, "medication": item.medication}
        for item in MedicalCondition.objects.filter(pupil=pupil, ended_on__isnull=True)
    ]
    diagnoses = [
        {"diagnosis": item.name, "diagnosed_on": _iso(item.diagnosed_on), "source": item.get_source_display()}
        for item in Diagnosis.objects.filter(pupil=pupil)
    ]
    return conditions + diagnoses


def _count(content: list | str) -> int:
    return len(content) if isinstance(content, list) else int(bool(content.strip()))


def _summary(key: str, content: list | str) -> str:
    if isinstance(content, str):
        return "Written" if content.strip() else "Not written yet"
    n = len(content)
    if not n:
        return "Nothing recorded in Cairn"
    words = {
        "plans": ("plan", "plans"),
        "reviews": ("review", "reviews"),
        "provision": ("item of provision", "items of provision"),
        "attainment": ("assessment", "assessments"),
        "professional_advice": ("agency involved", "agencies involved"),
        "health": ("health record", "health records"),
    }.get(key, ("record", "records"))
    return f"{n} {words[0] if n == 1 else words[1]}"


def evidence_for(request: EhcRequest, toolkit: Toolkit, *, today: datetime.date) -> list[EvidenceRow]:
    """The toolkit's evidence checklist against what the school holds for the pupil.

    An item the school's records cannot supply (a local toolkit's own kind of evidence) is held
    once the school attaches at least one document to the request.
    """
    pupil = request.pupil
    gatherers = {
        "plans": lambda: _plans(pupil),
        "reviews": lambda: _reviews(pupil),
        "provision": lambda: _provision(pupil, today),
        "attainment": lambda: _attainment(pupil),
        "professional_advice": lambda: _advice(pupil),
        "health": lambda: _health(pupil),
        "parent_views": lambda: request.parent_views,
        "child_views": lambda: request.child_views,
    }
    rows = []
    for item in toolkit.ehc_evidence:
        gather = gatherers.get(item.key)
        if gather is None:
            held = bool(request.document_ids)
            summary = "Attach the documents that show this" if not held else "In the attached documents"
            rows.append(EvidenceRow(item.key, item.label, item.required, held, summary, []))
            continue
        content = gather()
        count = _count(content)
        summary = _summary(item.key, content)
        if 0 < count < item.minimum:
            # Counted honestly: one review is not the two a toolkit may ask for before a request.
            summary = f"{summary}; {toolkit.name} asks for {item.minimum}"
        rows.append(EvidenceRow(item.key, item.label, item.required, count >= item.minimum, summary, content))
    return rows


def missing_evidence(rows: Iterable[EvidenceRow], included: Iterable[str]) -> list[EvidenceRow]:
    """Required items the request does not carry: not held, or not chosen."""
    chosen = set(included)
    return [row for row in rows if row.required and (not row.held or row.key not in chosen)]
