"""Acts on support plans: drafting, outcomes and provision, activating, closing; every change is versioned.

The plan is named by the school's toolkit when it is made (SEN Support Plan, One Plan, …) and the
toolkit may cap how many outcomes it holds. An active plan's outcomes are SMART: each has a
measure, a baseline, a target and a target date.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    ON_REGISTER_CODES,
    AgencyInvolvement,
    AreaOfNeed,
    CensusCode,
    InvolvementStatus,
    OutcomeProgress,
    PlanOutcome,
    PlanProvision,
    PlanStatus,
    PlanVersion,
    Pupil,
    RegisterEntry,
    SupportPlan,
)
from ..permissions import require_edit_send_record
from ..toolkit import TOOLKITS, Toolkit, current_toolkit
from .base import AuditAction, acting_roles, audit, check_choice, check_not_future, long_date, require_text, today
from .concurrency import check_not_stale

PLAN_SECTION_FIELDS = ("child_views", "parent_views", "strengths", "needs_summary", "strategies")
PLAN_FIELDS = frozenset({*PLAN_SECTION_FIELDS, "starts_on", "review_due_on"})
OUTCOME_FIELDS = frozenset({"description", "measure", "baseline", "target", "target_date", "area"})
PROVISION_FIELDS = frozenset({"description", "frequency", "staff_role", "weekly_minutes", "provision_group_id"})
SMART_PARTS = {
    "measure": "how progress will be measured",
    "baseline": "a baseline (where the pupil is now)",
    "target": "a target",
    "target_date": "a target date",
}


# --- Snapshots and versions ------------------------------------------------------------------


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def plan_snapshot(plan: SupportPlan) -> dict[str, Any]:
    """The whole plan (with its outcomes and provision) as plain data, as kept in each PlanVersion."""
    outcome_fields = ("id", "order", *sorted(OUTCOME_FIELDS), "carried_from_id")
    provision_fields = ("id", "order", *sorted(PROVISION_FIELDS))
    return {
        "id": plan.pk,
        "pupil_id": plan.pupil_id,
        "title": plan.title,
        "toolkit_key": plan.toolkit_key,
        "status": plan.status,
        "version": plan.version,
        **{name: getattr(plan, name) for name in PLAN_SECTION_FIELDS},
        **{
            name: _iso(getattr(plan, name))
            for name in ("starts_on", "review_due_on", "activated_on", "closed_on", "last_reviewed_on")
        },
        "last_review_decision": plan.last_review_decision,
        "ehc_request_recommended": plan.ehc_request_recommended,
        "previous_id": plan.previous_id,
        "outcomes": [
            {name: _iso(getattr(outcome, name)) for name in outcome_fields}
            for outcome in PlanOutcome.objects.filter(plan_id=plan.pk).order_by("order", "id")
        ],
        "provision": [
            {name: getattr(item, name) for name in provision_fields}
            for item in PlanProvision.objects.filter(plan_id=plan.pk).order_by("order", "id")
        ],
    }


def _record_version(plan: SupportPlan, *, changed_by: Any, summary: str, first: bool = False) -> PlanVersion:
    if not first:
        plan.version += 1
        plan.save(update_fields=["version", "updated_at"])
    return PlanVersion.objects.create(
        plan=plan, version=plan.version, snapshot=plan_snapshot(plan), changed_by=changed_by, summary=summary[:255]
    )


# --- Checks ----------------------------------------------------------------------------------


def _lock_editable(plan: SupportPlan) -> SupportPlan:
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_editable:
        raise ValidationError(
            f"This {plan.title} is {plan.get_status_display().lower()}, so it can no longer be changed. "
            "Changes go into a new or revised plan."
        )
    return plan


def _toolkit_of(plan: SupportPlan) -> Toolkit:
    return TOOLKITS.get(plan.toolkit_key) or current_toolkit()


def _check_dates(plan: SupportPlan) -> None:
    if plan.starts_on and plan.review_due_on and plan.review_due_on < plan.starts_on:
        raise ValidationError({"review_due_on": "The review date is before the plan starts."})


def _smart_problem(outcome: PlanOutcome, *, starts_on: datetime.date | None) -> str | None:
    missing = [SMART_PARTS[name] for name in outcome.missing_smart_parts]
    if missing:
        return f"Outcome {outcome.order} needs {_join(missing)}."
    if starts_on and outcome.target_date and outcome.target_date < starts_on:
        return f"Outcome {outcome.order}'s target date is before the plan starts ({long_date(starts_on)})."
    return None


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _check_outcome_limit(plan: SupportPlan, count: int) -> None:
    toolkit = _toolkit_of(plan)
    if toolkit.max_outcomes is not None and count > toolkit.max_outcomes:
        raise ValidationError(toolkit.outcome_limit_message())


def _next_order(model: type[PlanOutcome] | type[PlanProvision], plan: SupportPlan) -> int:
    orders = list(model.objects.filter(plan_id=plan.pk).values_list("order", flat=True))
    return max(orders, default=0) + 1


def _clean_fields(instance: Any, names: list[str]) -> None:
    exclude = [f.name for f in instance._meta.fields if f.name not in names]
    instance.full_clean(exclude=exclude, validate_constraints=False)


# --- The plan --------------------------------------------------------------------------------


def _check_agency_involved(pupil: Pupil, toolkit: Toolkit) -> None:
    """Manchester: a Pupil Passport is for a pupil at SEN Support with outside-agency involvement
    (a pupil with an EHC plan has one for the short-term targets towards its outcomes)."""
    current = RegisterEntry.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True).first()
    if current is not None and current.census_code == CensusCode.EHC_PLAN:
        return
    involved = AgencyInvolvement.objects.filter(pupil_id=pupil.pk).exclude(status=InvolvementStatus.DECLINED)
    if not involved.exists():
        raise ValidationError(
            f"Under {toolkit.name} a {toolkit.plan_name} is written for a pupil at SEN Support once an outside "
            "agency is involved. Record the agency's involvement first (Agencies and consent)."
        )


@transaction.atomic
def create_plan(pupil: Pupil, *, created_by: Any, **sections: Any) -> SupportPlan:
    """Start a draft plan for a pupil, named by the school's toolkit (one draft at a time)."""
    require_edit_send_record(acting_roles(created_by))
    unknown = set(sections) - PLAN_FIELDS
    if unknown:
        raise ValueError(f"Not a plan section: {', '.join(sorted(unknown))}")
    Pupil.objects.select_for_update().get(pk=pupil.pk)
    toolkit = current_toolkit()
    if SupportPlan.objects.filter(pupil=pupil, status=PlanStatus.DRAFT).exists():
        raise ValidationError(f"This pupil already has a draft {toolkit.plan_name}: carry on with that one.")
    if toolkit.setting("plan_needs_agency_at_sen_support"):
        _check_agency_involved(pupil, toolkit)
    plan = SupportPlan(pupil=pupil, title=toolkit.plan_name, toolkit_key=toolkit.key, created_by=created_by, **sections)
    _check_dates(plan)
    _clean_fields(plan, list(sections))
    plan.save()
    _record_version(plan, changed_by=created_by, summary="Drafted", first=True)
    audit(actor=created_by, action=AuditAction.CREATE, obj=plan, pupil_id=pupil.pk, fields=sections)
    return plan


