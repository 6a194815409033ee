"""Reads about pupils, always within what the person asking may see."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from tenants.roles import Role

from ..models import (
    ON_REGISTER_CODES,
    AgencyInvolvement,
    ClassTeacher,
    Concern,
    ConcernStatus,
    Consent,
    Diagnosis,
    MedicalCondition,
    NeedRank,
    PlanStatus,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Review,
    ReviewStatus,
    SchoolClass,
    SupportPlan,
)
from ..permissions import SEND_RECORD_EDITORS, pupil_scope, require_view_send_record


def visible_pupils(user: Any, roles: frozenset[str]) -> QuerySet[Pupil]:
    """Pupils whose core details this person may see (all for SENCO, head and office; own classes for teachers and TAs)."""
    scope = pupil_scope(user, roles, send_record=False)
    return Pupil.objects.none() if scope is None else Pupil.objects.filter(scope)


def send_record_pupils(user: Any, roles: frozenset[str]) -> QuerySet[Pupil]:
    """Pupils whose SEND record this person may read (all for SENCO and head; own classes for teachers and TAs)."""
    scope = pupil_scope(user, roles, send_record=True)
    return Pupil.objects.none() if scope is None else Pupil.objects.filter(scope)


def covering(day: datetime.date, *, prefix: str = "") -> Q:
    """Filter for dated rows (started_on, ended_on) that cover `day`: started on or before, not yet ended."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    )


def on_roll(day: datetime.date) -> Q:
    """Filter for pupils still on roll on `day` (not yet left)."""
    return Q(leaving_date__isnull=True) | Q(leaving_date__gt=day)


def _send_annotations(day: datetime.date) -> dict[str, Any]:
    entry = RegisterEntry.objects.filter(covering(day), pupil=OuterRef("pk")).order_by("-started_on", "-id")
    primary = PupilNeed.objects.filter(covering(day), pupil=OuterRef("pk"), rank=NeedRank.PRIMARY).order_by(
        "-started_on"
    )
    return {
        "current_stage_key": Subquery(entry.values("stage_key")[:1]),
        "current_stage_label": Subquery(entry.values("stage_label")[:1]),
        "current_census_code": Subquery(entry.values("census_code")[:1]),
        "primary_need_type": Subquery(primary.values("need_type")[:1]),
    }


def _search_filter(search: str) -> Q:
    """Every word must match some name ("Bennett, Leah" finds Leah Bennett), or the whole query is the UPN."""
    by_name = Q()
    for word in re.split(r"[\s,]+", search.strip()):
        if word:
            by_name &= Q(last_name__icontains=word) | Q(legal_first_name__icontains=word) | Q(preferred_name__icontains=word)
    return by_name | Q(upn__iexact=re.sub(r"\s+", "", search))


def pupil_list(
    user: Any,
    roles: frozenset[str],
    *,
    on: datetime.date | None = None,
    search: str = "",
    nc_year: str = "",
    school_class_id: int | None = None,
    census_code: str = "",
    stage: str = "",
    need: str = "",
    include_leavers: bool = False,
) -> QuerySet[Pupil]:
    """The pupils this person may see, with class; SEND readers also get current stage and primary need (one query).

    Filters on the SEND record (census code, stage, type of need) match only pupils whose SEND record
    the person may read: the office never learns a need from which pupils a filter keeps. `stage`
    "none" means not on the register now."""
    day = on or timezone.localdate()
    pupils = visible_pupils(user, roles).select_related("school_class")
    if not include_leavers:
        pupils = pupils.filter(on_roll(day))
    if search.strip():
        pupils = pupils.filter(_search_filter(search))
    if nc_year:
        pupils = pupils.filter(nc_year=nc_year)
    if school_class_id:
        pupils = pupils.filter(school_class_id=school_class_id)

    send_scope = pupil_scope(user, roles, send_record=True)
    annotations = _send_annotations(day)
    if send_scope is None:
        pupils = pupils.annotate(**{name: Value(None, output_field=CharField()) for name in annotations})
    elif roles & SEND_RECORD_EDITORS or Role.SCHOOL_ADMIN not in roles:
        # Everyone listed is someone whose SEND record they may read.
        pupils = pupils.annotate(**annotations)
    else:
        # e.g. office staff who also teach: SEND details only for their own pupils.
        pupils = pupils.annotate(
            **{
                name: Case(When(send_scope, then=expression), default=Value(None), output_field=CharField())
                for name, expression in annotations.items()
            }
        )
    if census_code or stage or need:
        # Only records they may read can match: whatever the filter asks, a pupil whose SEND record
        # is not theirs to read is never kept (nobody at all, for someone who reads none).
        pupils = pupils.none() if send_scope is None else pupils.filter(send_scope)
    if census_code:
        pupils = pupils.filter(current_census_code=census_code)
    if stage == "none":
        pupils = pupils.filter(current_stage_key__isnull=True)
    elif stage:
        pupils = pupils.filter(current_stage_key=stage)
    if need:
        pupils = pupils.filter(Exists(PupilNeed.objects.filter(covering(day), pupil=OuterRef("pk"), need_type=need)))
    return pupils.order_by("last_name", "legal_first_name", "id")


