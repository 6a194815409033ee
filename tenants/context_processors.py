from functools import partial

from django.conf import settings
from django.http import HttpRequest

from .middleware import is_public_request
from .selectors import organisations_for


def organisation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "organisation": None if is_public_request(request) else request.tenant,
        "roles": getattr(request, "roles", frozenset()),
        # Called by the template only when the switcher is drawn.
        "my_organisations": partial(organisations_for, user) if signed_in else list,
        "base_domain": settings.BASE_DOMAIN,
    }
