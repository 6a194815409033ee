"""The site icon, answered at /favicon.ico on the base domain and on every organisation's host.

Browsers ask for /favicon.ico on their own whatever the page says; without this they get a 404 page
(and, in development, Django's debug page) on every first visit.
"""

from pathlib import Path

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_safe

ICON = Path(__file__).resolve().parent / "static" / "cairn" / "favicon.ico"


@require_safe
def favicon(request: HttpRequest) -> FileResponse:
    return FileResponse(ICON.open("rb"), content_type="image/x-icon")
