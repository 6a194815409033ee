"""Reporting pages for platform operators, on the base domain: /operator/reporting/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.operator_refresh_runs, name="operator-reporting"),
]
