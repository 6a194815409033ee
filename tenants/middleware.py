"""Request routing by host, and the membership check that guards every organisation's pages."""

from __future__ import annotations

from django.contrib.auth import logout
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_event, record_refusal, refusal_allowed, route_name
from send_platform.sentry import tag_organisation

from .routing import base_site_url
from .selectors import roles_in
from .sessions import (
    ISSUED_FOR_ANOTHER_ADDRESS,
    REFUSAL_MESSAGES,
    SECOND_FACTOR_NEEDED,
    session_is_current,
    session_refusal,
)

# Paths on an organisation's host that need no membership here: the API checks membership
# itself after authenticating a session or a token (see tenants.api). A session is still judged
# by the one rule (session_refusal) on every path except NO_SESSION_RULE.
OPEN_PREFIXES = ("/static/", "/favicon.ico", "/auth/handoff/", "/health/", "/sign-out/", "/api/", "/exchange/api/", "/ctf/api/")

# Machine surfaces: a refused session gets a 403 with its reason as JSON, never a redirect.
API_PREFIXES = ("/api/", "/exchange/api/", "/ctf/api/", "/graphql/")

SAFE_TO_RECORD_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Paths that never act on a session's behalf (the hand-off starts a new session of its own).
NO_SESSION_RULE = ("/static/", "/favicon.ico", "/health/")

# Paths an organisation's host serves before the second factor: the hand-off brings a verified
# session, and signing out must always work.
ORGANISATION_BEFORE_SECOND_FACTOR = ("/auth/handoff/", "/sign-out/")

# Paths on the base domain a signed-in person may use before their second factor (an invitation
# is where a first authenticator is enrolled).
PUBLIC_BEFORE_SECOND_FACTOR = ("/static/", "/health/", "/sign-in/", "/sign-out/", "/two-factor/", "/invitations/")


class OrganisationMiddleware(TenantMainMiddleware):
    """Selects the organisation's schema from the host; unknown or closed hosts get a 404 page."""

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        return render(request, "errors/404.html", {"reason": "There is no organisation at this address."}, status=404)

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        response = super().process_request(request)
        if response is not None:
            return response
        if not request.tenant.is_active:
            connection.set_schema_to_public()
            return render(
                request, "errors/404.html", {"reason": "This organisation is no longer on Cairn."}, status=404
            )
        return None


def is_public_request(request: HttpRequest) -> bool:
    return getattr(request, "tenant", None) is None or request.tenant.schema_name == get_public_schema_name()


class MembershipMiddleware:
    """On an organisation's host, only its members get past; everyone else is refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if request.user.is_authenticated and not session_is_current(request):
            # Signed out elsewhere since this session began.
            logout(request)
        request.roles = frozenset()
        if tenant is not None:
            request.roles = roles_in(request.user, tenant)
        if tenant is not None:
            tag_organisation(tenant.slug)
        refused = self._apply_session_rule(request)
        if refused is not None:
            return refused
        if is_public_request(request):
            return self.get_response(request)
        if request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)

        if not request.user.is_authenticated:
            return HttpResponseRedirect(base_site_url(request, "/sign-in/", next=request.build_absolute_uri()))
        if not request.roles:
            # In the person's own (public) trail, throttled: never text of theirs in this organisation's.
            record_refusal(
                actor=request.user,
                refused_at=tenant,
                reason="not a member",
                route=route_name(request),
                method=request.method,
            )
            return render(
                request,
                "errors/403.html",
                {"reason": f"You are not a member of {tenant.name}."},
                status=403,
            )
        return self.get_response(request)

    def _apply_session_rule(self, request: HttpRequest) -> HttpResponse | None:
        """The one rule for a signed-in session (tenants.sessions.session_refusal), on every surface."""
        if request.path.startswith(NO_SESSION_RULE):
            return None
        refusal = session_refusal(request)
        if refusal is None:
            return None
        public = is_public_request(request)
        if refusal == ISSUED_FOR_ANOTHER_ADDRESS:
            # A cookie replayed from another address: the session is treated as stolen and ended. The
            # refusal goes in this address's trail, in our words only (no path the caller chose), and
            # without naming where the session came from.
            user = request.user
            logout(request)
            if refusal_allowed(str(user.pk)):  # throttled like every refusal
                record_event(
                    actor=user,
                    action=AuditAction.DENIED,
                    object_type="session",
                    object_id=None if public else request.tenant.pk,
                    summary="Refused: a session started for another address",
                    detail={"method": request.method if request.method in SAFE_TO_RECORD_METHODS else "other"},
                )
            return self._refuse(request, refusal)
        if refusal == SECOND_FACTOR_NEEDED:
            if request.path.startswith(PUBLIC_BEFORE_SECOND_FACTOR if public else ORGANISATION_BEFORE_SECOND_FACTOR):
                return None
            if request.path.startswith(API_PREFIXES):
                return self._refuse(request, refusal)
            if public:
                return HttpResponseRedirect(f"/two-factor/?next={request.get_full_path()}")
            return HttpResponseRedirect(base_site_url(request, "/two-factor/", next=request.build_absolute_uri()))
        return self._refuse(request, refusal)

    @staticmethod
    def _refuse(request: HttpRequest, refusal: str) -> HttpResponse:
        reason = REFUSAL_MESSAGES[refusal]
        if request.path.startswith("/graphql/"):
            return JsonResponse({"errors": [{"message": reason}], "reason": refusal}, status=403)
        if request.path.startswith(API_PREFIXES):
            return JsonResponse({"detail": reason, "reason": refusal}, status=403)
        return render(request, "errors/403.html", {"reason": reason}, status=403)
