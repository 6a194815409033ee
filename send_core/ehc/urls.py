"""EHC pages: a school's requests, plans and annual reviews; a local authority's casework at /casework/."""

from django.urls import path

from .views import la, reminders, school

app_name = "ehc"

urlpatterns = [
    # School
    path("pupils/<int:pupil_id>/ehc/", school.pupil_ehc, name="pupil-ehc"),
    path("pupils/<int:pupil_id>/ehc/request/", school.start_request, name="request-start"),
    path("pupils/<int:pupil_id>/ehc/annual-reviews/new/", school.plan_annual_review, name="annual-review-add"),
    path("ehc-requests/", school.request_list, name="requests"),
    path("ehc-requests/<int:request_id>/", school.request_page, name="request"),
    path("ehc-requests/<int:request_id>/preview/", school.preview, name="request-preview"),
    path("ehc-requests/<int:request_id>/reply/", school.reply, name="request-reply"),
    path("ehc-requests/<int:request_id>/read/", school.read_replies, name="request-read"),
    path("ehc-plans/<int:plan_id>/", school.plan, name="plan"),
    path("annual-reviews/<int:review_id>/", school.annual_review, name="annual-review"),
    path("annual-reviews/<int:review_id>/send/", school.send_annual_review, name="annual-review-send"),
    # Local authority
    path("casework/", la.inbox, name="casework"),
    path("casework/requests/<int:message_id>/open/", la.open_request, name="request-open"),
    path("casework/annual-reviews/<int:message_id>/receive/", la.receive_review, name="annual-review-receive"),
    path("casework/cases/", la.case_list, name="cases"),
    path("casework/family-requests/new/", la.family_request, name="family-request"),
    path("casework/cases/<int:case_id>/", la.case, name="case"),
    path("casework/cases/<int:case_id>/allocate/", la.allocate, name="case-allocate"),
    path("casework/cases/<int:case_id>/read/", la.read_replies, name="case-read"),
    path("casework/cases/<int:case_id>/information/", la.ask_for_information, name="case-information"),
    path("casework/cases/<int:case_id>/decision/", la.decide, name="case-decision"),
    path("casework/cases/<int:case_id>/advice/", la.request_advice, name="case-advice"),
    path("casework/advice/<int:advice_id>/received/", la.advice_received, name="advice-received"),
    path("casework/cases/<int:case_id>/exceptions/", la.record_exception, name="case-exception"),
    path("casework/cases/<int:case_id>/no-plan/", la.no_plan, name="case-no-plan"),
    path("casework/cases/<int:case_id>/plan/", la.write_plan, name="case-plan"),
    path("casework/cases/<int:case_id>/plan/final/", la.issue_final, name="case-final-plan"),
    path("casework/cases/<int:case_id>/plans/<int:version>/", la.plan, name="case-plan-version"),
    path("casework/annual-reviews/<int:review_id>/", la.case_annual_review, name="case-annual-review"),
    path("casework/caseload/", la.caseload, name="caseload"),
    path("casework/deadlines/", la.deadlines, name="deadlines"),
    # Both
    path("reminders/", reminders.reminders, name="reminders"),
    path("reminders/<int:reminder_id>/done/", reminders.dismiss, name="reminder-dismiss"),
]
