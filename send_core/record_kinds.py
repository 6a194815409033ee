"""The pupil record's own kinds of record (registered from SendCoreConfig.ready())."""

from __future__ import annotations

from .kinds import RecordKind, register_record_kind
from .models import (
    AgencyInvolvement,
    Assessment,
    Concern,
    Consent,
    Diagnosis,
    Document,
    MedicalCondition,
    NeedDescriptorLevel,
    ParentCarer,
    ParentMeeting,
    ParentNotification,
    PupilNeed,
    RegisterEntry,
    Review,
    SupportPlan,
)

RECORD_KINDS = (
    RecordKind("needs", "Needs and diagnoses", (PupilNeed, Diagnosis), transition_section="needs"),
    RecordKind("register", "SEND register history", (RegisterEntry,), transition_section="needs"),
    RecordKind("plans", "Support plans and outcomes", (SupportPlan,), transition_section="plan"),
    RecordKind("reviews", "Reviews", (Review,), transition_section="reviews"),
    RecordKind("assessments", "Attainment and assessments", (Assessment,), transition_section="provision"),
    RecordKind("agencies", "Agencies involved", (AgencyInvolvement,), transition_section="agencies"),
    RecordKind("medical", "Medical information", (MedicalCondition,), transition_section="medical"),
    RecordKind("documents", "Documents", (Document,), transition_section="documents"),
    RecordKind(
        "concerns",
        "Concerns raised",
        (Concern,),
        stays_with_school="a concern leads to needs and a plan, which travel; the concern itself is the school's",
    ),
    RecordKind(
        "descriptors",
        "Need descriptor levels",
        (NeedDescriptorLevel,),
        stays_with_school="levels are on this school's local toolkit, which the next school may not use",
    ),
    RecordKind(
        "consent",
        "Consent",
        (Consent,),
        stays_with_school="consent is given to this school; the next school asks the family again",
    ),
    RecordKind(
        "parents",
        "Parents and carers",
        (ParentCarer,),
        stays_with_school="contact details come to the next school from the admissions data, not the SEND file",
    ),
    RecordKind(
        "parent_meetings",
        "Meetings with parents",
        (ParentMeeting,),
        stays_with_school="what was agreed is carried by the plan and reviews; the meeting notes are the school's",
    ),
    RecordKind(
        "parent_notifications",
        "Letters telling parents of SEN provision",
        (ParentNotification,),
        stays_with_school="a record of this school's duty to tell the parents, done by this school",
    ),
)


def register() -> None:
    for kind in RECORD_KINDS:
        register_record_kind(kind)
