"""Adding a first authenticator app needs more than the password.

A session may enrol a first device only while it holds an enrolment grant, given by accepting an
invitation (the link came by email) or by redeeming a fresh, single-use link emailed to the
person. A stolen password alone therefore cannot put the thief's phone on the account.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_event

from .authenticators import new_device
from .models import AuthenticatorDevice, EnrolmentLink, User

ENROLMENT_GRANT_KEY = "cairn_may_enrol_until"
ENROLMENT_GRANT_SECONDS = 30 * 60
ENROLMENT_LINK_MINUTES = 30
# One email a minute at most: someone holding only the password cannot flood the person's inbox.
ENROLMENT_LINK_GAP_SECONDS = 60


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()


def grant_enrolment(request: HttpRequest) -> None:
    """This session (and only this one) may add a first device for the next half hour."""
    request.session[ENROLMENT_GRANT_KEY] = int(time.time()) + ENROLMENT_GRANT_SECONDS


def may_enrol(request: HttpRequest) -> bool:
    return int(request.session.get(ENROLMENT_GRANT_KEY, 0)) > time.time()


def device_being_set_up(user: User) -> AuthenticatorDevice:
    """The person's unconfirmed device (made once, so the QR code stays the same on reload)."""
    return AuthenticatorDevice.objects.filter(user=user, confirmed=False).first() or new_device(user)


@transaction.atomic
def confirm_first_device(request: HttpRequest, device: AuthenticatorDevice) -> None:
    """The first right code confirms the device; the grant is spent and the session verified."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    AuthenticatorDevice.objects.filter(user=device.user, confirmed=False).delete()
    User.objects.filter(pk=device.user_id).update(has_authenticator=True)
    device.user.has_authenticator = True
    request.session.pop(ENROLMENT_GRANT_KEY, None)
    record_event(actor=device.user, action=AuditAction.CREATE, object_type="authenticator", object_id=device.pk)
    otp_login(request, device)


@transaction.atomic
def send_enrolment_link(*, user: User, link_base: str) -> None:
    """Email a single-use link (valid ENROLMENT_LINK_MINUTES) that lets this person add a device.

    The code travels after '#' so browsers never send it in an address (or to an access log).
    Any earlier link is withdrawn (the audit trail, not this table, keeps the history).
    ValidationError if one was sent less than ENROLMENT_LINK_GAP_SECONDS ago.
    """
    now = timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one request per person at a time
    if EnrolmentLink.objects.filter(
        user=user, created_at__gt=now - timedelta(seconds=ENROLMENT_LINK_GAP_SECONDS)
    ).exists():
        raise ValidationError("We emailed you a link less than a minute ago. Check your email, then try again.")
    EnrolmentLink.objects.filter(user=user).delete()
    code = secrets.token_urlsafe(32)
    EnrolmentLink.objects.create(
        ticket_hash=_hash(code), user=user, expires_at=now + timedelta(minutes=ENROLMENT_LINK_MINUTES)
    )
    record_event(
        actor=user,
        action=AuditAction.CREATE,
        object_type="authenticator-link",
        summary="Emailed a link to add an authenticator",
    )
    send_mail(
        subject="Set up your authenticator app for Cairn",
        message=(
            f"Someone signed in to Cairn as {user.email} and asked to set up an authenticator app.\n\n"
            f"If it was you, open this link in the same browser within {ENROLMENT_LINK_MINUTES} minutes:\n\n"
            f"{link_base}#{code}\n\n"
            "If it was not you, do not open the link: change your password and tell your SENCO or "
            "the person who manages Cairn in your organisation."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


@transaction.atomic
def redeem_enrolment_link(request: HttpRequest, code: str) -> None:
    """Spend an emailed link for the signed-in person; ValidationError with a reason otherwise."""
    link = (
        EnrolmentLink.objects.select_for_update().filter(ticket_hash=_hash(code or "")).first()
        if code and len(code) <= 100
        else None
    )
    if link is None or link.user_id != request.user.pk:
        raise ValidationError("This link is not valid. Open the newest link we emailed you, signed in as yourself.")
    if link.used_at is not None:
        raise ValidationError("This link has already been used. Ask for a new one.")
    if link.expires_at <= timezone.now():
        raise ValidationError("This link has expired. Ask for a new one.")
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    grant_enrolment(request)
