"""The local authority's casework pages, at /casework/.

Included by `send_core/ehc/urls.py`, whose app name (`ehc`) these names carry.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("casework/", views.inbox, name="casework"),
    path("casework/requests/<int:message_id>/open/", views.open_request, name="request-open"),
    path("casework/annual-reviews/<int:message_id>/receive/", views.receive_review, name="annual-review-receive"),
    path("casework/cases/", views.case_list, name="cases"),
    path("casework/family-requests/new/", views.family_request, name="family-request"),
    path("casework/cases/<int:case_id>/", views.case, name="case"),
    path("casework/cases/<int:case_id>/allocate/", views.allocate, name="case-allocate"),
    path("casework/cases/<int:case_id>/read/", views.read_replies, name="case-read"),
    path("casework/cases/<int:case_id>/information/", views.ask_for_information, name="case-information"),
    path("casework/cases/<int:case_id>/decision/", views.decide, name="case-decision"),
    path("casework/cases/<int:case_id>/advice/", views.request_advice, name="case-advice"),
    path("casework/advice/<int:advice_id>/received/", views.advice_received, name="advice-received"),
    path("casework/cases/<int:case_id>/exceptions/", views.record_exception, name="case-exception"),
    path("casework/cases/<int:case_id>/no-plan/", views.no_plan, name="case-no-plan"),
    path("casework/cases/<int:case_id>/plan/", views.write_plan, name="case-plan"),
    path("casework/cases/<int:case_id>/plan/final/", views.issue_final, name="case-final-plan"),
    path("casework/cases/<int:case_id>/plans/<int:version>/", views.plan, name="case-plan-version"),
    path("casework/annual-reviews/<int:review_id>/", views.case_annual_review, name="case-annual-review"),
    path("casework/caseload/", views.caseload, name="caseload"),
    path("casework/deadlines/", views.deadlines, name="deadlines"),
]
