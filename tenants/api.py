"""REST API plumbing shared by every organisation's endpoints: who is asking, and in what role.

API requests authenticate with a session or a personal token (`Authorization: Token …`); the
organisation comes from the host, exactly as for pages, and the person must be a member there.
A session must also pass the one rule every surface applies (`tenants.sessions.session_refusal`:
issued for this address, second factor passed when needed); a token is its own credential.
"""

from __future__ import annotations

from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from .middleware import is_public_request
from .selectors import roles_in
from .sessions import REFUSAL_MESSAGES, session_refusal


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, refusing a session the pages would refuse (403 with the reason)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            refusal = session_refusal(request._request)
            if refusal is not None:
                raise exceptions.PermissionDenied(REFUSAL_MESSAGES[refusal], code=refusal)
        return result


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, looked up by the key's SHA-256 (tenants.tokens); no key is stored."""

    def authenticate_credentials(self, key):
        from .tokens import user_for_api_key

        found = user_for_api_key(key)
        if found is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return found


def _session_refusal(request) -> str | None:
    # Also asked here, so a view that names DRF's own session class still meets the rule.
    if isinstance(getattr(request, "successful_authenticator", None), authentication.SessionAuthentication):
        return session_refusal(request._request)
    return None


def _roles_from_middleware(request) -> frozenset[str] | None:
    """The roles MembershipMiddleware already looked up, when they are for this same person."""
    # A token's holder is only known here: the middleware saw an anonymous visitor, so its
    # (empty) roles are not the caller's. Anyone else is reused only if it is the same person.
    if isinstance(getattr(request, "successful_authenticator", None), authentication.TokenAuthentication):
        return None
    django_request = request._request
    seen_user = getattr(django_request, "user", None)
    roles = getattr(django_request, "roles", None)
    if roles is None or seen_user is None or not seen_user.is_authenticated:
        return None
    return roles if seen_user.pk == request.user.pk else None


def api_roles(request) -> frozenset[str]:
    """The caller's roles in the organisation the request is for (looked up once per request)."""
    cached = getattr(request, "_api_roles", None)
    if cached is None:
        if is_public_request(request) or not request.user.is_authenticated:
            cached = frozenset()
        else:
            cached = _roles_from_middleware(request)
            if cached is None:
                cached = roles_in(request.user, request.tenant)
        request._api_roles = cached
    return cached


class IsMemberHere(BasePermission):
    """Only members of the organisation whose host the request came to."""

    message = "You are not a member of this organisation."

    def has_permission(self, request, view) -> bool:
        refusal = _session_refusal(request)
        if refusal is not None:
            self.message = REFUSAL_MESSAGES[refusal]
            return False
        roles = api_roles(request)
        # Views read `request.roles` just as pages do.
        request.roles = roles
        request._request.roles = roles
        return bool(roles)


def role_permission(*allowed: str) -> type[BasePermission]:
    """A permission class admitting members who hold one of `allowed` roles."""

    class HasRole(IsMemberHere):
        message = "Your role here does not allow this."

        def has_permission(self, request, view) -> bool:
            return super().has_permission(request, view) and bool(api_roles(request) & set(allowed))

    HasRole.__name__ = "HasRole_" + "_".join(allowed)
    return HasRole


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError from services as a 400 with its messages."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework.exceptions import ValidationError
    from rest_framework.views import exception_handler as drf_handler

    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    return drf_handler(exc, context)
