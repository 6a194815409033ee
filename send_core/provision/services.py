"""Acts on provision: the catalogue, rates, groups, their pupils, sessions and measures, individual provision."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import schema_context
from send_platform.audit.services import record_children_shown, record_cross_organisation_event

from send_core.models import AreaOfNeed, PlanProvision, Pupil
from send_core.permissions import acting_roles
from send_core.selectors.organisation import current_organisation
from send_core.services.base import (
    AuditAction,
    audit,
    audit_events_bulk,
    check_choice,
    check_not_future,
    require_text,
    save_clean,
    today,
)
from tenants.models import Organisation
from tenants.roles import OrganisationKind

from .models import (
    Attendance,
    GroupMember,
    GroupSession,
    GroupStaff,
    HourlyRate,
    IndividualKind,
    IndividualProvision,
    InformationReport,
    Intervention,
    ProvisionGroup,
    ProvisionSettings,
    SessionAttendance,
    SessionStatus,
    StaffRole,
)
from .permissions import (
    GROUP_RUNNERS,
    require_keep_costs,
    require_manage_provision,
    require_run_group,
    require_trust_send_lead,
)

# The catalogue a school starts with: common interventions named in schools' SEND policies.
# (name, area, group size, staff role, sessions a week, minutes, weeks, resource cost, judged by)
STARTER_CATALOGUE: tuple[tuple[str, str, int, str, int, int, int, str, str], ...] = (
    ("Thrive", AreaOfNeed.SEMH, 4, StaffRole.TEACHING_ASSISTANT, 1, 45, 12, "120.00", "Thrive assessment score"),
    ("Zones of Regulation", AreaOfNeed.SEMH, 6, StaffRole.TEACHING_ASSISTANT, 1, 30, 10, "60.00", "Boxall profile"),
    (
        "ELKLAN language group",
        AreaOfNeed.COMMUNICATION_INTERACTION,
        6,
        StaffRole.TEACHING_ASSISTANT,
        2,
        30,
        10,
        "40.00",
        "Vocabulary score",
    ),
    (
        "Numicon",
        AreaOfNeed.COGNITION_LEARNING,
        4,
        StaffRole.TEACHING_ASSISTANT,
        3,
        20,
        12,
        "150.00",
        "Maths age (months)",
    ),
    (
        "Toe by Toe",
        AreaOfNeed.COGNITION_LEARNING,
        1,
        StaffRole.TEACHING_ASSISTANT,
        5,
        15,
        20,
        "25.00",
        "Reading age (months)",
    ),
    (
        "Catch Up Literacy",
        AreaOfNeed.COGNITION_LEARNING,
        1,
        StaffRole.TEACHING_ASSISTANT,
        2,
        15,
        20,
        "30.00",
        "Reading age (months)",
    ),
    (
        "Lego-based social skills",
        AreaOfNeed.COMMUNICATION_INTERACTION,
        3,
        StaffRole.TEACHING_ASSISTANT,
        1,
        45,
        12,
        "80.00",
        "Social skills checklist score",
    ),
    (
        "Phonics booster",
        AreaOfNeed.COGNITION_LEARNING,
        6,
        StaffRole.TEACHING_ASSISTANT,
        4,
        15,
        8,
        "20.00",
        "Phonics check score",
    ),
    (
        "Handwriting and fine motor skills",
        AreaOfNeed.SENSORY_PHYSICAL,
        6,
        StaffRole.TEACHING_ASSISTANT,
        3,
        15,
        10,
        "35.00",
        "Handwriting speed (words a minute)",
    ),
    (
        "Power of 2",
        AreaOfNeed.COGNITION_LEARNING,
        1,
        StaffRole.TEACHING_ASSISTANT,
        5,
        10,
        16,
        "15.00",
        "Maths age (months)",
    ),
    (
        "Narrative therapy",
        AreaOfNeed.COMMUNICATION_INTERACTION,
        4,
        StaffRole.TEACHING_ASSISTANT,
        2,
        30,
        10,
        "45.00",
        "Narrative assessment score",
    ),
)

INTERVENTION_FIELDS = (
    "name",
    "area",
    "description",
    "group_size",
    "staff_role",
    "sessions_per_week",
    "minutes_per_session",
    "typical_weeks",
    "resource_cost",
    "measure",
    "is_active",
)


def _check_intervention(item: Intervention) -> None:
    item.name = require_text(item.name, "name", "Enter the intervention's name.")
    check_choice(item.area, AreaOfNeed, "area", "the broad area of need")
    check_choice(item.staff_role, StaffRole, "staff_role", "who delivers it")
    clash = Intervention.objects.filter(name__iexact=item.name).exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"name": f"The catalogue already has an intervention called {item.name}."})


# --- The catalogue -------------------------------------------------------------------------------


@transaction.atomic
def add_intervention(*, added_by: Any, **fields: Any) -> Intervention:
    """Add an intervention to this school's catalogue (or, in a trust's schema, publish it to its schools)."""
    _require_catalogue_keeper(acting_roles(added_by))
    item = Intervention(**{k: v for k, v in fields.items() if k in INTERVENTION_FIELDS})
    _check_intervention(item)
    save_clean(item)
    audit(actor=added_by, action=AuditAction.CREATE, obj=item, pupil_id=None, fields=fields)
    return item


@transaction.atomic(durable=True)
def update_intervention(item: Intervention, *, changed_by: Any, **fields: Any) -> Intervention:
    _require_catalogue_keeper(acting_roles(changed_by))
    changed = [name for name in INTERVENTION_FIELDS if name in fields and getattr(item, name) != fields[name]]
    for name in changed:
        setattr(item, name, fields[name])
    _check_intervention(item)
    save_clean(item)
    audit(actor=changed_by, action=AuditAction.UPDATE, obj=item, pupil_id=None, fields=changed)
    return item


def _require_catalogue_keeper(roles: frozenset[str]) -> None:
    organisation = current_organisation()
    if organisation is not None and organisation.kind == OrganisationKind.TRUST:
        require_trust_send_lead(roles)
    else:
        require_manage_provision(roles)


@transaction.atomic
def ensure_intervention_catalogue(*, by: Any) -> list[Intervention]:
    """Give the school (or trust) the starter catalogue (entries it already has are left as they are)."""
    _require_catalogue_keeper(acting_roles(by))
    existing = {name.lower() for name in Intervention.objects.values_list("name", flat=True)}
    made = []
    for name, area, size, role, sessions, minutes, weeks, cost, measure in STARTER_CATALOGUE:
        if name.lower() in existing:
            continue
        item = Intervention.objects.create(
            name=name,
            area=area,
            group_size=size,
            staff_role=role,
            sessions_per_week=sessions,
            minutes_per_session=minutes,
            typical_weeks=weeks,
            resource_cost=Decimal(cost),
            measure=measure,
        )
        made.append(item)
    if made:
        audit(actor=by, action=AuditAction.CREATE, obj=made[0], pupil_id=None, summary="Starter catalogue added")
    return made


def _trust_of(school: Organisation) -> Organisation:
    if school is None or school.trust_id is None:
        raise ValidationError({"trust": "This school is not part of a trust, so there is no trust catalogue."})
    return school.trust


def trust_catalogue(*, reader: Any) -> list[Intervention]:
    """The entries the school's trust publishes, read from the trust's schema (an audited act)."""
    require_manage_provision(acting_roles(reader))
    school = current_organisation()
    trust = _trust_of(school)
    with schema_context(trust.schema_name):
        entries = list(Intervention.objects.filter(is_active=True))
    record_cross_organisation_event(
        actor=reader,
        action=AuditAction.VIEW,
        object_type="trust catalogue",
        acting_organisation=school,
        owning_organisation=trust,
        summary="Read the trust's intervention catalogue",
        detail={"entries": len(entries)},
    )
    return entries


@transaction.atomic(durable=True)
def adopt_trust_intervention(entry_id: int, *, adopted_by: Any) -> Intervention:
    """Copy one of the trust's published interventions into the school's own catalogue (audited on both sides)."""
    require_manage_provision(acting_roles(adopted_by))
    school = current_organisation()
    trust = _trust_of(school)
    with schema_context(trust.schema_name):
        entry = Intervention.objects.filter(pk=entry_id, is_active=True).first()
    if entry is None:
        raise ValidationError({"entry": "The trust's catalogue has no such intervention."})
    if Intervention.objects.filter(name__iexact=entry.name).exists():
        raise ValidationError({"entry": f"Your catalogue already has an intervention called {entry.name}."})
    copy = Intervention.objects.create(
        **{name: getattr(entry, name) for name in INTERVENTION_FIELDS},
        adopted_from_trust_id=trust.pk,
        adopted_from_entry_id=entry.pk,
    )
    record_cross_organisation_event(
        actor=adopted_by,
        action=AuditAction.CREATE,
        object_type="intervention",
        object_id=copy.pk,
        acting_organisation=school,
        owning_organisation=trust,
        summary="Adopted an intervention from the trust's catalogue",
        detail={"trust_entry_id": entry.pk},
    )
    return copy


# --- Rates and the threshold --------------------------------------------------------------------


@transaction.atomic
def set_hourly_rate(staff_role: str, hourly_rate: Decimal, *, set_by: Any) -> HourlyRate:
    """Set what an hour of a staff role costs the school (pay with on-costs)."""
    require_keep_costs(acting_roles(set_by))
    check_choice(staff_role, StaffRole, "staff_role", "the staff role")
    if hourly_rate is None or hourly_rate < 0:
        raise ValidationError({"hourly_rate": "Enter the hourly rate in pounds, for example 18.50."})
    rate, _ = HourlyRate.objects.update_or_create(
        staff_role=staff_role, defaults={"hourly_rate": hourly_rate, "set_by": set_by}
    )
    audit(actor=set_by, action=AuditAction.UPDATE, obj=rate, pupil_id=None, fields=["hourly_rate"])
    return rate


@transaction.atomic
def set_notional_threshold(amount: Decimal, *, set_by: Any) -> ProvisionSettings:
    """Set the yearly cost above which a pupil's provision is flagged (default £6,000, element 2)."""
    require_keep_costs(acting_roles(set_by))
    if amount is None or amount <= 0:
        raise ValidationError({"notional_threshold": "Enter the threshold in pounds, for example 6000."})
    settings = ProvisionSettings.objects.select_for_update().order_by("pk").first() or ProvisionSettings()
    settings.notional_threshold = amount
    settings.set_by = set_by
    save_clean(settings)
    audit(actor=set_by, action=AuditAction.UPDATE, obj=settings, pupil_id=None, fields=["notional_threshold"])
    return settings


