"""The census SEN extract on a school's own host."""

from django.urls import path

from . import views

app_name = "census"

urlpatterns = [path("", views.census, name="sen-extract")]
