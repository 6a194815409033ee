"""Toolkit pages on the base domain (platform operators)."""

from django.urls import path

from . import views

app_name = "public_toolkits"

urlpatterns = [
    path("", views.operator_toolkits, name="list"),
]
