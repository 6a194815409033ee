"""Reporting on an organisation's host: /reporting/ (dashboards, CSV, keys)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="reporting-dashboard"),
    path("download/<slug:table>.csv", views.download, name="reporting-download"),
    path("keys/", views.tokens, name="reporting-tokens"),
    path("keys/<int:token_id>/revoke/", views.revoke_token, name="reporting-revoke-token"),
]
