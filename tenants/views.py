"""Pages for signing in, choosing an organisation, invitations, two-factor and organisation homes."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_event
from send_platform.ui.acts import act
from send_platform.ui.pages import form_page

from . import enrolment, selectors, services
from .authenticators import config_url, confirmed_device_for, device_secret
from .forms import (
    AcceptInvitationForm,
    ExistingAccountForm,
    InviteForm,
    LinkCodeForm,
    ProvisionForm,
    SignInForm,
    TokenForm,
)
from .handoff import issue_handoff_token, redeem_handoff_token
from .models import AuthenticatorDevice, Organisation, User
from .permissions import can_invite, is_operator
from .ports import school_home_sections
from .roles import OrganisationKind
from .routing import base_site_url, organisation_url
from .sessions import second_factor_needed, session_may_act, sign_out_everywhere


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
        if not session_may_act(request):
            return HttpResponseRedirect(f"/two-factor/?next={next_url}" if next_url else "/two-factor/")
        return _after_sign_in(request, next_url)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, email=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, "The email address or password is not right.")
        else:
            login(request, user)
            record_event(actor=user, action=AuditAction.SIGN_IN, object_type="user", object_id=user.pk)
            if second_factor_needed(user):
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
    """Verify a code. A person with no device yet may add one only with an enrolment grant (from an
    invitation or an emailed link): the password alone is not enough."""
    device = confirmed_device_for(request.user)
    setting_up = device is None
    next_url = _safe_next(request)
    if setting_up:
        if not enrolment.may_enrol(request):
            return render(request, "tenants/two_factor_link_needed.html", {"next": next_url})
        device = enrolment.device_being_set_up(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                enrolment.confirm_first_device(request, device)
            else:
                otp_login(request, device)
            return _after_sign_in(request, next_url)
        form.add_error("token", "That code is not right. Check the time on your phone and try the newest code.")
    context = {"form": form, "setting_up": setting_up, "next": next_url}
    if setting_up:
        address = config_url(device)
        context["qr_svg"] = segno.make(address, micro=False).svg_inline(scale=4)
        context["secret"] = b32encode(device_secret(device)).decode("ascii").rstrip("=")
    return render(request, "tenants/two_factor.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def email_enrolment_link(request: HttpRequest) -> HttpResponse:
    """Email the signed-in person a single-use link to add their first authenticator."""
    if confirmed_device_for(request.user) is not None:
        return redirect("two-factor")
    try:
        enrolment.send_enrolment_link(user=request.user, link_base=base_site_url(request, "/two-factor/enrol/"))
    except ValidationError as error:
        return render(request, "tenants/two_factor_link_needed.html", {"error": error.messages[0]}, status=429)
    return render(request, "tenants/two_factor_link_sent.html", {"email": request.user.email})


@require_http_methods(["GET", "POST"])
def redeem_enrolment_link(request: HttpRequest) -> HttpResponse:
    """The emailed link's page: its code (after '#') is sent here by POST, never in an address."""
    form = LinkCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.is_authenticated:
            form.add_error(None, "Sign in first, in this browser, then open the link in your email again.")
        else:
            try:
                enrolment.redeem_enrolment_link(request, form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                return redirect("two-factor")
    return render(request, "tenants/enrolment_link.html", {"form": form}, status=400 if form.errors else 200)


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
    # The one rule: a person with a confirmed device gives its code even where it is not required.
    if not session_may_act(request):
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
def accept_invitation(request: HttpRequest) -> HttpResponse:
    """/invitations/#<code>: the code stays after '#' (browsers never send it) and comes here by POST,
    so it never appears in an address or an access log. Accepting also lets a person who has no
    authenticator yet add one: the invitation came by email, which a stolen password does not give."""
    if request.method == "GET":
        return render(request, "tenants/invitation_code.html", {"form": LinkCodeForm()})
    code_form = LinkCodeForm(request.POST)
    if not code_form.is_valid():
        return render(request, "tenants/invitation_code.html", {"form": code_form}, status=400)
    code = code_form.cleaned_data["code"]
    try:
        invitation = services.invitation_from_token(code)
    except ValidationError as error:
        return render(request, "tenants/invitation_invalid.html", {"reason": error.messages[0]}, status=410)
    existing = User.objects.filter(email=invitation.email).first()
    signed_in_as_existing = existing is not None and request.user == existing
    if existing is not None and request.user.is_authenticated and not signed_in_as_existing:
        raise PermissionDenied("This invitation is for another person's account.")
    accepting = "accept" in request.POST
    # A new person chooses a name and password; an existing one gives their password (unless signed in).
    if existing is None:
        form = AcceptInvitationForm(request.POST if accepting else None, email=invitation.email)
    elif not signed_in_as_existing:
        form = ExistingAccountForm(request.POST if accepting else None)
    else:
        form = None
    if accepting and (form is None or form.is_valid()):
        if (
            isinstance(form, ExistingAccountForm)
            and authenticate(request, email=existing.email, password=form.cleaned_data["password"]) is None
        ):
            form.add_error("password", "That password is not right.")
        else:
            return _join(request, invitation, existing, form)
    return render(
        request,
        "tenants/accept_invitation.html",
        {"form": form, "invitation": invitation, "existing": existing, "code": code},
        status=400 if form is not None and form.errors else 200,
    )


def _join(request: HttpRequest, invitation, existing: User | None, form) -> HttpResponse:
    """Accept, sign in, and let a person with no authenticator yet add one now."""
    try:
        user = services.accept_invitation(
            invitation=invitation,
            full_name=existing.full_name if existing else form.cleaned_data["full_name"],
            password=None if existing else form.cleaned_data["password"],
        )
    except ValidationError as error:
        return render(request, "tenants/invitation_invalid.html", {"reason": error.messages[0]}, status=410)
    if request.user != user:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if confirmed_device_for(user) is None:
        enrolment.grant_enrolment(request)
    messages.success(request, f"You have joined {invitation.organisation.name}.")
    if not session_may_act(request):
        return redirect("two-factor")
    return redirect("choose-organisation")


@login_required
@require_http_methods(["GET", "POST"])
def operator_organisations(request: HttpRequest) -> HttpResponse:
    if not is_operator(request.roles):
        raise PermissionDenied("Only platform operators can manage organisations.")
    form = ProvisionForm(request.POST or None)

    def provision(data: dict[str, Any]) -> Any:
        data = dict(data)
        for key in ("urn", "la_code", "establishment_number", "phase", "first_year_group", "last_year_group"):
            data[key] = data.get(key) or ""
        return services.provision_organisation(invited_by=request.user, **data)

    return act(
        request,
        form,
        provision,
        success=lambda result: (
            f"{result.organisation.name} is ready at {result.domain.domain} "
            f"({result.seconds:.2f} s). The first member has been invited."
        ),
        redirect_to=reverse("operator-organisations"),
        page=lambda: form_page(
            request,
            "tenants/operator_organisations.html",
            {"organisations": selectors.all_organisations(), "form": form},
            form,
        ),
    )


# --- An organisation's own host -----------------------------------------------------------


def handoff(request: HttpRequest) -> HttpResponse:
    """Redeem a hand-off ticket: a new session of this host's own, for its person and device."""
    ticket = redeem_handoff_token(request.GET.get("token", ""), organisation_id=request.tenant.pk)
    user = get_object_or_404(User, pk=ticket.user_id, is_active=True)
    if not selectors.roles_in(user, request.tenant):
        raise PermissionDenied(f"You are not a member of {request.tenant.name}.")
    if request.user.is_authenticated and request.user.pk != user.pk:
        logout(request)
    # login() stamps the session with this host (tenants.sessions), binding it here.
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if ticket.otp_device:
        device = Device.from_persistent_id(ticket.otp_device)
        if isinstance(device, AuthenticatorDevice) and device.user_id == user.pk and device.confirmed:
            otp_login(request, device)
    return HttpResponseRedirect(ticket.next_path or "/")


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
        # The SEND dashboard, drawn by the SEND record (registered in tenants.ports).
        context["school_sections"] = school_home_sections(request)
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
            # The code goes after '#', which browsers never send, so it stays out of access logs.
            invite_link = base_site_url(request, "/invitations/") + f"#{services.invitation_token(invitation)}"
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
