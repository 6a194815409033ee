"""The EHC app's kinds of record on a pupil, and how the school's copy of an EHC plan travels in a transition file.

Registered from EhcConfig.ready(); the transition file reaches the plan only through the registry.
"""

from __future__ import annotations

import datetime
from typing import Any

from send_core.kinds import ImportedPart, RecordKind, RecordSection, register_record_kind
from send_core.models import Pupil
from send_core.services.base import AuditAction, audit

from .models import PLAN_SECTIONS, REQUIRED_SECTIONS, AnnualReview, EhcPlan, EhcPlanStatus, EhcRequest
from .requests.selectors import current_ehc_plan


def plan_for_file(pupil: Pupil) -> dict[str, Any] | None:
    """The pupil's final EHC plan as plain data for the transition file; None when the school holds none."""
    plan = current_ehc_plan(pupil)
    if plan is None:
        return None
    return {
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "version": plan.version,
        "local_authority": str(plan.local_authority_name or ""),
        "sections": [{key: str(value) for key, value in section.items()} for section in plan.sections()],
    }


def _issued_on(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def plan_from_file(pupil: Pupil, item: Any, school: str, user: Any) -> ImportedPart:
    """The EHC plan comes in as this school's copy of the final plan, when the file carries a whole one."""
    if not isinstance(item, dict):
        return ImportedPart()
    letters = {key: letter for key, letter, _ in PLAN_SECTIONS}
    texts: dict[str, str] = {}
    for section in item.get("sections") or []:
        if isinstance(section, dict) and section.get("key") in letters:
            texts[section["key"]] = ("" if section.get("text") is None else str(section.get("text"))).strip()
    issued_on = _issued_on(item.get("issued_on"))
    missing = [letters[key] for key, _, _ in PLAN_SECTIONS if key in REQUIRED_SECTIONS and not texts.get(key)]
    if EhcPlan.objects.filter(pupil=pupil, status=EhcPlanStatus.FINAL).exists():
        return ImportedPart(skipped=("EHC plan (this school already holds a final EHC plan for the pupil)",))
    if missing or issued_on is None:
        gaps = [f"section{'s' if len(missing) > 1 else ''} {', '.join(missing)}"] if missing else []
        if issued_on is None:
            gaps.append("the date it was issued")
        return ImportedPart(
            skipped=(
                f"EHC plan ({' and '.join(gaps)} missing from the file; ask the local authority for the final plan)",
            )
        )
    version = item.get("version")
    authority = "" if item.get("local_authority") is None else str(item.get("local_authority"))
    plan = EhcPlan(
        pupil=pupil,
        status=EhcPlanStatus.FINAL,
        version=version if isinstance(version, int) and not isinstance(version, bool) and version > 0 else 1,
        issued_on=issued_on,
        local_authority_name=authority[:200].strip(),
        **{f"section_{key}": text for key, text in texts.items()},
    )
    plan.full_clean()
    plan.save()
    audit(
        actor=user,
        action=AuditAction.CREATE,
        obj=plan,
        pupil_id=pupil.pk,
        summary=f"Kept the EHC plan that came with the transition file from {school}"[:255],
    )
    return ImportedPart(added={"EHC plan": 1})


EHC_KINDS = (
    RecordKind(
        "ehc_plans",
        "EHC plans",
        (EhcPlan,),
        transition_section="ehc_plan",
        write_to_file=plan_for_file,
        read_from_file=plan_from_file,
        section=RecordSection("ehc", "EHC", "ehc:pupil-ehc", 90),
    ),
    RecordKind(
        "ehc_requests",
        "EHC needs-assessment requests",
        (EhcRequest,),
        stays_with_school="a request is between this school and its LA; the plan it led to travels",
    ),
    RecordKind(
        "annual_reviews",
        "Annual reviews of the EHC plan",
        (AnnualReview,),
        stays_with_school="the LA keeps the reviews; what they changed is in the plan's latest version, which travels",
    ),
)


def register() -> None:
    for kind in EHC_KINDS:
        register_record_kind(kind)
