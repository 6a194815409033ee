"""The forms of a school's SEND pages, drawn as GOV.UK components by `{{ form }}`."""

from .agencies import ConsentForm, InvolvementForm, ReferralForm, WithdrawConsentForm
from .assessments import AssessmentForm
from .base import CairnForm
from .chronology import ChronologyFilterForm
from .concerns import CloseConcernForm, ConcernDiscussionForm, ConcernForm, EscalateConcernForm
from .documents import DocumentForm
from .importing import ImportMappingForm, ImportUploadForm
from .medical import EndMedicalConditionForm, MedicalConditionForm
from .meetings import MeetingForm
from .needs import DiagnosisForm, EndNeedForm, NeedForm
from .plans import OutcomeForm, PlanDateForm, PlanSectionsForm, ProvisionForm
from .pupils import CONTEXT_FLAGS, ParentCarerForm, PupilFilterForm, PupilForm
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
