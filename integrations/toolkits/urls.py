"""Toolkit pages on an organisation's own host (a school or a local authority)."""

from django.urls import path

from . import views

app_name = "toolkits"

urlpatterns = [
    path("", views.toolkits_home, name="home"),
    path("change/", views.change_toolkit, name="change"),
    path("pupils/<int:pupil_id>/matching/", views.matching_provision_page, name="matching"),
]
