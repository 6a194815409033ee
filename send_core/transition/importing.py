"""Bringing a transition file into the next school's own register (in that school's schema).

The pupil is matched by UPN, date of birth and surname to a pupil already here, else added.
Their history comes with them: register entries (the feeder school's stage names kept as they
were, then the pupil is placed at the matching stage of this school's toolkit), needs and
diagnoses, the feeder school's plan (closed, so this school writes its own) with its reviews,
agencies, medical conditions and assessments, and the EHC plan as the school's own copy.
Importing the same file again, on any day, adds nothing twice: the plan carries the key of the
file it came in (a hash of its contents), so a later file's plan of the same title is its own plan
with its own reviews, and a need the file gives no start date is keyed by its type and end.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..kinds import record_kinds
from ..models import (
    AREA_FOR_NEED_TYPE,
    NUMERIC_ASSESSMENT_KINDS,
    Agency,
    AgencyInvolvement,
    AgencyKind,
    AreaOfNeed,
    Assessment,
    AssessmentKind,
    CensusCode,
    Diagnosis,
    DiagnosisSource,
    InvolvementStatus,
    MedicalCondition,
    NCYear,
    NeedRank,
    NeedType,
    OutcomeProgress,
    PlanOutcome,
    PlanProvision,
    PlanStatus,
    Progress,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Review,
    ReviewDecision,
    ReviewStatus,
    Sex,
    SupportPlan,
)
from ..permissions import require_edit_send_record
from ..services.base import AuditAction, acting_roles, audit, today
from ..services.pupils import create_pupil
from ..toolkit import current_toolkit
from ..upn import normalise_upn, validate_upn
from .records import RECORD_FORMAT, RECORD_VERSION


@dataclass
class ImportedFile:
    """What importing a transition file did."""

    pupil: Pupil
    matched: bool
    added: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _date(value: Any) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def _text(value: Any, limit: int | None = None) -> str:
    text = "" if value is None else str(value)
    return text[:limit] if limit else text


def _choice(value: Any, choices: Any, default: str) -> str:
    return value if value in choices.values else default


def check_record(record: Any) -> dict[str, Any]:
    """The record's pupil details, if this is a transition file Cairn can read; ValidationError otherwise."""
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        raise ValidationError("This is not a Cairn transition file.")
    if record.get("version") != RECORD_VERSION:
        raise ValidationError(f"This transition file is version {record.get('version')}, which Cairn cannot read.")
    pupil = record.get("pupil")
    if not isinstance(pupil, dict):
        raise ValidationError("The transition file has no pupil details.")
    upn = normalise_upn(_text(pupil.get("upn")))
    try:
        validate_upn(upn)
    except ValidationError:
        raise ValidationError(f"The transition file's UPN {upn or '(blank)'} is not a valid UPN.") from None
    if not _date(pupil.get("date_of_birth")):
        raise ValidationError("The transition file has no valid date of birth.")
    if pupil.get("sex") not in Sex.values or pupil.get("nc_year") not in NCYear.values:
        raise ValidationError("The transition file's sex or year group is not one Cairn knows.")
    if not _text(pupil.get("legal_first_name")).strip() or not _text(pupil.get("last_name")).strip():
        raise ValidationError("The transition file has no name for the pupil.")
    return {**pupil, "upn": upn}