def get_visible_pupil(user: Any, roles: frozenset[str], pupil_id: int) -> Pupil:
    """One pupil this person may see, with class and parents; Pupil.DoesNotExist otherwise (show "not found")."""
    return visible_pupils(user, roles).select_related("school_class").prefetch_related("parents").get(pk=pupil_id)


@dataclass
class PupilRecord:
    """A pupil's SEND record at a glance, for their record page."""

    pupil: Pupil
    stage: RegisterEntry | None
    needs: list[PupilNeed]
    diagnoses: list[Diagnosis]
    active_plan: SupportPlan | None
    draft_plan: SupportPlan | None
    open_concerns: list[Concern]
    recent_reviews: list[Review]
    agencies: list[AgencyInvolvement]
    consents: list[Consent]
    medical_conditions: list[MedicalCondition]
    on_register: bool = field(init=False)

    def __post_init__(self) -> None:
        self.on_register = self.stage is not None and self.stage.census_code in ON_REGISTER_CODES


def pupil_send_record(user: Any, roles: frozenset[str], pupil: Pupil) -> PupilRecord:
    """The pupil's SEND record (stage, needs, plans, concerns, reviews, agencies, consent, medical); PermissionDenied outside scope."""
    require_view_send_record(user, roles, pupil)
    plans = list(
        SupportPlan.objects.filter(pupil=pupil, status__in=[PlanStatus.ACTIVE, PlanStatus.DRAFT]).prefetch_related(
            "outcomes", "provision"
        )
    )
    return PupilRecord(
        pupil=pupil,
        stage=RegisterEntry.objects.filter(pupil=pupil, ended_on__isnull=True).first(),
        needs=list(PupilNeed.objects.filter(pupil=pupil, ended_on__isnull=True).order_by("rank", "started_on")),
        diagnoses=list(Diagnosis.objects.filter(pupil=pupil)),
        active_plan=next((p for p in plans if p.status == PlanStatus.ACTIVE), None),
        draft_plan=next((p for p in plans if p.status == PlanStatus.DRAFT), None),
        open_concerns=list(Concern.objects.filter(pupil=pupil, status=ConcernStatus.OPEN)),
        recent_reviews=list(Review.objects.filter(pupil=pupil, status=ReviewStatus.CLOSED).order_by("-held_on")[:3]),
        agencies=list(AgencyInvolvement.objects.filter(pupil=pupil).select_related("agency")),
        consents=list(Consent.objects.filter(pupil=pupil).select_related("given_by")),
        medical_conditions=list(MedicalCondition.objects.filter(pupil=pupil, ended_on__isnull=True)),
    )


def school_classes() -> QuerySet[SchoolClass]:
    """Every class with its staff (and their names) and how many pupils are on roll in it."""
    today = timezone.localdate()
    return (
        SchoolClass.objects.annotate(
            pupil_count=Count("pupils", filter=Q(pupils__leaving_date__isnull=True) | Q(pupils__leaving_date__gt=today))
        )
        .prefetch_related(Prefetch("staff", queryset=ClassTeacher.objects.select_related("user")))
        .order_by("name")
    )


def classes_taught_by(user: Any) -> QuerySet[SchoolClass]:
    """The classes a member of staff works with."""
    return SchoolClass.objects.filter(Exists(ClassTeacher.objects.filter(school_class=OuterRef("pk"), user_id=user.pk)))
