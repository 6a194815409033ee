"""The pupil record's own kinds of record (registered from SendCoreConfig.ready())."""

from __future__ import annotations

from .kinds import RecordKind, RecordSection, register_record_kind
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
    RecordKind(
        "needs",
        "Needs and diagnoses",
        (PupilNeed, Diagnosis),
        transition_section="needs",
        section=RecordSection("needs", "Needs", "send_core:pupil-needs", 10),
    ),
    RecordKind(
        "register",
        "SEND register history",
        (RegisterEntry,),
        transition_section="needs",
        section=RecordSection("register", "Register", "send_core:pupil-register", 30),
    ),
    RecordKind(
        "plans",
        "Support plans and outcomes",
        (SupportPlan,),
        transition_section="plan",
        section=RecordSection("plan", "", "send_core:pupil-plan", 40),
    ),
    RecordKind(
        "reviews",
        "Reviews",
        (Review,),
        transition_section="reviews",
        section=RecordSection("reviews", "Reviews", "send_core:pupil-reviews", 50),
    ),
    RecordKind(
        "assessments",
        "Attainment and assessments",
        (Assessment,),
        transition_section="provision",
        section=RecordSection("assessments", "Assessments", "send_core:pupil-assessments", 70),
    ),
    RecordKind(
        "agencies",
        "Agencies involved",
        (AgencyInvolvement,),
        transition_section="agencies",
        section=RecordSection("agencies", "Agencies and consent", "send_core:pupil-agencies", 80),
    ),
    RecordKind(
        "medical",
        "Medical information",
        (MedicalCondition,),
        transition_section="medical",
        section=RecordSection("medical", "Medical", "send_core:pupil-medical", 120),
    ),
    RecordKind(
        "documents",
        "Documents",
        (Document,),
        transition_section="documents",
        section=RecordSection("documents", "Documents", "send_core:pupil-documents", 100),
    ),
    RecordKind(
        "concerns",
        "Concerns raised",
        (Concern,),
        stays_with_school="a concern leads to needs and a plan, which travel; the concern itself is the school's",
        section=RecordSection("concerns", "Concerns", "send_core:pupil-concerns", 20),
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
        section=RecordSection("meetings", "Meetings with parents", "send_core:pupil-meetings", 110),
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
