from django.urls import include, path

from . import views

urlpatterns = [
    path("pupils/", views.PupilList.as_view(), name="api-pupils"),
    path("pupils/<int:pupil_id>/", views.PupilDetail.as_view(), name="api-pupil"),
    path("pupils/<int:pupil_id>/needs/", views.PupilNeeds.as_view(), name="api-pupil-needs"),
    path("pupils/<int:pupil_id>/register/", views.PupilRegister.as_view(), name="api-pupil-register"),
    path("pupils/<int:pupil_id>/plans/", views.PupilPlans.as_view(), name="api-pupil-plans"),
    path("pupils/<int:pupil_id>/reviews/", views.PupilReviews.as_view(), name="api-pupil-reviews"),
    path("register/", views.Register.as_view(), name="api-register"),
    path("plans/<int:plan_id>/", views.PlanDetail.as_view(), name="api-plan"),
    path("plans/<int:plan_id>/outcomes/", views.PlanOutcomes.as_view(), name="api-plan-outcomes"),
    path("plans/<int:plan_id>/activate/", views.PlanActivation.as_view(), name="api-plan-activate"),
    path("plans/<int:plan_id>/reviews/", views.PlanReviews.as_view(), name="api-plan-reviews"),
    path("reviews/<int:review_id>/close/", views.ReviewClosing.as_view(), name="api-review-close"),
    path("provision/", include("send_core.provision.api")),
    path("ehc/", include("send_core.ehc.api")),
]
