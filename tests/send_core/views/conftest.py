"""A school with people in every role, two classes and a pupil whose record has something in every section."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.db import connection

from send_core.models import Pupil, SchoolClass, SupportPlan
from tests.send_core.factories import (
    AgencyInvolvementFactory,
    AssessmentFactory,
    ClassTeacherFactory,
    ConcernFactory,
    ConsentFactory,
    DiagnosisFactory,
    DocumentFactory,
    MedicalConditionFactory,
    ParentCarerFactory,
    ParentMeetingFactory,
    PupilFactory,
    ReviewFactory,
    SchoolClassFactory,
    active_plan_for,
    on_register,
)

ROLES = (
    "senco",
    "headteacher",
    "teacher",
    "other_teacher",
    "teaching_assistant",
    "governor",
    "business_manager",
    "school_admin",
)


@dataclass
class School:
    """School A as its staff find it: `people[name]` are users, `client(name)` signs one in."""

    organisation: object
    people: dict
    own_class: SchoolClass
    other_class: SchoolClass
    pupil: Pupil
    plan: SupportPlan
    objects: dict = field(default_factory=dict)
    _client_for: object = None

    def client(self, name: str):
        return self._client_for(self.people[name], self.organisation)

    def url(self, pattern: str) -> str:
        """A page's address with the scene's ids filled in: "/pupils/{pupil}/", "/plans/{plan}/", …"""
        return pattern.format(pupil=self.pupil.pk, plan=self.plan.pk, **{k: v.pk for k, v in self.objects.items()})


@pytest.fixture
def school(school_a, school_b, member, client_for, in_schema):
    """People in every role at school A (the teacher and TA work with the pupil's class; the other
    teacher with another class), and a pupil at SEN Support with something in every section."""
    people = {}
    for name in ROLES:
        role = "teacher" if name == "other_teacher" else name
        people[name] = member(school_a, role, full_name=f"{name.replace('_', ' ').title()} Person")
    with in_schema(school_a):
        own_class = SchoolClassFactory(name="4 Kestrels")
        other_class = SchoolClassFactory(name="3 Owls")
        ClassTeacherFactory(school_class=own_class, user=people["teacher"], role="teacher")
        ClassTeacherFactory(school_class=own_class, user=people["teaching_assistant"], role="teaching_assistant")
        ClassTeacherFactory(school_class=other_class, user=people["other_teacher"], role="teacher")
        pupil = PupilFactory(school_class=own_class, legal_first_name="Amara", last_name="Okafor")
        parent = ParentCarerFactory(pupil=pupil, name="Grace Okafor", is_primary_contact=True)
        on_register(pupil, since=datetime.date(2024, 9, 2))
        plan = active_plan_for(pupil)
        consent = ConsentFactory(pupil=pupil, given_by=parent)
        objects = {
            "parent": parent,
            "consent": consent,
            "concern": ConcernFactory(pupil=pupil),
            "review": ReviewFactory(plan=plan, held_on=datetime.date(2024, 12, 2)),
            "outcome": plan.outcomes.first(),
            "need": pupil.needs.first(),
            "diagnosis": DiagnosisFactory(pupil=pupil),
            "assessment": AssessmentFactory(pupil=pupil),
            "meeting": ParentMeetingFactory(pupil=pupil),
            "involvement": AgencyInvolvementFactory(pupil=pupil, consent=consent),
            "medical": MedicalConditionFactory(pupil=pupil),
            "document": DocumentFactory(pupil=pupil),
            "entry": pupil.register_entries.first(),
        }
        AssessmentFactory(pupil=pupil, assessed_on=datetime.date(2025, 1, 20), score=90)
    connection.set_schema_to_public()
    return School(school_a, people, own_class, other_class, pupil, plan, objects, client_for)
