"""The school's EHC pages: a pupil's EHC section, its requests and their thread, the plan, annual reviews.

Included by `send_core/ehc/urls.py`, whose app name (`ehc`) these names carry.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("pupils/<int:pupil_id>/ehc/", views.pupil_ehc, name="pupil-ehc"),
    path("pupils/<int:pupil_id>/ehc/request/", views.start_request, name="request-start"),
    path("pupils/<int:pupil_id>/ehc/annual-reviews/new/", views.plan_annual_review, name="annual-review-add"),
    path("ehc-requests/", views.request_list, name="requests"),
    path("ehc-requests/<int:request_id>/", views.request_page, name="request"),
    path("ehc-requests/<int:request_id>/preview/", views.preview, name="request-preview"),
    path("ehc-requests/<int:request_id>/reply/", views.reply, name="request-reply"),
    path("ehc-requests/<int:request_id>/read/", views.read_replies, name="request-read"),
    path("ehc-plans/<int:plan_id>/", views.plan, name="plan"),
    path("annual-reviews/<int:review_id>/", views.annual_review, name="annual-review"),
    path("annual-reviews/<int:review_id>/send/", views.send_annual_review, name="annual-review-send"),
]
