"""Demo provision for the demo primary schools: hourly rates, the starter catalogue, a few intervention
groups run by the demo TA and teacher with attendance and measures, and individual provision.

Everything is made through the services; dates are relative to today. A school that already has
groups is left alone, so running it again changes nothing.
"""

from __future__ import annotations

import datetime
import logging
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from send_core.demo import DEMO_EMAIL_DOMAIN, DEMO_SCHOOLS, TEACHERS_CLASS, _cast
from send_core.models import ON_REGISTER_CODES, Pupil, RegisterEntry
from tenants.models import Organisation, User

from . import services
from .models import Intervention, ProvisionGroup

logger = logging.getLogger(__name__)

RATES = {
    "teaching_assistant": "16.40",
    "hlta": "19.80",
    "teacher": "34.50",
    "senco": "41.00",
    "specialist": "55.00",
}
# (catalogue entry, group name, weeks ago it started, weeks it runs, pupils, entry, target, gain)
GROUPS = (
    ("Toe by Toe", "Toe by Toe, Year 4", 14, 12, 3, 84, 90, 7),
    ("Zones of Regulation", "Zones of Regulation, Key Stage 2", 4, 10, 5, 18, 24, 0),
    ("Numicon", "Numicon, Year 3 and 4", 6, 12, 4, 72, 78, 0),
)


# What the demo trust's SEND lead publishes for its schools to adopt.
TRUST_CATALOGUE = (
    {
        "name": "Precision teaching",
        "area": "cognition_learning",
        "group_size": 1,
        "staff_role": "teaching_assistant",
        "sessions_per_week": 5,
        "minutes_per_session": 10,
        "typical_weeks": 12,
        "resource_cost": Decimal("12.00"),
        "measure": "Words read correctly a minute",
    },
    {
        "name": "Socially Speaking",
        "area": "communication_interaction",
        "group_size": 6,
        "staff_role": "teaching_assistant",
        "sessions_per_week": 1,
        "minutes_per_session": 40,
        "typical_weeks": 10,
        "resource_cost": Decimal("65.00"),
        "measure": "Social communication checklist score",
    },
)


def seed_demo_provision(organisations: dict[str, Organisation]) -> None:
    """Add demo provision to each demo primary school that has pupils and no groups yet, and the demo
    trust's published catalogue (idempotent)."""
    _seed_trust(organisations.get("riverstone"))
    for slug, prefix in DEMO_SCHOOLS.items():
        organisation = organisations.get(slug)
        if organisation is None or organisation.phase == "secondary":
            continue
        cast = _cast(prefix)
        if cast is None:
            continue
        with tenant_context(organisation):
            if ProvisionGroup.objects.exists() or not Pupil.objects.exists():
                continue
            with transaction.atomic():
                _seed_school(cast, random.Random(f"cairn-provision-{slug}"))


def _seed_trust(trust: Organisation | None) -> None:
    lead = User.objects.filter(email=f"send.lead@{DEMO_EMAIL_DOMAIN}").first()
    if trust is None or lead is None:
        return
    with tenant_context(trust):
        if Intervention.objects.exists():
            return
        with transaction.atomic():
            for fields in TRUST_CATALOGUE:
                services.add_intervention(added_by=lead, **fields)


def _seed_school(cast, rng: random.Random) -> None:
    today = timezone.localdate()
    senco = cast.senco
    for role, rate in RATES.items():
        services.set_hourly_rate(role, Decimal(rate), set_by=senco)
    services.ensure_intervention_catalogue(by=senco)
    on_register = list(
        Pupil.objects.filter(
            pk__in=RegisterEntry.objects.filter(ended_on__isnull=True, census_code__in=ON_REGISTER_CODES).values(
                "pupil_id"
            ),
            leaving_date__isnull=True,
        ).order_by("pk")
    )
    # The demo teacher's class first, so the TA's and teacher's groups hold pupils they know.
    on_register.sort(key=lambda p: (p.school_class.name != TEACHERS_CLASS["primary"]) if p.school_class else True)
    staff = [person for person in (cast.ta, cast.teacher) if person is not None] or [senco]
    start_at = 0
    for index, (entry_name, name, weeks_ago, weeks, size, entry, target, gain) in enumerate(GROUPS):
        pupils = on_register[start_at : start_at + size]
        start_at += size - 1  # one pupil is in two groups
        if not pupils:
            break
        starts_on = _monday(today - datetime.timedelta(weeks=weeks_ago))
        ends_on = starts_on + datetime.timedelta(weeks=weeks, days=-3)
        group = services.create_group(
            intervention=Intervention.objects.get(name=entry_name),
            name=name,
            staff=[staff[index % len(staff)]],
            starts_on=starts_on,
            ends_on=ends_on,
            schedule=[{"day": "Tuesday", "time": "09:10"}, {"day": "Thursday", "time": "09:10"}],
            created_by=senco,
        )
        members = [
            services.add_pupil_to_group(
                group,
                pupil,
                added_by=senco,
                joined_on=starts_on,
                entry_value=Decimal(entry + rng.randint(-3, 3)),
                entry_on=starts_on,
                exit_target=Decimal(target),
            )
            for pupil in pupils
        ]
        _sessions(group, starts_on, min(ends_on, today), senco, rng)
        if ends_on < today:
            for member in members:
                services.record_measure(
                    member,
                    recorded_by=senco,
                    which="exit",
                    value=member.entry_value + gain + rng.randint(-3, 2),
                    on=ends_on,
                )
    if on_register:
        # Full-time support for one pupil, which passes the notional threshold.
        year_start = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
        services.add_individual_provision(
            on_register[0],
            added_by=senco,
            kind="one_to_one",
            description="One-to-one support in class and at lunchtime",
            area="cognition_learning",
            staff_role="teaching_assistant",
            hours_per_week=Decimal("15"),
            starts_on=year_start,
            ends_on=datetime.date(year_start.year + 1, 7, 20),
        )
        services.add_individual_provision(
            on_register[-1],
            added_by=senco,
            kind="equipment",
            description="Writing slope and pencil grips",
            area="sensory_physical",
            cost=Decimal("46.80"),
            starts_on=min(today, year_start + datetime.timedelta(days=30)),
            ends_on=datetime.date(year_start.year + 1, 7, 20),
        )


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _sessions(group, first: datetime.date, last: datetime.date, by, rng: random.Random) -> None:
    """Tuesday and Thursday sessions up to today, the odd pupil away and the odd session missed."""
    members = list(group.members.values_list("pupil_id", flat=True))
    day = first
    while day <= last:
        if day.weekday() in (1, 3):
            delivered = rng.random() > 0.08
            absent = [pupil_id for pupil_id in members if rng.random() < 0.1]
            services.record_session(group, held_on=day, recorded_by=by, absent=absent, delivered=delivered)
        day += datetime.timedelta(days=1)
