"""The SEND records of one school, kept in that school's own schema."""

from .agencies import (
    Agency,
    AgencyInvolvement,
    AgencyKind,
    Consent,
    ConsentScope,
    InvolvementStatus,
)
from .assessments import NUMERIC_ASSESSMENT_KINDS, Assessment, AssessmentKind
from .concerns import Concern, ConcernStatus, RaisedByKind
from .descriptors import NeedDescriptorLevel
from .documents import Document, DocumentKind
from .importing import PendingImport
from .medical import MedicalCondition
from .meetings import MeetingKind, ParentMeeting
from .needs import AREA_FOR_NEED_TYPE, AreaOfNeed, Diagnosis, DiagnosisSource, NeedRank, NeedType, PupilNeed
from .plans import EDITABLE_PLAN_STATUSES, PlanOutcome, PlanProvision, PlanStatus, PlanVersion, SupportPlan
from .pupils import (
    NC_YEAR_ORDER,
    ClassTeacher,
    ClassTeacherRole,
    ContactMethod,
    NCYear,
    ParentCarer,
    Pupil,
    Relationship,
    SchoolClass,
    Sex,
)
from .register import (
    ON_REGISTER_CODES,
    CensusCode,
    NotificationKind,
    NotificationMethod,
    ParentNotification,
    RegisterEntry,
)
from .reviews import (
    CARRIED_FORWARD,
    SENCO_DECISIONS,
    OutcomeProgress,
    ParticipantRole,
    Progress,
    Review,
    ReviewDecision,
    ReviewStatus,
)
from .submissions import Submission
from .training import StaffTraining
from .transfers import TransferFileSequence

__all__ = [
    "AREA_FOR_NEED_TYPE",
    "CARRIED_FORWARD",
    "EDITABLE_PLAN_STATUSES",
    "NC_YEAR_ORDER",
    "NUMERIC_ASSESSMENT_KINDS",
    "ON_REGISTER_CODES",
    "SENCO_DECISIONS",
    "Agency",
    "AgencyInvolvement",
    "AgencyKind",
    "AreaOfNeed",
    "Assessment",
    "AssessmentKind",
    "CensusCode",
    "ClassTeacher",
    "ClassTeacherRole",
    "Concern",
    "ConcernStatus",
    "Consent",
    "ConsentScope",
    "ContactMethod",
    "Diagnosis",
    "DiagnosisSource",
    "Document",
    "DocumentKind",
    "InvolvementStatus",
    "MedicalCondition",
    "MeetingKind",
    "NCYear",
    "NeedDescriptorLevel",
    "NeedRank",
    "NeedType",
    "NotificationKind",
    "NotificationMethod",
    "OutcomeProgress",
    "ParentCarer",
    "ParentMeeting",
    "ParentNotification",
    "PendingImport",
    "ParticipantRole",
    "PlanOutcome",
    "PlanProvision",
    "PlanStatus",
    "PlanVersion",
    "Progress",
    "Pupil",
    "PupilNeed",
    "RaisedByKind",
    "RegisterEntry",
    "Relationship",
    "Review",
    "ReviewDecision",
    "ReviewStatus",
    "SchoolClass",
    "Sex",
    "StaffTraining",
    "Submission",
    "TransferFileSequence",
    "SupportPlan",
]
