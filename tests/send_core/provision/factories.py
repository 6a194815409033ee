"""Factories for provision rows. Use them inside a school's schema; they set the scene without the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from send_core.provision.models import (
    GroupMember,
    GroupStaff,
    HourlyRate,
    IndividualProvision,
    Intervention,
    ProvisionGroup,
)
from tests.send_core.factories import PupilFactory


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    name = factory.Sequence(lambda n: f"Intervention {n}")
    area = "cognition_learning"
    group_size = 6
    staff_role = "teaching_assistant"
    sessions_per_week = 3
    minutes_per_session = 20
    typical_weeks = 10
    resource_cost = Decimal("0.00")
    measure = "Reading age (months)"


class ProvisionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProvisionGroup

    intervention = factory.SubFactory(InterventionFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    staff_role = factory.SelfAttribute("intervention.staff_role")
    sessions_per_week = factory.SelfAttribute("intervention.sessions_per_week")
    minutes_per_session = factory.SelfAttribute("intervention.minutes_per_session")
    resource_cost = factory.SelfAttribute("intervention.resource_cost")
    starts_on = datetime.date(2025, 9, 8)
    ends_on = datetime.date(2025, 10, 10)
    schedule = factory.LazyFunction(lambda: [{"day": "Tuesday", "time": "09:10"}])


class GroupStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupStaff

    group = factory.SubFactory(ProvisionGroupFactory)


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(ProvisionGroupFactory)
    pupil = factory.SubFactory(PupilFactory)
    joined_on = factory.SelfAttribute("group.starts_on")


class IndividualProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndividualProvision

    pupil = factory.SubFactory(PupilFactory)
    kind = "one_to_one"
    description = "One-to-one support"
    staff_role = "teaching_assistant"
    hours_per_week = Decimal("5")
    starts_on = datetime.date(2025, 9, 1)
    ends_on = datetime.date(2025, 12, 19)


def set_rates(**rates: str) -> None:
    for role, rate in rates.items():
        HourlyRate.objects.update_or_create(staff_role=role, defaults={"hourly_rate": Decimal(rate)})
