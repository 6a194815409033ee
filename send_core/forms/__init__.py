"""The forms of a school's SEND pages, drawn as GOV.UK components by `{{ form }}`."""

from .base import CairnForm
from .concerns import CloseConcernForm, ConcernDiscussionForm, ConcernForm, EscalateConcernForm
from .importing import ImportMappingForm, ImportUploadForm
from .needs import DiagnosisForm, EndNeedForm, NeedForm
from .plans import OutcomeForm, PlanDateForm, PlanSectionsForm, ProvisionForm
from .pupils import CONTEXT_FLAGS, ParentCarerForm, PupilFilterForm, PupilForm
from .records import (
    AssessmentForm,
    ChronologyFilterForm,
    ConsentForm,
    DocumentForm,
    EndMedicalConditionForm,
    InvolvementForm,
    MedicalConditionForm,
    MeetingForm,
    ReferralForm,
    WithdrawConsentForm,
)
from .register import ExitRegisterForm, RegisterDateForm, StageChangeForm
from .reviews import ReviewForm

__all__ = [
    "CONTEXT_FLAGS",
    "AssessmentForm",
    "CairnForm",
    "ChronologyFilterForm",
    "CloseConcernForm",
    "ConcernDiscussionForm",
    "ConcernForm",
    "ConsentForm",
    "DiagnosisForm",
    "DocumentForm",
    "EndMedicalConditionForm",
    "EndNeedForm",
    "EscalateConcernForm",
    "ExitRegisterForm",
    "ImportMappingForm",
    "ImportUploadForm",
    "InvolvementForm",
    "MedicalConditionForm",
    "MeetingForm",
    "NeedForm",
    "OutcomeForm",
    "ParentCarerForm",
    "PlanDateForm",
    "PlanSectionsForm",
    "ProvisionForm",
    "PupilFilterForm",
    "PupilForm",
    "ReferralForm",
    "RegisterDateForm",
    "ReviewForm",
    "StageChangeForm",
    "WithdrawConsentForm",
]