@transaction.atomic(durable=True)
def update_plan(plan: SupportPlan, *, changed_by: Any, seen_version: str | None = None, **changes: Any) -> SupportPlan:
    """Change a draft or active plan's sections or dates (a new version is kept).

    `seen_version` is the plan's version when the editor was drawn: the form posts every section, so
    a save from a page drawn before someone else's save would put their words back; it is refused.
    """
    require_edit_send_record(acting_roles(changed_by))
    unknown = set(changes) - PLAN_FIELDS
    if unknown:
        raise ValueError(f"Not a plan section: {', '.join(sorted(unknown))}")
    plan = _lock_editable(plan)
    check_not_stale(plan, seen_version, what=plan.title, fields=changes)
    changed = [name for name, value in changes.items() if getattr(plan, name) != value]
    if not changed:
        return plan
    for name in changed:
        setattr(plan, name, changes[name])
    if plan.status == PlanStatus.ACTIVE and not plan.review_due_on:
        raise ValidationError({"review_due_on": "An active plan needs a review date."})
    _check_dates(plan)
    _clean_fields(plan, changed)
    plan.save()
    _record_version(plan, changed_by=changed_by, summary=f"Changed {', '.join(sorted(changed))}")
    audit(actor=changed_by, action=AuditAction.UPDATE, obj=plan, pupil_id=plan.pupil_id, fields=changed)
    return plan