# --- Groups ----------------------------------------------------------------------------------------

STAFF_CHOICE_MESSAGE = "Choose members of staff of this school who teach or support pupils."


def _check_staff(staff: Iterable[Any]) -> list[Any]:
    from tenants.selectors import roles_in

    people = list(staff)
    if not people:
        raise ValidationError({"staff": "Choose at least one member of staff to run the group."})
    organisation = current_organisation()
    for person in people:
        # The message names no one: it must not confirm who holds an account elsewhere.
        if organisation is not None and not roles_in(person, organisation) & GROUP_RUNNERS:
            raise ValidationError({"staff": STAFF_CHOICE_MESSAGE})
    return people


def _check_dates(starts_on: datetime.date | None, ends_on: datetime.date | None) -> None:
    if starts_on is None:
        raise ValidationError({"starts_on": "Enter the date the group starts."})
    if ends_on is None:
        raise ValidationError({"ends_on": "Enter the date the group ends."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The group must end on or after the day it starts."})


def _clean_schedule(schedule: Iterable[Mapping[str, str]] | None) -> list[dict[str, str]]:
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    cleaned = []
    for slot in schedule or ():
        day = (slot.get("day") or "").strip().capitalize()
        time = (slot.get("time") or "").strip()
        if day not in days:
            raise ValidationError({"schedule": "Give each session's day as a school day, Monday to Friday."})
        try:
            datetime.time.fromisoformat(time)
        except ValueError:
            raise ValidationError(
                {"schedule": f"Give the time on {day} as a 24-hour time, for example 09:10."}
            ) from None
        cleaned.append({"day": day, "time": time})
    return cleaned


@transaction.atomic
def create_group(
    *,
    intervention: Intervention,
    name: str,
    staff: Iterable[Any],
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    created_by: Any,
    schedule: Iterable[Mapping[str, str]] | None = None,
    staff_role: str = "",
    sessions_per_week: int | None = None,
    minutes_per_session: int | None = None,
    resource_cost: Decimal | None = None,
    location: str = "",
) -> ProvisionGroup:
    """Start an intervention group; what is not given comes from the catalogue entry."""
    require_manage_provision(acting_roles(created_by))
    if ends_on is None and starts_on is not None:
        ends_on = starts_on + datetime.timedelta(weeks=intervention.typical_weeks or 1, days=-3)
    _check_dates(starts_on, ends_on)
    people = _check_staff(staff)
    group = ProvisionGroup(
        intervention=intervention,
        name=require_text(name, "name", "Give the group a name staff will recognise."),
        staff_role=staff_role or intervention.staff_role,
        sessions_per_week=sessions_per_week or intervention.sessions_per_week,
        minutes_per_session=minutes_per_session or intervention.minutes_per_session,
        resource_cost=intervention.resource_cost if resource_cost is None else resource_cost,
        starts_on=starts_on,
        ends_on=ends_on,
        schedule=_clean_schedule(schedule),
        location=location.strip(),
        created_by=created_by,
    )
    check_choice(group.staff_role, StaffRole, "staff_role", "who delivers it")
    save_clean(group)
    GroupStaff.objects.bulk_create([GroupStaff(group=group, user=person) for person in people])
    audit(actor=created_by, action=AuditAction.CREATE, obj=group, pupil_id=None, detail={"staff": len(people)})
    return group


@transaction.atomic
def add_pupil_to_group(
    group: ProvisionGroup,
    pupil: Pupil,
    *,
    added_by: Any,
    joined_on: datetime.date | None = None,
    entry_value: Decimal | None = None,
    entry_on: datetime.date | None = None,
    exit_target: Decimal | None = None,
    plan_provision: PlanProvision | None = None,
) -> GroupMember:
    """Put a pupil in a group, with their entry measure and exit target; optionally link the plan
    provision it delivers."""
    require_manage_provision(acting_roles(added_by))
    joined_on = joined_on or max(group.starts_on, today())
    if not group.starts_on <= joined_on <= group.ends_on:
        raise ValidationError({"joined_on": "The pupil must join while the group is running."})
    if GroupMember.objects.filter(group=group, pupil=pupil).exists():
        raise ValidationError({"pupil": f"{pupil.display_name} is already in this group."})
    if pupil.leaving_date and pupil.leaving_date <= joined_on:
        raise ValidationError({"pupil": f"{pupil.display_name} has left the school."})
    if entry_value is not None and entry_on is None:
        entry_on = joined_on
    check_not_future(entry_on, "entry_on", "The date of the entry measure")
    member = GroupMember.objects.create(
        group=group,
        pupil=pupil,
        joined_on=joined_on,
        entry_value=entry_value,
        entry_on=entry_on,
        exit_target=exit_target,
    )
    if plan_provision is not None:
        link_plan_provision(plan_provision, member, linked_by=added_by)
    audit(
        actor=added_by,
        action=AuditAction.CREATE,
        obj=member,
        pupil_id=pupil.pk,
        summary=f"Joined {group.name}",
        detail={"group_id": group.pk},
    )
    return member


@transaction.atomic
def link_plan_provision(line: PlanProvision, member: GroupMember, *, linked_by: Any) -> PlanProvision:
    """Record that a line of provision on the pupil's plan is delivered by the group the pupil is in."""
    require_manage_provision(acting_roles(linked_by))
    if line.plan.pupil_id != member.pupil_id:
        raise ValidationError({"plan_provision": "That provision is on another pupil's plan."})
    line.provision_group_id = member.group_id
    line.save(update_fields=["provision_group_id", "updated_at"])
    audit(
        actor=linked_by,
        action=AuditAction.UPDATE,
        obj=line,
        pupil_id=member.pupil_id,
        fields=["provision_group_id"],
        summary="Plan provision linked to an intervention group",
    )
    return line


def _members_on(group: ProvisionGroup, day: datetime.date) -> list[GroupMember]:
    return [
        m
        for m in GroupMember.objects.filter(group=group).select_related("pupil")
        if m.joined_on <= day and (m.left_on is None or m.left_on >= day)
    ]


@transaction.atomic
def record_session(
    group: ProvisionGroup,
    *,
    held_on: datetime.date,
    recorded_by: Any,
    absent: Iterable[int] = (),
    delivered: bool = True,
) -> GroupSession:
    """Record one session: delivered (everyone attended but the pupils named absent) or not delivered.

    Recording the same day again replaces what was recorded.
    """
    require_run_group(recorded_by, acting_roles(recorded_by), group)
    check_not_future(held_on, "held_on", "The session's date")
    if not group.starts_on <= held_on <= group.ends_on:
        raise ValidationError({"held_on": "The group was not running on that date."})
    members = _members_on(group, held_on)
    absent = {int(pupil_id) for pupil_id in absent}
    unknown = absent - {m.pupil_id for m in members}
    if unknown:
        raise ValidationError({"absent": "Only pupils in the group that day can be marked absent."})
    session, _ = GroupSession.objects.select_for_update().update_or_create(
        group=group,
        held_on=held_on,
        defaults={
            "status": SessionStatus.DELIVERED if delivered else SessionStatus.NOT_DELIVERED,
            "recorded_by": recorded_by,
        },
    )
    session.attendance.all().delete()
    if delivered:
        SessionAttendance.objects.bulk_create(
            [
                SessionAttendance(
                    session=session,
                    pupil_id=m.pupil_id,
                    attendance=Attendance.ABSENT if m.pupil_id in absent else Attendance.ATTENDED,
                )
                for m in members
            ]
        )
    audit_events_bulk(
        actor=recorded_by,
        action=AuditAction.CREATE,
        object_type="groupsession",
        pupil_ids=[m.pupil_id for m in members],
        summary=f"{group.name}: session {'recorded' if delivered else 'not delivered'}",
        detail={"group_id": group.pk, "session_id": session.pk},
    )
    return session


@transaction.atomic
def record_measure(
    member: GroupMember,
    *,
    recorded_by: Any,
    which: str,
    value: Decimal,
    on: datetime.date,
    exit_target: Decimal | None = None,
) -> GroupMember:
    """Record a pupil's entry or exit measure (value and date), and optionally their exit target."""
    group = member.group
    roles = acting_roles(recorded_by)
    require_run_group(recorded_by, roles, group)
    if which not in ("entry", "exit"):
        raise ValidationError({"which": "Say whether this is the entry or the exit measure."})
    if value is None:
        raise ValidationError({"value": "Enter the measure."})
    if on is None:
        raise ValidationError({"on": "Enter the date the measure was taken."})
    check_not_future(on, "on", "The date of the measure")
    if which == "exit" and member.entry_on and on < member.entry_on:
        raise ValidationError({"on": "The exit measure must be taken after the entry measure."})
    if which == "entry" and member.exit_on and on > member.exit_on:
        raise ValidationError({"on": "The entry measure must be taken before the exit measure."})
    setattr(member, f"{which}_value", value)
    setattr(member, f"{which}_on", on)
    fields = [f"{which}_value", f"{which}_on"]
    if exit_target is not None:
        member.exit_target = exit_target
        fields.append("exit_target")
    member.save(update_fields=[*fields, "updated_at"])
    audit(actor=recorded_by, action=AuditAction.UPDATE, obj=member, pupil_id=member.pupil_id, fields=fields)
    return member


# --- Reads of pupils' provision -------------------------------------------------------------------


def record_pupils_seen(
    *, viewer: Any, pupil_ids: Iterable[int], what: str, detail: dict[str, Any], exported: bool = False
) -> None:
    """A page, file or the API showed these pupils' provision (the map by pupil, a list of groups): one
    audit row for the response, listing the children."""
    record_children_shown(
        actor=viewer,
        acting_organisation=current_organisation(),
        pupil_ids=pupil_ids,
        what=what,
        action=AuditAction.EXPORT if exported else AuditAction.VIEW,
        detail=detail,
    )


# --- Individual provision -------------------------------------------------------------------------


@transaction.atomic
def add_individual_provision(
    pupil: Pupil,
    *,
    added_by: Any,
    kind: str,
    description: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    area: str = "",
    staff_role: str = "",
    hours_per_week: Decimal | None = None,
    cost: Decimal | None = None,
) -> IndividualProvision:
    """One-to-one support (hours a week by a staff role) or specialist equipment (a one-off cost) for a pupil."""
    require_manage_provision(acting_roles(added_by))
    check_choice(kind, IndividualKind, "kind", "the kind of provision")
    if area:
        check_choice(area, AreaOfNeed, "area", "the broad area of need")
    _check_dates(starts_on, ends_on)
    if kind == IndividualKind.ONE_TO_ONE:
        check_choice(staff_role, StaffRole, "staff_role", "who gives the support")
        if not hours_per_week or hours_per_week <= 0:
            raise ValidationError({"hours_per_week": "Enter the hours of support a week, for example 5."})
        cost = None
    else:
        if cost is None or cost < 0:
            raise ValidationError({"cost": "Enter what the equipment cost, in pounds."})
        staff_role, hours_per_week = "", None
    item = save_clean(
        IndividualProvision(
            pupil=pupil,
            kind=kind,
            description=require_text(description, "description", "Say what the provision is."),
            area=area,
            staff_role=staff_role,
            hours_per_week=hours_per_week,
            cost=cost,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=added_by,
        )
    )
    audit(actor=added_by, action=AuditAction.CREATE, obj=item, pupil_id=pupil.pk, summary=item.get_kind_display())
    return item


# --- The SEN information report -----------------------------------------------------------------


@transaction.atomic(durable=True)
def save_information_report(*, school_year: str, sections: list[dict[str, str]], saved_by: Any) -> InformationReport:
    """Save the report's sections as edited (a draft made from live data the first time)."""
    require_manage_provision(acting_roles(saved_by))
    cleaned = [
        {"key": s["key"], "heading": s["heading"].strip(), "text": (s.get("text") or "").strip()}
        for s in sections
        if (s.get("heading") or "").strip()
    ]
    if not cleaned:
        raise ValidationError({"sections": "The report needs at least one section."})
    report, _ = InformationReport.objects.update_or_create(
        school_year=school_year, defaults={"sections": cleaned, "updated_by": saved_by}
    )
    audit(actor=saved_by, action=AuditAction.UPDATE, obj=report, pupil_id=None, fields=["sections"])
    return report
