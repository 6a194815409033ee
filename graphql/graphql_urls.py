"""/graphql/ on an organisation's host, for its signed-in members."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.graphql_for_members, name="reporting-graphql"),
]
