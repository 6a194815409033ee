"""A pupil's SEND record as plain data, for the next school: what a transition file carries.

The same dictionary is what the secondary SENCO reads under a grant, what travels in a
transition-file envelope, and what the PDF for a school not on Cairn prints. It holds only
strings, numbers, booleans, lists and dicts (dates as ISO strings), so it can be sealed as
JSON and can never be saved back as a model.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from ..kinds import kinds_in_section
from ..models import (
    AgencyInvolvement,
    Assessment,
    Diagnosis,
    Document,
    MedicalCondition,
    OutcomeProgress,
    PlanOutcome,
    PlanStatus,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Review,
    ReviewStatus,
    SupportPlan,
)
from ..selectors.plans import one_page_profile

logger = logging.getLogger(__name__)

RECORD_FORMAT = "cairn.transition_file"
RECORD_VERSION = 1

# The parts of the record a primary SENCO chooses to hand on, in the order the file shows them.
SECTIONS: dict[str, str] = {
    "needs": "Needs, diagnoses and register history",
    "plan": "Current plan and the strategies that work",
    "reviews": "Reviews",
    "provision": "Provision and its impact",
    "agencies": "Agencies involved",
    "ehc_plan": "EHC plan",
    "medical": "Medical information",
    "profile": "One-page profile",
    "documents": "Chosen documents",
}
DEFAULT_SECTIONS = tuple(SECTIONS)

PUPIL_FLAGS = (
    "eal",
    "pupil_premium",
    "looked_after",
    "previously_looked_after",
    "service_child",
    "young_carer",
    "medical_needs",
)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _plain(value: Any) -> Any:
    """Dataclasses, dates and decimals turned into JSON-safe values, all the way down."""
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return _iso(value)


def _written_by_kinds(section: str, pupil: Pupil) -> list[Any]:
    """What the kinds owned by domain apps write into a section (the EHC plan), through the registry."""
    parts = [kind.write_to_file(pupil) for kind in kinds_in_section(section) if kind.write_to_file is not None]
    return [_plain(part) for part in parts if part is not None]


def has_ehc_plan(pupil: Pupil) -> bool:
    """Whether the pupil has a current EHC plan to hand on."""
    return bool(_written_by_kinds("ehc_plan", pupil))


def _school(organisation: Any) -> dict[str, str]:
    if organisation is None:
        return {}
    return {
        "name": organisation.name,
        "urn": organisation.urn,
        "la_code": organisation.la_code,
        "establishment_number": organisation.establishment_number,
    }


def _pupil(pupil: Pupil) -> dict[str, Any]:
    return {
        "upn": pupil.upn,
        "legal_first_name": pupil.legal_first_name,
        "preferred_name": pupil.preferred_name,
        "last_name": pupil.last_name,
        "display_name": pupil.display_name,
        "date_of_birth": _iso(pupil.date_of_birth),
        "sex": pupil.sex,
        "nc_year": pupil.nc_year,
        "year_label": pupil.get_nc_year_display(),
        "admission_date": _iso(pupil.admission_date),
        "flags": {name: getattr(pupil, name) for name in PUPIL_FLAGS},
        "attendance_percentage": _iso(pupil.attendance_percentage),
    }


def _needs(pupil: Pupil) -> dict[str, Any]:
    needs = PupilNeed.objects.filter(pupil_id=pupil.pk).order_by("ended_on", "rank", "started_on", "id")
    return {
        "needs": [
            {
                "need_type": need.need_type,
                "need_label": need.get_need_type_display(),
                "area": need.area,
                "area_label": need.get_area_display(),
                "rank": need.rank,
                "rank_label": need.get_rank_display(),
                "started_on": _iso(need.started_on),
                "ended_on": _iso(need.ended_on),
                "notes": need.notes,
            }
            for need in needs
        ],
        "diagnoses": [
            {
                "name": diagnosis.name,
                "diagnosed_on": _iso(diagnosis.diagnosed_on),
                "source_label": diagnosis.get_source_display(),
                "source_detail": diagnosis.source_detail,
            }
            for diagnosis in Diagnosis.objects.filter(pupil_id=pupil.pk)
        ],
        "register": [
            {
                "stage_label": entry.stage_label,
                "census_code": entry.census_code,
                "started_on": _iso(entry.started_on),
                "ended_on": _iso(entry.ended_on),
                "reason": entry.reason,
            }
            for entry in RegisterEntry.objects.filter(pupil_id=pupil.pk).order_by("started_on", "id")
        ],
    }


def _current_plan(pupil: Pupil) -> SupportPlan | None:
    plans = SupportPlan.objects.filter(pupil_id=pupil.pk, status__in=[PlanStatus.ACTIVE, PlanStatus.DRAFT])
    plans = plans.prefetch_related(Prefetch("outcomes", queryset=PlanOutcome.objects.order_by("order", "id")))
    plans = list(plans.prefetch_related("provision"))
    return next((p for p in plans if p.status == PlanStatus.ACTIVE), None) or next(iter(plans), None)


def _plan(plan: SupportPlan | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {
        "title": plan.title,
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "child_views": plan.child_views,
        "parent_views": plan.parent_views,
        "strengths": plan.strengths,
        "needs_summary": plan.needs_summary,
        "strategies": plan.strategies,
        "starts_on": _iso(plan.starts_on),
        "review_due_on": _iso(plan.review_due_on),
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


def _provision(plan: SupportPlan | None, pupil: Pupil) -> dict[str, Any]:
    lines = list(plan.provision.all()) if plan is not None else []
    assessments = Assessment.objects.filter(pupil_id=pupil.pk).order_by("kind", "assessed_on", "id")
    return {
        "provision": [
            {
                "description": line.description,
                "frequency": line.frequency,
                "staff_role": line.staff_role,
                "weekly_minutes": line.weekly_minutes,
            }
            for line in lines
        ],
        # Impact: the attainment points the provision was measured by, over time.
        "assessments": [
            {
                "kind": item.kind,
                "kind_label": item.get_kind_display(),
                "assessed_on": _iso(item.assessed_on),
                "value": _iso(item.value),
                "instrument": item.instrument,
                "subject": item.subject,
            }
            for item in assessments
        ],
    }


def _reviews(pupil: Pupil) -> list[dict[str, Any]]:
    reviews = (
        Review.objects.filter(pupil_id=pupil.pk, status=ReviewStatus.CLOSED)
        .prefetch_related(Prefetch("progress", queryset=OutcomeProgress.objects.select_related("outcome")))
        .order_by("-held_on", "-id")
    )
    return [
        {
            "held_on": _iso(review.held_on),
            "decision": review.decision,
            "decision_label": review.get_decision_display(),
            "child_views": review.child_views,
            "parent_views": review.parent_views,
            "notes": review.notes,
            "progress": [
                {
                    "outcome": item.outcome.description,
                    "progress": item.progress,
                    "progress_label": item.get_progress_display(),
                    "comment": item.comment,
                }
                for item in review.progress.all()
            ],
        }
        for review in reviews
    ]


def _agencies(pupil: Pupil) -> list[dict[str, Any]]:
    return [
        {
            "agency": item.agency.name,
            "kind": item.agency.kind,
            "kind_label": item.agency.get_kind_display(),
            "referred_on": _iso(item.referred_on),
            "status": item.status,
            "status_label": item.get_status_display(),
            "report_received_on": _iso(item.report_received_on),
            "closed_on": _iso(item.closed_on),
        }
        for item in AgencyInvolvement.objects.filter(pupil_id=pupil.pk).select_related("agency")
    ]


def _medical(pupil: Pupil) -> list[dict[str, Any]]:
    return [
        {
            "condition": item.condition,
            "has_care_plan": item.has_care_plan,
            "care_plan_review_on": _iso(item.care_plan_review_on),
            "medication": item.medication,
            "notes": item.notes,
        }
        for item in MedicalCondition.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True)
    ]


def _ehc_plan(pupil: Pupil) -> dict[str, Any] | None:
    parts = _written_by_kinds("ehc_plan", pupil)
    return parts[0] if parts else None


def chosen_documents(pupil: Pupil, document_ids: Iterable[int]) -> list[Document]:
    """The pupil's own documents among `document_ids` (anyone else's are ignored)."""
    ids = {int(i) for i in document_ids}
    return list(Document.objects.filter(pupil_id=pupil.pk, pk__in=ids).order_by("-uploaded_at", "-id")) if ids else []


def transition_record(
    pupil: Pupil,
    *,
    school: Any,
    sections: Iterable[str] = DEFAULT_SECTIONS,
    documents: Iterable[Document] = (),
) -> dict[str, Any]:
    """The pupil's record as plain data, with only the chosen sections (read in the school's schema)."""
    chosen = [key for key in SECTIONS if key in set(sections)]
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "version": RECORD_VERSION,
        "school": _school(school),
        "pupil": _pupil(pupil),
        "sections": chosen,
    }
    plan = _current_plan(pupil) if {"plan", "provision"} & set(chosen) else None
    if "needs" in chosen:
        record.update(_needs(pupil))
    if "plan" in chosen:
        record["plan"] = _plan(plan)
    if "reviews" in chosen:
        record["reviews"] = _reviews(pupil)
    if "provision" in chosen:
        record.update(_provision(plan, pupil))
    if "agencies" in chosen:
        record["agencies"] = _agencies(pupil)
    if "ehc_plan" in chosen:
        ehc = _ehc_plan(pupil)
        if ehc is None:
            chosen.remove("ehc_plan")
        else:
            record["ehc_plan"] = ehc
    if "medical" in chosen:
        record["medical"] = _medical(pupil)
    if "profile" in chosen:
        profile = one_page_profile(pupil)
        record["profile"] = _plain(profile) if profile is not None else None
    if "documents" in chosen:
        record["documents"] = [{"title": d.title, "kind_label": d.get_kind_display()} for d in documents]
    return record
