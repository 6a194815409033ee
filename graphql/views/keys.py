"""Reporting keys: an organisation's leaders make and revoke the keys BI tools read figures with."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tenants.models import Organisation

from .. import services
from ..models import REPORTING_KEY_MAX_DAYS, ReportingToken
from ..permissions import can_manage_tokens

# How long a new key may last, offered on the keys page (a year at most, and by default).
KEY_LIFETIMES = (("30", "30 days"), ("90", "3 months"), ("182", "6 months"), (str(REPORTING_KEY_MAX_DAYS), "1 year"))


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    organisation: Organisation = request.tenant
    if not can_manage_tokens(organisation, request.roles):
        raise PermissionDenied("Only the organisation's leaders can manage reporting keys.")
    new_key = None
    errors: dict[str, list[str]] = {}
    name = ""
    valid_days = str(REPORTING_KEY_MAX_DAYS)
    if request.method == "POST":
        name = request.POST.get("name", "")
        valid_days = request.POST.get("valid_days", valid_days)
        try:
            made = services.create_reporting_token(
                organisation=organisation,
                name=name,
                by=request.user,
                roles=request.roles,
                valid_days=int(valid_days) if valid_days.isdigit() and len(valid_days) < 6 else 0,
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            new_key = made.key
            name = ""
    return render(
        request,
        "reporting/tokens.html",
        {
            "tokens": ReportingToken.objects.filter(organisation=organisation).select_related("created_by"),
            "new_key": new_key,
            "errors": errors,
            "name": name,
            "valid_days": valid_days,
            "lifetimes": KEY_LIFETIMES,
            "endpoint": request.build_absolute_uri("/api/reporting/graphql/"),
        },
        status=400 if errors else 200,
    )


@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = services.revoke_reporting_token(
            organisation=request.tenant, token_id=token_id, by=request.user, roles=request.roles
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The key “{token.name}” has been revoked. It no longer works.")
    return redirect("reporting-tokens")
