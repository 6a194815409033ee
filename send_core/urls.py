"""A school's SEND pages.

Every part of a pupil's record has its own address under /pupils/<id>/; records reached from
the chronology (a concern, a plan, a review, …) have their own, by their id.
"""

from django.urls import path

from .views import (
    agencies,
    assessments,
    audit,
    chronology,
    concerns,
    dashboard,
    documents,
    importing,
    medical,
    meetings,
    needs,
    plans,
    pupils,
    register,
    reviews,
    school,
)

app_name = "send_core"

urlpatterns = [
    path("send/", dashboard.dashboard, name="dashboard"),
    path("register/", register.register, name="register"),
    path("concerns/", concerns.concern_list, name="concerns"),
    # Pupils
    path("pupils/", pupils.pupils, name="pupils"),
    path("pupils/new/", pupils.add_pupil, name="pupil-add"),
    path("pupils/import/", importing.upload, name="pupil-import"),
    path("pupils/import/columns/", importing.columns, name="pupil-import-columns"),
    path("pupils/import/confirm/", importing.confirm, name="pupil-import-confirm"),
    path("pupils/<int:pupil_id>/", pupils.overview, name="pupil"),
    path("pupils/<int:pupil_id>/details/", pupils.edit_pupil, name="pupil-edit"),
    path("pupils/<int:pupil_id>/parents/new/", pupils.add_parent, name="parent-add"),
    # Needs and diagnoses
    path("pupils/<int:pupil_id>/needs/", needs.needs, name="pupil-needs"),
    path("pupils/<int:pupil_id>/needs/new/", needs.add_need, name="need-add"),
    path("pupils/<int:pupil_id>/diagnoses/new/", needs.add_diagnosis, name="diagnosis-add"),
    path("needs/<int:need_id>/", needs.need, name="need"),
    path("needs/<int:need_id>/end/", needs.end_need, name="need-end"),
    path("needs/<int:need_id>/make-primary/", needs.make_primary, name="need-make-primary"),
    path("diagnoses/<int:diagnosis_id>/", needs.diagnosis, name="diagnosis"),
    # Concerns
    path("pupils/<int:pupil_id>/concerns/", concerns.pupil_concerns, name="pupil-concerns"),
    path("pupils/<int:pupil_id>/concerns/new/", concerns.raise_concern, name="concern-add"),
    path("concerns/<int:concern_id>/", concerns.concern, name="concern"),
    path("concerns/<int:concern_id>/discussion/", concerns.discussion, name="concern-discussion"),
    path("concerns/<int:concern_id>/close/", concerns.close, name="concern-close"),
    path("concerns/<int:concern_id>/sen-support/", concerns.escalate, name="concern-escalate"),
    # The register
    path("pupils/<int:pupil_id>/register/", register.pupil_register, name="pupil-register"),
    path("pupils/<int:pupil_id>/register/change/", register.change_stage, name="stage-change"),
    path("pupils/<int:pupil_id>/register/leave/", register.leave_register, name="register-exit"),
    path("register/entries/<int:entry_id>/", register.entry, name="register-entry"),
    path("parent-notifications/<int:notification_id>/", register.notification, name="parent-notification"),
    # Plans, outcomes and provision
    path("pupils/<int:pupil_id>/plan/", plans.pupil_plan, name="pupil-plan"),
    path("pupils/<int:pupil_id>/plan/new/", plans.create, name="plan-create"),
    path("pupils/<int:pupil_id>/profile/", plans.profile, name="pupil-profile"),
    path("pupils/<int:pupil_id>/provision/", plans.provision, name="pupil-provision"),
    path("plans/<int:plan_id>/", plans.plan, name="plan"),
    path("plans/<int:plan_id>/edit/", plans.edit, name="plan-edit"),
    path("plans/<int:plan_id>/activate/", plans.activate, name="plan-activate"),
    path("plans/<int:plan_id>/close/", plans.close, name="plan-close"),
    path("plans/<int:plan_id>/versions/<int:number>/", plans.version, name="plan-version"),
    path("plans/<int:plan_id>/outcomes/new/", plans.add_outcome, name="outcome-add"),
    path("outcomes/<int:outcome_id>/edit/", plans.edit_outcome, name="outcome-edit"),
    path("outcomes/<int:outcome_id>/remove/", plans.remove_outcome, name="outcome-remove"),
    path("plans/<int:plan_id>/provision/new/", plans.add_provision, name="provision-add"),
    path("provision/<int:item_id>/edit/", plans.edit_provision, name="provision-edit"),
    path("provision/<int:item_id>/remove/", plans.remove_provision, name="provision-remove"),
    # Reviews
    path("pupils/<int:pupil_id>/reviews/", reviews.pupil_reviews, name="pupil-reviews"),
    path("plans/<int:plan_id>/reviews/new/", reviews.record, name="review-add"),
    path("reviews/<int:review_id>/", reviews.review, name="review"),
    path("reviews/<int:review_id>/edit/", reviews.edit, name="review-edit"),
    path("reviews/<int:review_id>/close/", reviews.close, name="review-close"),
    # Assessments
    path("pupils/<int:pupil_id>/assessments/", assessments.assessments, name="pupil-assessments"),
    path("pupils/<int:pupil_id>/assessments/new/", assessments.add_assessment, name="assessment-add"),
    path("assessments/<int:assessment_id>/", assessments.assessment, name="assessment"),
    # Agencies and consent
    path("pupils/<int:pupil_id>/agencies/", agencies.agencies, name="pupil-agencies"),
    path("pupils/<int:pupil_id>/agencies/refer/", agencies.refer, name="agency-refer"),
    path("agency-involvements/<int:involvement_id>/", agencies.involvement, name="agency-involvement"),
    path("pupils/<int:pupil_id>/consent/new/", agencies.add_consent, name="consent-add"),
    path("consents/<int:consent_id>/", agencies.consent, name="consent"),
    path("consents/<int:consent_id>/withdraw/", agencies.withdraw_consent, name="consent-withdraw"),
    # Meetings with parents
    path("pupils/<int:pupil_id>/meetings/", meetings.meetings, name="pupil-meetings"),
    path("pupils/<int:pupil_id>/meetings/new/", meetings.add_meeting, name="meeting-add"),
    path("parent-meetings/<int:meeting_id>/", meetings.meeting, name="parent-meeting"),
    # Medical conditions
    path("pupils/<int:pupil_id>/medical/", medical.medical, name="pupil-medical"),
    path("pupils/<int:pupil_id>/medical/new/", medical.add_medical, name="medical-add"),
    path("medical-conditions/<int:condition_id>/end/", medical.end_medical, name="medical-end"),
    # Documents
    path("pupils/<int:pupil_id>/documents/", documents.documents, name="pupil-documents"),
    path("pupils/<int:pupil_id>/documents/new/", documents.upload, name="document-add"),
    path("documents/<int:document_id>/", documents.document, name="document"),
    path("documents/<int:document_id>/download/", documents.download, name="document-download"),
    # The whole record in time order, and who has looked at it
    path("pupils/<int:pupil_id>/chronology/", chronology.chronology, name="pupil-chronology"),
    path("pupils/<int:pupil_id>/viewed/", audit.viewed, name="pupil-viewed"),
    # The school's classes and staff training
    path("classes/", school.classes, name="classes"),
    path("classes/<int:class_id>/staff/", school.assign_staff, name="class-staff-assign"),
    path("classes/<int:class_id>/staff/<int:user_id>/remove/", school.remove_staff, name="class-staff-remove"),
    path("training/", school.training, name="training"),
    # A pupil leaving, and keeping their parents and carers
    path("pupils/<int:pupil_id>/leaving/", school.record_leaving, name="pupil-leaving"),
    path("parents/<int:parent_id>/edit/", school.edit_parent, name="parent-edit"),
    path("parents/<int:parent_id>/remove/", school.remove_parent, name="parent-remove"),
]
