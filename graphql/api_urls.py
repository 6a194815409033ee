"""Reporting for BI tools on an organisation's host: /api/reporting/ (a reporting key, no session)."""

from django.urls import path

from . import views

urlpatterns = [
    path("graphql/", views.graphql_for_tokens, name="reporting-graphql-api"),
]
