"""Request routing by host, and the membership check that guards every organisation's pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name
from send_platform.sentry import tag_organisation

from send_core.audit.models import AuditAction
from send_core.audit.services import record_event

from .routing import base_site_url
from .selectors import roles_in
from .sessions import session_is_current

# Paths on an organisation's host that need no membership here: the API checks membership
# itself after authenticating a session or a token (see tenants.api).
OPEN_PREFIXES = ("/static/", "/auth/handoff/", "/health/", "/sign-out/", "/api/", "/exchange/api/")


# Paths on the base domain a signed-in person may use before their second factor.
PUBLIC_BEFORE_SECOND_FACTOR = ("/static/", "/health/", "/sign-in/", "/sign-out/", "/two-factor/")


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
        if is_public_request(request):
            if (
                settings.CAIRN_REQUIRE_2FA
                and request.user.is_authenticated
                and not request.user.is_verified()
                and not request.path.startswith(PUBLIC_BEFORE_SECOND_FACTOR)
            ):
                return HttpResponseRedirect(f"/two-factor/?next={request.get_full_path()}")
            return self.get_response(request)
        if request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)

        if not request.user.is_authenticated:
            return HttpResponseRedirect(base_site_url(request, "/sign-in/", next=request.build_absolute_uri()))
        if not request.roles:
            record_event(
                actor=request.user,
                action=AuditAction.DENIED,
                object_type="organisation",
                object_id=tenant.pk,
                summary=f"Refused {request.method} {request.path[:100]}: not a member",
            )
            return render(
                request,
                "errors/403.html",
                {"reason": f"You are not a member of {tenant.name}."},
                status=403,
            )
        if settings.CAIRN_REQUIRE_2FA and not request.user.is_verified():
            return HttpResponseRedirect(base_site_url(request, "/two-factor/", next=request.build_absolute_uri()))
        return self.get_response(request)
