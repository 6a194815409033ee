"""GOV.UK 404 pages in development too.

With DEBUG on (as `./cairn run` runs the demo) Django answers an unknown address, or a view's
Http404, with its technical page listing every URL pattern. People trying the demo should meet the
same GOV.UK 404 page as in production; errors other than 404 keep Django's debug pages for the
developer.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from send_platform.views import page_not_found


class GovukNotFoundInDebugMiddleware:
    """Innermost, so the page renders with the person's session and CommonMiddleware's
    added-slash redirect still sees the 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No resolver match: the address matched no route, and Django has answered with its debug page.
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
