"""Pages for signing in, choosing an organisation, invitations, two-factor and organisation homes."""

from __future__ import annotations

from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from send_core.audit.models import AuditAction
from send_core.audit.services import record_event

from . import selectors, services
from .forms import AcceptInvitationForm, InviteForm, ProvisionForm, SignInForm, TokenForm
from .handoff import issue_handoff_token, redeem_handoff_token
from .models import Organisation, User
from .permissions import can_invite, is_operator
from .roles import OrganisationKind
from .routing import base_site_url, organisation_url
from .sessions import sign_out_everywhere


def _safe_next(request: HttpRequest) -> str:
    """A `next` link is followed only within Cairn's own domains."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    host = (urlsplit(target).hostname or "").lower()
    if target.startswith("/") and not target.startswith("//"):
        return target
    if host == settings.BASE_DOMAIN or host.endswith("." + settings.BASE_DOMAIN):
        return target
    return ""


# --- Base domain -----------------------------------------------------------------------------


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("choose-organisation")
    return render(request, "tenants/landing.html")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    next_url = _safe_next(request)
    if request.method == "GET" and request.user.is_authenticated:
        # Already signed in here: carry on to where they were going (whose door decides).
        if settings.CAIRN_REQUIRE_2FA and not request.user.is_verified():
            return HttpResponseRedirect(f"/two-factor/?next={next_url}" if next_url else "/two-factor/")
        return _after_sign_in(request, next_url)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, email=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, "The email address or password is not right.")
        else:
            login(request, user)
            record_event(actor=user, action=AuditAction.SIGN_IN, object_type="user", object_id=user.pk)
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists() or settings.CAIRN_REQUIRE_2FA:
                return HttpResponseRedirect(f"/two-factor/?next={next_url}" if next_url else "/two-factor/")
            return _after_sign_in(request, next_url)
    # Axes answers a locked-out sign-in itself, before this view runs.
    return render(request, "tenants/sign_in.html", {"form": form, "next": next_url}, status=400 if form.errors else 200)


def _after_sign_in(request: HttpRequest, next_url: str) -> HttpResponse:
    host = (urlsplit(next_url).hostname or "").lower()
    if host.endswith("." + settings.BASE_DOMAIN):
        organisation = Organisation.objects.filter(domains__domain=host).first()
        if organisation is not None:
            path = urlsplit(next_url).path or "/"
            return (
                redirect("go-to-organisation", slug=organisation.slug)
                if path == "/"
                else HttpResponseRedirect(f"/organisations/{organisation.slug}/go/?next={path}")
            )
    if next_url.startswith("/"):
        return HttpResponseRedirect(next_url)
    organisations = selectors.organisations_for(request.user)
    if len(organisations) == 1:
        return redirect("go-to-organisation", slug=organisations[0].slug)
    return redirect("choose-organisation")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    # Signing out of one address signs out of all: a shared staffroom computer keeps nothing open.
    sign_out_everywhere(request)
    return HttpResponseRedirect(base_site_url(request, "/sign-in/"))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a code; a person with no device yet is shown one to add to their app."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TokenForm(request.POST or None)
    next_url = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return _after_sign_in(request, next_url)
        form.add_error("token", "That code is not right. Check the time on your phone and try the newest code.")
    context = {"form": form, "setting_up": setting_up, "next": next_url}
    if setting_up:
        context["qr_svg"] = segno.make(device.config_url, micro=False).svg_inline(scale=4)
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "tenants/two_factor.html", context, status=400 if form.errors else 200)


@login_required
def choose_organisation(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.memberships_for(request.user))
    by_organisation: dict[int, dict] = {}
    for m in memberships:
        entry = by_organisation.setdefault(m.organisation_id, {"organisation": m.organisation, "roles": []})
        entry["roles"].append(m.get_role_display())
    return render(request, "tenants/choose_organisation.html", {"choices": list(by_organisation.values())})


@login_required
def go_to_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug, is_active=True)
    if not selectors.roles_in(request.user, organisation):
        raise PermissionDenied(f"You are not a member of {organisation.name}.")
    if settings.CAIRN_REQUIRE_2FA and not request.user.is_verified():
        return redirect("two-factor")
    device = getattr(request.user, "otp_device", None)
    token = issue_handoff_token(
        user_id=request.user.pk,
        organisation_id=organisation.pk,
        otp_device=device.persistent_id if device else None,
        next_path=request.GET.get("next", "/"),
    )
    return HttpResponseRedirect(organisation_url(request, organisation, "/auth/handoff/", token=token))


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as error:
        return render(request, "tenants/invitation_invalid.html", {"reason": error.messages[0]}, status=410)
    existing = User.objects.filter(email=invitation.email).first()
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (existing or form.is_valid()):
        if existing and not request.user.is_authenticated:
            return HttpResponseRedirect(f"/sign-in/?next=/invitations/{token}/")
        if existing and request.user != existing:
            raise PermissionDenied("This invitation is for another person's account.")
        try:
            user = services.accept_invitation(
                invitation=invitation,
                full_name=form.cleaned_data.get("full_name", "") if not existing else existing.full_name,
                password=None if existing else form.cleaned_data["password"],
            )
        except ValidationError as error:
            return render(request, "tenants/invitation_invalid.html", {"reason": error.messages[0]}, status=410)
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"You have joined {invitation.organisation.name}.")
        return redirect("choose-organisation")
    return render(
        request,
        "tenants/accept_invitation.html",
        {"form": form, "invitation": invitation, "existing": existing},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def operator_organisations(request: HttpRequest) -> HttpResponse:
    if not is_operator(request.roles):
        raise PermissionDenied("Only platform operators can manage organisations.")
    form = ProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for key in ("urn", "la_code", "establishment_number", "phase"):
            data[key] = data.get(key) or ""
        try:
            result = services.provision_organisation(invited_by=request.user, **data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"{result.organisation.name} is ready at {result.domain.domain} "
                f"({result.seconds:.2f} s). The first member has been invited.",
            )
            return redirect("operator-organisations")
    return render(
        request,
        "tenants/operator_organisations.html",
        {"organisations": selectors.all_organisations(), "form": form},
        status=400 if form.errors else 200,
    )


# --- An organisation's own host -----------------------------------------------------------


def handoff(request: HttpRequest) -> HttpResponse:
    payload = redeem_handoff_token(request.GET.get("token", ""), organisation_id=request.tenant.pk)
    user = get_object_or_404(User, pk=payload["u"], is_active=True)
    if not selectors.roles_in(user, request.tenant):
        raise PermissionDenied(f"You are not a member of {request.tenant.name}.")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if payload.get("d"):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None and device.persistent_id == payload["d"]:
            otp_login(request, device)
    return HttpResponseRedirect(payload.get("p") or "/")


def organisation_home(request: HttpRequest) -> HttpResponse:
    organisation: Organisation = request.tenant
    context: dict = {}
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        context["schools"] = selectors.schools_of_local_authority(organisation)
        context["trusts"] = selectors.trusts_in_local_authority(organisation)
        template = "tenants/home_local_authority.html"
    elif organisation.kind == OrganisationKind.TRUST:
        context["schools"] = selectors.schools_of_trust(organisation)
        template = "tenants/home_trust.html"
    else:
        context["staff"] = selectors.staff_of(organisation)
        template = "tenants/home_school.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest) -> HttpResponse:
    organisation: Organisation = request.tenant
    allowed = can_invite(request.roles)
    form = InviteForm(request.POST or None, organisation=organisation, inviter_roles=request.roles)
    invite_link = None
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied("Your role here does not allow inviting people.")
        if form.is_valid():
            invitation = services.invite_member(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
            invite_link = base_site_url(request, f"/invitations/{services.invitation_token(invitation)}/")
            messages.success(request, f"Invitation made for {invitation.email}. Send them the link below.")
            form = InviteForm(organisation=organisation, inviter_roles=request.roles)
    return render(
        request,
        "tenants/staff.html",
        {
            "staff": selectors.staff_of(organisation),
            "invitations": selectors.open_invitations_for(organisation) if allowed else [],
            "form": form if allowed else None,
            "invite_link": invite_link,
        },
        status=400 if form.errors else 200,
    )
