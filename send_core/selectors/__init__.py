"""Reads shared by the pages, the API and tasks. Lists of pupils always take the person and their roles."""

from .agencies import agency_catalogue, consent_on, consents_for, has_consent, involvements_for
from .assessments import SeriesPoint, assessment_series, assessments_for
from .audit import record_trail, who_viewed
from .concerns import concerns_due_for_review, concerns_for, open_concerns
from .medical import medical_conditions_for, medical_register
from .meetings import parent_meetings_for, parent_meetings_in_year
from .organisation import current_organisation
from .plans import OnePageProfile, active_plan, draft_plans, get_plan, one_page_profile, plan_versions, plans_for
from .pupils import (
    PupilRecord,
    classes_taught_by,
    get_visible_pupil,
    pupil_list,
    pupil_send_record,
    school_classes,
    send_record_pupils,
    visible_pupils,
)
from .register import (
    RegisterSummary,
    current_stage,
    parent_notifications_for,
    register_history,
    register_on,
    register_summary,
)
from .reviews import (
    ReviewShortfall,
    draft_reviews,
    pupils_with_fewer_than_three_reviews,
    pupils_without_active_plan,
    reviews_due,
    reviews_for,
    reviews_overdue,
)
from .training import staff_training, training_expiring

__all__ = [
    "OnePageProfile",
    "PupilRecord",
    "RegisterSummary",
    "ReviewShortfall",
    "SeriesPoint",
    "active_plan",
    "agency_catalogue",
    "assessment_series",
    "assessments_for",
    "classes_taught_by",
    "concerns_due_for_review",
    "concerns_for",
    "consent_on",
    "consents_for",
    "current_organisation",
    "current_stage",
    "draft_plans",
    "draft_reviews",
    "get_plan",
    "get_visible_pupil",
    "has_consent",
    "involvements_for",
    "medical_conditions_for",
    "medical_register",
    "one_page_profile",
    "open_concerns",
    "parent_meetings_for",
    "parent_meetings_in_year",
    "parent_notifications_for",
    "plan_versions",
    "plans_for",
    "pupil_list",
    "pupil_send_record",
    "pupils_with_fewer_than_three_reviews",
    "pupils_without_active_plan",
    "record_trail",
    "register_history",
    "register_on",
    "register_summary",
    "reviews_due",
    "reviews_for",
    "reviews_overdue",
    "school_classes",
    "send_record_pupils",
    "staff_training",
    "training_expiring",
    "visible_pupils",
    "who_viewed",
]
