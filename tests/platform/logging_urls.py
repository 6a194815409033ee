"""A page that fails with the child's details from the request in its exception message."""

from django.http import HttpRequest
from django.urls import include, path


def failing_pupil_view(request: HttpRequest):
    details = ", ".join(request.POST.get(key, "") for key in ("name", "upn", "dob"))
    raise ValueError(f"Could not save the pupil ({details})")


urlpatterns = [
    path("pupils/fail/", failing_pupil_view),
    path("", include("send_platform.urls")),
]
