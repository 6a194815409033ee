"""Transition pages, at /transition/ on a school's host."""

from django.urls import path

from . import views

app_name = "transition"

urlpatterns = [
    path("", views.board, name="board"),
    path("destination/", views.cohort_destination, name="cohort-destination"),
    path("pupils/<int:pupil_id>/", views.pupil, name="pupil"),
    path("pupils/<int:pupil_id>/destination/", views.destination, name="destination"),
    path("pupils/<int:pupil_id>/grant/", views.grant, name="grant"),
    path("grants/<int:grant_id>/dates/", views.change_window, name="grant-dates"),
    path("grants/<int:grant_id>/revoke/", views.revoke, name="grant-revoke"),
    path("incoming/", views.incoming, name="incoming"),
    path("incoming/<int:grant_id>/", views.incoming_pupil, name="incoming-pupil"),
]
