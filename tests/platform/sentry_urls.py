"""A page that fails while holding a child's details, for the Sentry test."""

from django.http import HttpRequest
from django.urls import include, path


def failing_pupil_view(request: HttpRequest):
    pupil_name = "Amelia Thornbury"  # noqa: F841 — a local Sentry must not keep
    date_of_birth = "2016-03-04"  # noqa: F841
    raise ValueError(f"Could not save Amelia Thornbury born 4 March 2016 ({request.POST.get('upn')})")


urlpatterns = [
    path("pupils/fail/", failing_pupil_view),
    path("", include("send_platform.urls")),
]