def file_key(record: dict[str, Any]) -> str:
    """The provenance key of a transition file: the same file always gives the same key."""
    canonical = json.dumps(record, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _surname_key(value: Any) -> str:
    return " ".join(_text(value).split()).casefold()


def match_by_upn(upn: str, *, date_of_birth: datetime.date | None, last_name: str) -> Pupil | None:
    """The pupil here with this UPN (leavers too), locked, if there is one and they are the same child.

    A UPN alone is not enough: a mistyped or reused UPN would otherwise pour one child's record into
    another's. The date of birth and surname must match as well, or the import is refused and says why.
    """
    existing = Pupil.objects.select_for_update().filter(upn=upn).first()
    if existing is None:
        return None
    mismatched = []
    if existing.date_of_birth != date_of_birth:
        mismatched.append("date of birth")
    if _surname_key(existing.last_name) != _surname_key(last_name):
        mismatched.append("surname")
    if mismatched:
        raise ValidationError(
            f"A pupil here already has UPN {upn}, but their {' and '.join(mismatched)} "
            f"{'do' if len(mismatched) > 1 else 'does'} not match the file's, so nothing was imported. "
            "Check the UPN with the previous school."
        )
    return existing


def _pupil(details: dict[str, Any], imported_by: Any) -> tuple[Pupil, bool]:
    existing = match_by_upn(
        details["upn"], date_of_birth=_date(details["date_of_birth"]), last_name=_text(details["last_name"])
    )
    if existing is not None:
        if existing.leaving_date is not None:
            # A pupil who left and has come back is on roll again.
            existing.leaving_date = None
            existing.save(update_fields=["leaving_date", "updated_at"])
        return existing, True
    flags = details.get("flags") if isinstance(details.get("flags"), dict) else {}
    pupil = create_pupil(
        created_by=imported_by,
        upn=details["upn"],
        legal_first_name=_text(details["legal_first_name"], 100).strip(),
        preferred_name=_text(details.get("preferred_name"), 100).strip(),
        last_name=_text(details["last_name"], 100).strip(),
        date_of_birth=_date(details["date_of_birth"]),
        sex=details["sex"],
        nc_year=details["nc_year"],
        **{name: bool(flags.get(name)) for name in ("eal", "pupil_premium", "looked_after", "medical_needs")},
    )
    return pupil, False


def _register(pupil: Pupil, record: dict, school: str, user: Any, result: ImportedFile) -> None:
    entries = [e for e in record.get("register") or [] if isinstance(e, dict) and _date(e.get("started_on"))]
    if not entries:
        return
    if RegisterEntry.objects.filter(pupil=pupil).exists():
        result.skipped.append("register history (this pupil already has a register history here)")
        return
    day = today()
    entries.sort(key=lambda e: _date(e["started_on"]))
    last_code = CensusCode.NONE
    added = 0
    for entry in entries:
        started = min(_date(entry["started_on"]), day)
        ended = min(_date(entry.get("ended_on")) or day, day)
        code = _choice(entry.get("census_code"), CensusCode, CensusCode.NONE)
        RegisterEntry.objects.create(
            pupil=pupil,
            stage_key="previous-school",
            stage_label=_text(f"{entry.get('stage_label') or code} ({school})", 100),
            census_code=code,
            started_on=started,
            ended_on=max(ended, started),
            reason=_text(entry.get("reason")) or f"Recorded by {school}.",
            end_reason="" if entry.get("ended_on") else "Moved to this school.",
        )
        last_code = code
        added += 1
    stage = current_toolkit().first_stage_for(last_code)
    # Ended entries end today at the latest, so today's open entry follows on without overlap.
    RegisterEntry.objects.create(
        pupil=pupil,
        stage_key=stage.key,
        stage_label=stage.label,
        census_code=stage.census_code,
        started_on=day,
        reason=f"Continues the support recorded by {school} (transition file).",
    )
    result.added["register entries"] = added + 1


def _needs(pupil: Pupil, record: dict, user: Any, result: ImportedFile) -> None:
    current = {n.need_type: n for n in PupilNeed.objects.filter(pupil=pupil, ended_on__isnull=True)}
    taken = {n.rank for n in current.values()}
    rank_order = {NeedRank.PRIMARY: 0, NeedRank.SECONDARY: 1, NeedRank.OTHER: 2}
    needs = [n for n in record.get("needs") or [] if isinstance(n, dict) and n.get("need_type") in NeedType.values]
    added = 0
    for need in sorted(needs, key=lambda n: (n.get("ended_on") is not None, rank_order.get(n.get("rank"), 3))):
        started = _date(need.get("started_on")) or today()
        ended = _date(need.get("ended_on"))
        if ended is None:
            if need["need_type"] in current:
                continue
            rank = _choice(need.get("rank"), NeedRank, NeedRank.OTHER)
            # This school's own ranking wins: a need whose rank is taken here comes in one rank lower.
            for candidate in (rank, NeedRank.SECONDARY, NeedRank.OTHER):
                if candidate == NeedRank.PRIMARY and NeedRank.PRIMARY in taken:
                    continue
                if candidate == NeedRank.SECONDARY and (NeedRank.SECONDARY in taken or NeedRank.PRIMARY not in taken):
                    continue
                rank = candidate
                break
            if rank == NeedRank.OTHER and NeedRank.PRIMARY not in taken:
                rank = NeedRank.PRIMARY
            taken.add(rank)
        else:
            # A need the file gives no start date is dated from its end, the same on every import.
            started = min(started, ended)
            if PupilNeed.objects.filter(
                pupil=pupil, need_type=need["need_type"], started_on=started, ended_on=ended
            ).exists():
                continue
            rank = NeedRank.OTHER
        # OTH and NSA sit in whichever area the previous school chose.
        area = AREA_FOR_NEED_TYPE.get(need["need_type"]) or _choice(
            need.get("area"), AreaOfNeed, AreaOfNeed.COGNITION_LEARNING
        )
        created = PupilNeed.objects.create(
            pupil=pupil,
            area=area,
            need_type=need["need_type"],
            rank=rank,
            notes=_text(need.get("notes")),
            started_on=min(started, ended or started),
            ended_on=ended,
            recorded_by=user,
        )
        if ended is None:
            current[created.need_type] = created
        added += 1
    for item in record.get("diagnoses") or []:
        if not isinstance(item, dict) or not _text(item.get("name")).strip():
            continue
        name = _text(item["name"], 200).strip()
        if Diagnosis.objects.filter(pupil=pupil, name__iexact=name).exists():
            continue
        Diagnosis.objects.create(
            pupil=pupil,
            name=name,
            diagnosed_on=_date(item.get("diagnosed_on")),
            source=DiagnosisSource.OTHER,
            source_detail=_text(
                " – ".join(p for p in (_text(item.get("source_label")), _text(item.get("source_detail"))) if p), 200
            ),
            recorded_by=user,
        )
        added += 1
    if added:
        result.added["needs and diagnoses"] = added


def _plan(pupil: Pupil, record: dict, school: str, user: Any, result: ImportedFile, *, key: str) -> SupportPlan | None:
    plan = record.get("plan")
    if not isinstance(plan, dict):
        return None
    title = _text(f"{plan.get('title') or 'Plan'} from {school}", 100)
    # Found by the file it came in, not by title: plans are often called the same from year to year.
    existing = SupportPlan.objects.filter(pupil=pupil, source_key=key).first()
    if existing is not None:
        result.skipped.append(f"{title} (already imported)")
        return existing
    day = today()
    imported = SupportPlan.objects.create(
        pupil=pupil,
        title=title,
        toolkit_key="previous-school",
        source_key=key,
        status=PlanStatus.CLOSED,
        child_views=_text(plan.get("child_views")),
        parent_views=_text(plan.get("parent_views")),
        strengths=_text(plan.get("strengths")),
        needs_summary=_text(plan.get("needs_summary")),
        strategies=_text(plan.get("strategies")),
        starts_on=_date(plan.get("starts_on")),
        review_due_on=_date(plan.get("review_due_on")),
        created_by=user,
        closed_on=day,
    )
    for order, outcome in enumerate(o for o in plan.get("outcomes") or [] if isinstance(o, dict)):
        PlanOutcome.objects.create(
            plan=imported,
            order=order + 1,
            description=_text(outcome.get("description")) or "(no description)",
            measure=_text(outcome.get("measure"), 255),
            baseline=_text(outcome.get("baseline"), 255),
            target=_text(outcome.get("target"), 255),
            target_date=_date(outcome.get("target_date")),
        )
    for order, line in enumerate(p for p in record.get("provision") or [] if isinstance(p, dict)):
        minutes = line.get("weekly_minutes")
        PlanProvision.objects.create(
            plan=imported,
            order=order + 1,
            description=_text(line.get("description"), 255) or "(no description)",
            frequency=_text(line.get("frequency"), 100),
            staff_role=_text(line.get("staff_role"), 100),
            weekly_minutes=minutes
            if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes >= 0
            else None,
        )
    result.added["plans"] = 1
    return imported


def _reviews(pupil: Pupil, plan: SupportPlan | None, record: dict, user: Any, result: ImportedFile) -> None:
    reviews = [r for r in record.get("reviews") or [] if isinstance(r, dict) and _date(r.get("held_on"))]
    if not reviews:
        return
    if plan is None:
        result.skipped.append("reviews (no plan came with them)")
        return
    outcomes = {o.description: o for o in plan.outcomes.all()}
    added = 0
    for item in reviews:
        held_on = _date(item["held_on"])
        if Review.objects.filter(plan=plan, held_on=held_on).exists():
            continue
        progress = [p for p in item.get("progress") or [] if isinstance(p, dict)]
        # Progress against outcomes of earlier plans has no outcome here, so it is kept in the notes.
        unmatched = [
            p for p in progress if p.get("outcome") not in outcomes or p.get("progress") not in Progress.values
        ]
        notes = _text(item.get("notes"))
        if unmatched:
            lines = [f"- {p.get('outcome')}: {p.get('progress_label') or p.get('progress')}" for p in unmatched]
            notes = "\n".join([notes, "Progress against earlier outcomes:", *lines]).strip()
        review = Review.objects.create(
            plan=plan,
            pupil=pupil,
            held_on=held_on,
            child_views=_text(item.get("child_views")),
            parent_views=_text(item.get("parent_views")),
            notes=notes,
            decision=_choice(item.get("decision"), ReviewDecision, ""),
            recorded_by=user,
            status=ReviewStatus.CLOSED,
            closed_on=held_on,
        )
        seen = set()
        for p in progress:
            outcome = outcomes.get(p.get("outcome"))
            if outcome is None or p.get("progress") not in Progress.values or outcome.pk in seen:
                continue
            seen.add(outcome.pk)
            OutcomeProgress.objects.create(
                review=review, outcome=outcome, progress=p["progress"], comment=_text(p.get("comment"))
            )
        added += 1
    if added:
        result.added["reviews"] = added


def _agencies(pupil: Pupil, record: dict, user: Any, result: ImportedFile) -> None:
    added = 0
    for item in record.get("agencies") or []:
        if not isinstance(item, dict) or not _text(item.get("agency")).strip() or not _date(item.get("referred_on")):
            continue
        agency, _ = Agency.objects.get_or_create(
            name=_text(item["agency"], 200).strip(),
            defaults={"kind": _choice(item.get("kind"), AgencyKind, AgencyKind.OTHER)},
        )
        referred_on = _date(item["referred_on"])
        if AgencyInvolvement.objects.filter(pupil=pupil, agency=agency, referred_on=referred_on).exists():
            continue
        AgencyInvolvement.objects.create(
            pupil=pupil,
            agency=agency,
            referred_on=referred_on,
            status=_choice(item.get("status"), InvolvementStatus, InvolvementStatus.CLOSED),
            report_received_on=_date(item.get("report_received_on")),
            closed_on=_date(item.get("closed_on")),
            notes="Recorded by the previous school (transition file).",
        )
        added += 1
    if added:
        result.added["agencies"] = added


def _medical(pupil: Pupil, record: dict, user: Any, result: ImportedFile) -> None:
    added = 0
    for item in record.get("medical") or []:
        if not isinstance(item, dict) or not _text(item.get("condition")).strip():
            continue
        condition = _text(item["condition"], 200).strip()
        if MedicalCondition.objects.filter(pupil=pupil, condition__iexact=condition, ended_on__isnull=True).exists():
            continue
        MedicalCondition.objects.create(
            pupil=pupil,
            condition=condition,
            has_care_plan=bool(item.get("has_care_plan")),
            care_plan_review_on=_date(item.get("care_plan_review_on")),
            medication=_text(item.get("medication")),
            notes=_text(item.get("notes")),
            recorded_by=user,
        )
        added += 1
    if added:
        result.added["medical conditions"] = added


def _assessments(pupil: Pupil, record: dict, user: Any, result: ImportedFile) -> None:
    added = 0
    for item in record.get("assessments") or []:
        if not isinstance(item, dict) or item.get("kind") not in AssessmentKind.values:
            continue
        day = _date(item.get("assessed_on"))
        if day is None or Assessment.objects.filter(pupil=pupil, kind=item["kind"], assessed_on=day).exists():
            continue
        score, words = None, ""
        if item["kind"] in NUMERIC_ASSESSMENT_KINDS:
            try:
                score = Decimal(str(item.get("value")))
            except (InvalidOperation, ValueError):
                continue
            if not score.is_finite() or abs(score) >= Decimal("100000"):
                continue
        else:
            words = _text(item.get("value"), 100)
        Assessment.objects.create(
            pupil=pupil,
            kind=item["kind"],
            assessed_on=day,
            score=score,
            result=words,
            instrument=_text(item.get("instrument"), 150),
            subject=_text(item.get("subject"), 60),
            notes="Recorded by the previous school (transition file).",
            recorded_by=user,
        )
        added += 1
    if added:
        result.added["assessments"] = added


def _read_by_kinds(pupil: Pupil, record: dict, school: str, user: Any, result: ImportedFile) -> None:
    """The sections that kinds owned by domain apps read back themselves (the EHC plan), through the registry."""
    for kind in record_kinds():
        if kind.read_from_file is None or kind.transition_section not in record:
            continue
        part = kind.read_from_file(pupil, record[kind.transition_section], school, user)
        result.added.update(part.added)
        result.skipped.extend(part.skipped)


@transaction.atomic
def import_transition_record(record: dict[str, Any], *, imported_by: Any) -> ImportedFile:
    """Bring a transition file into this school's register (the active schema): all of it, or nothing."""
    require_edit_send_record(acting_roles(imported_by))
    details = check_record(record)
    school = _text((record.get("school") or {}).get("name"), 80) or "the previous school"
    pupil, matched = _pupil(details, imported_by)
    result = ImportedFile(pupil=pupil, matched=matched)
    _register(pupil, record, school, imported_by, result)
    _needs(pupil, record, imported_by, result)
    plan = _plan(pupil, record, school, imported_by, result, key=file_key(record))
    _reviews(pupil, plan, record, imported_by, result)
    _agencies(pupil, record, imported_by, result)
    _medical(pupil, record, imported_by, result)
    _assessments(pupil, record, imported_by, result)
    _read_by_kinds(pupil, record, school, imported_by, result)
    audit(
        actor=imported_by,
        action=AuditAction.CREATE,
        obj=pupil,
        pupil_id=pupil.pk,
        summary="Imported a transition file from the previous school",
        detail={"matched_by_upn": matched, "added": result.added},
    )
    return result