@transaction.atomic
def activate_plan(plan: SupportPlan, *, activated_by: Any, on: datetime.date | None = None) -> SupportPlan:
    """Make a draft plan the pupil's active plan once its outcomes are SMART (review due a term on, unless set)."""
    require_edit_send_record(acting_roles(activated_by))
    Pupil.objects.select_for_update().get(pk=plan.pupil_id)
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    on = on or today()
    check_not_future(on, "on", "The date the plan starts")
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(f"Only a draft plan can be made active; this one is {plan.get_status_display().lower()}.")
    stage = RegisterEntry.objects.filter(pupil_id=plan.pupil_id, ended_on__isnull=True).first()
    if stage is None or stage.census_code not in ON_REGISTER_CODES:
        support = current_toolkit().first_stage_for(CensusCode.SEN_SUPPORT).label
        raise ValidationError(f"Place the pupil at {support} before making their {plan.title} active.")
    active = SupportPlan.objects.filter(pupil_id=plan.pupil_id, status=PlanStatus.ACTIVE).first()
    if active is not None:
        raise ValidationError(
            f"The pupil already has an active {active.title}. Review it (deciding to revise) or close it first."
        )
    toolkit = _toolkit_of(plan)
    outcomes = list(PlanOutcome.objects.filter(plan=plan).order_by("order", "id"))
    starts_on = plan.starts_on or on
    problems: list[str] = []
    if not outcomes:
        problems.append(f"Add at least one outcome before making the {plan.title} active.")
    problems += [p for p in (_smart_problem(o, starts_on=starts_on) for o in outcomes) if p]
    if toolkit.max_outcomes is not None and len(outcomes) > toolkit.max_outcomes:
        problems.append(toolkit.outcome_limit_message())
    if problems:
        raise ValidationError(problems)
    plan.status = PlanStatus.ACTIVE
    plan.activated_on = on
    plan.starts_on = starts_on
    if not plan.review_due_on:
        plan.review_due_on = starts_on + datetime.timedelta(days=365 // max(toolkit.reviews_per_year, 1))
    _check_dates(plan)
    plan.save()
    _record_version(plan, changed_by=activated_by, summary="Made active")
    audit(
        actor=activated_by,
        action=AuditAction.UPDATE,
        obj=plan,
        pupil_id=plan.pupil_id,
        fields=["status", "activated_on", "starts_on", "review_due_on"],
        summary="Plan made active",
    )
    return plan


@transaction.atomic
def close_plan_on_leaving(plan: SupportPlan, *, on: datetime.date, closed_by: Any) -> SupportPlan:
    """Close a plan because the pupil has left the register or the school (callers check permission)."""
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_editable:
        return plan
    plan.status = PlanStatus.CLOSED
    plan.closed_on = max(on, plan.starts_on or on)
    plan.save()
    _record_version(plan, changed_by=closed_by, summary="Closed")
    audit(actor=closed_by, action=AuditAction.UPDATE, obj=plan, pupil_id=plan.pupil_id, fields=["status", "closed_on"])
    return plan


@transaction.atomic(durable=True)
def close_plan(plan: SupportPlan, *, closed_by: Any, on: datetime.date | None = None) -> SupportPlan:
    """Close a draft (set aside) or active plan; it can no longer be changed."""
    require_edit_send_record(acting_roles(closed_by))
    plan = _lock_editable(plan)
    on = on or today()
    check_not_future(on, "on", "The date the plan closes")
    if plan.starts_on and on < plan.starts_on and plan.status == PlanStatus.ACTIVE:
        raise ValidationError({"on": "A plan cannot close before it started."})
    return close_plan_on_leaving(plan, on=on, closed_by=closed_by)


# --- Outcomes --------------------------------------------------------------------------------


@transaction.atomic
def add_outcome(
    plan: SupportPlan,
    *,
    changed_by: Any,
    description: str,
    measure: str = "",
    baseline: str = "",
    target: str = "",
    target_date: datetime.date | None = None,
    area: str = "",
) -> PlanOutcome:
    """Add an outcome (checked against the toolkit's cap; SMART at once if the plan is active)."""
    require_edit_send_record(acting_roles(changed_by))
    plan = _lock_editable(plan)
    _check_outcome_limit(plan, PlanOutcome.objects.filter(plan=plan).count() + 1)
    if area:
        check_choice(area, AreaOfNeed, "area", "the broad area of need")
    outcome = PlanOutcome(
        plan=plan,
        order=_next_order(PlanOutcome, plan),
        description=require_text(description, "description", "Describe the outcome."),
        measure=measure.strip(),
        baseline=baseline.strip(),
        target=target.strip(),
        target_date=target_date,
        area=area,
    )
    _check_active_outcome(plan, outcome)
    _clean_fields(outcome, list(OUTCOME_FIELDS))
    outcome.save()
    _record_version(plan, changed_by=changed_by, summary=f"Added outcome {outcome.order}")
    audit(actor=changed_by, action=AuditAction.CREATE, obj=outcome, pupil_id=plan.pupil_id, detail={"plan_id": plan.pk})
    return outcome


def _apply_changes(row: Any, changes: dict[str, Any], *, strip: bool = False) -> list[str]:
    """Set the fields whose values differ on `row`; return their names (nothing saved yet)."""
    changed = [name for name, value in changes.items() if getattr(row, name) != value]
    for name in changed:
        value = changes[name]
        setattr(row, name, value.strip() if strip and isinstance(value, str) else value)
    return changed


def _check_active_outcome(plan: SupportPlan, outcome: PlanOutcome) -> None:
    if plan.status == PlanStatus.ACTIVE:
        problem = _smart_problem(outcome, starts_on=plan.starts_on)
        if problem:
            raise ValidationError(f"{problem} Outcomes of an active plan must be SMART.")


@transaction.atomic
def update_outcome(
    outcome: PlanOutcome, *, changed_by: Any, seen_version: str | None = None, **changes: Any
) -> PlanOutcome:
    """Change an outcome's wording, measure, baseline, target, date or area."""
    require_edit_send_record(acting_roles(changed_by))
    unknown = set(changes) - OUTCOME_FIELDS
    if unknown:
        raise ValueError(f"Not part of an outcome: {', '.join(sorted(unknown))}")
    plan = _lock_editable(outcome.plan)
    outcome = PlanOutcome.objects.get(pk=outcome.pk)
    # The plan row locked above serialises every change to its outcome.
    check_not_stale(outcome, seen_version, what="outcome", fields=sorted(OUTCOME_FIELDS))
    changed = _apply_changes(outcome, changes, strip=True)
    if not changed:
        return outcome
    require_text(outcome.description, "description", "Describe the outcome.")
    if outcome.area:
        check_choice(outcome.area, AreaOfNeed, "area", "the broad area of need")
    _check_active_outcome(plan, outcome)
    _clean_fields(outcome, changed)
    outcome.save()
    _record_version(plan, changed_by=changed_by, summary=f"Changed outcome {outcome.order}")
    audit(
        actor=changed_by,
        action=AuditAction.UPDATE,
        obj=outcome,
        pupil_id=plan.pupil_id,
        fields=changed,
        detail={"plan_id": plan.pk},
    )
    return outcome


@transaction.atomic(durable=True)
def remove_outcome(outcome: PlanOutcome, *, changed_by: Any) -> None:
    """Remove an outcome not yet reviewed (the removal is kept as a plan version)."""
    require_edit_send_record(acting_roles(changed_by))
    plan = _lock_editable(outcome.plan)
    if OutcomeProgress.objects.filter(outcome_id=outcome.pk).exists():
        raise ValidationError(
            "Progress towards this outcome has been reviewed, so it stays on the plan. "
            "Revise the plan at its next review to change its outcomes."
        )
    if plan.status == PlanStatus.ACTIVE and PlanOutcome.objects.filter(plan=plan).count() <= 1:
        raise ValidationError("An active plan needs at least one outcome.")
    order, outcome_id = outcome.order, outcome.pk
    PlanOutcome.objects.filter(pk=outcome_id).delete()
    _record_version(plan, changed_by=changed_by, summary=f"Removed outcome {order}")
    audit(
        actor=changed_by,
        action=AuditAction.DELETE,
        obj=PlanOutcome(pk=outcome_id),
        pupil_id=plan.pupil_id,
        detail={"plan_id": plan.pk},
    )


# --- Provision -------------------------------------------------------------------------------


@transaction.atomic
def add_provision(
    plan: SupportPlan,
    *,
    changed_by: Any,
    description: str,
    frequency: str = "",
    staff_role: str = "",
    weekly_minutes: int | None = None,
    provision_group_id: int | None = None,
) -> PlanProvision:
    """Add provision the plan relies on (what, how often, who, minutes a week)."""
    require_edit_send_record(acting_roles(changed_by))
    plan = _lock_editable(plan)
    item = PlanProvision(
        plan=plan,
        order=_next_order(PlanProvision, plan),
        description=require_text(description, "description", "Describe the provision."),
        frequency=frequency.strip(),
        staff_role=staff_role.strip(),
        weekly_minutes=weekly_minutes,
        provision_group_id=provision_group_id,
    )
    _clean_fields(item, list(PROVISION_FIELDS))
    item.save()
    _record_version(plan, changed_by=changed_by, summary="Added provision")
    audit(actor=changed_by, action=AuditAction.CREATE, obj=item, pupil_id=plan.pupil_id, detail={"plan_id": plan.pk})
    return item


@transaction.atomic(durable=True)
def update_provision(
    item: PlanProvision, *, changed_by: Any, seen_version: str | None = None, **changes: Any
) -> PlanProvision:
    """Change a piece of the plan's provision."""
    require_edit_send_record(acting_roles(changed_by))
    unknown = set(changes) - PROVISION_FIELDS
    if unknown:
        raise ValueError(f"Not part of provision: {', '.join(sorted(unknown))}")
    plan = _lock_editable(item.plan)
    item = PlanProvision.objects.get(pk=item.pk)
    # The plan row locked above serialises every change to its provision.
    check_not_stale(item, seen_version, what="provision", fields=sorted(PROVISION_FIELDS))
    changed = _apply_changes(item, changes)
    if not changed:
        return item
    require_text(item.description, "description", "Describe the provision.")
    _clean_fields(item, changed)
    item.save()
    _record_version(plan, changed_by=changed_by, summary="Changed provision")
    audit(
        actor=changed_by,
        action=AuditAction.UPDATE,
        obj=item,
        pupil_id=plan.pupil_id,
        fields=changed,
        detail={"plan_id": plan.pk},
    )
    return item


@transaction.atomic(durable=True)
def remove_provision(item: PlanProvision, *, changed_by: Any) -> None:
    """Remove a piece of provision from the plan (kept in the plan's versions)."""
    require_edit_send_record(acting_roles(changed_by))
    plan = _lock_editable(item.plan)
    item_id = item.pk
    PlanProvision.objects.filter(pk=item_id).delete()
    _record_version(plan, changed_by=changed_by, summary="Removed provision")
    audit(
        actor=changed_by,
        action=AuditAction.DELETE,
        obj=PlanProvision(pk=item_id),
        pupil_id=plan.pupil_id,
        detail={"plan_id": plan.pk},
    )


# --- Revision (from a review) ----------------------------------------------------------------


@transaction.atomic
def revise_plan(
    plan: SupportPlan, *, created_by: Any, carried_outcome_ids: set[int], review_due_on: datetime.date | None
) -> SupportPlan:
    """Copy a plan into a new draft carrying the given outcomes forward (called by `close_review`)."""
    toolkit = current_toolkit()
    if SupportPlan.objects.filter(pupil_id=plan.pupil_id, status=PlanStatus.DRAFT).exists():
        raise ValidationError(
            f"The pupil already has a draft {toolkit.plan_name}. Make it active or close it before revising this plan."
        )
    draft = SupportPlan.objects.create(
        pupil_id=plan.pupil_id,
        title=toolkit.plan_name,
        toolkit_key=toolkit.key,
        status=PlanStatus.DRAFT,
        review_due_on=review_due_on,
        created_by=created_by,
        previous=plan,
        **{name: getattr(plan, name) for name in PLAN_SECTION_FIELDS},
    )
    carried = [o for o in PlanOutcome.objects.filter(plan=plan).order_by("order", "id") if o.pk in carried_outcome_ids]
    PlanOutcome.objects.bulk_create(
        [
            PlanOutcome(
                plan=draft,
                order=index,
                carried_from=outcome,
                **{name: getattr(outcome, name) for name in OUTCOME_FIELDS},
            )
            for index, outcome in enumerate(carried, start=1)
        ]
    )
    PlanProvision.objects.bulk_create(
        [
            PlanProvision(plan=draft, order=item.order, **{name: getattr(item, name) for name in PROVISION_FIELDS})
            for item in PlanProvision.objects.filter(plan=plan).order_by("order", "id")
        ]
    )
    _record_version(
        draft, changed_by=created_by, summary=f"Drafted from the review of version {plan.version}", first=True
    )
    audit(
        actor=created_by,
        action=AuditAction.CREATE,
        obj=draft,
        pupil_id=plan.pupil_id,
        detail={"previous_plan_id": plan.pk, "carried_outcome_ids": sorted(carried_outcome_ids)},
    )
    return draft
