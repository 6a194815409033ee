"""A first authenticator needs more than the password (an invitation or a fresh emailed link), and
its secret is sealed at rest."""

from __future__ import annotations

import re
from binascii import hexlify
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants import services
from tenants.authenticators import AuthenticatorSealError, device_secret, open_secret
from tenants.models import AuthenticatorDevice, EnrolmentLink
from tests.factories import TEST_PASSWORD
from tests.tenants.second_factor import code_for, enrol


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.CAIRN_REQUIRE_2FA = True


@pytest.fixture
def public():
    return Client(HTTP_HOST=settings.BASE_DOMAIN)


def _sign_in(client, user):
    response = client.post("/sign-in/", {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/two-factor/")


def _link_code(message) -> str:
    [link] = re.findall(r"https?://\S+/two-factor/enrol/#(\S+)", message.body)
    return link


def test_the_password_alone_cannot_enrol_a_device(public, member, school_a):
    senco = member(school_a, "senco")
    _sign_in(public, senco)
    page = public.get("/two-factor/")
    body = page.content.decode()
    assert "Email me a link" in body
    assert "otpauth" not in body and "cairn-qr" not in body
    assert not AuthenticatorDevice.objects.filter(user=senco).exists()
    # Guessing at codes confirms nothing either.
    public.post("/two-factor/", {"token": "123456"})
    assert not AuthenticatorDevice.objects.filter(user=senco, confirmed=True).exists()
    assert public.get("/organisations/").status_code == 302


def test_an_emailed_link_lets_the_person_enrol_once(public, member, school_a):
    senco = member(school_a, "senco")
    _sign_in(public, senco)
    sent = public.post("/two-factor/email-link/")
    assert sent.status_code == 200 and senco.email in sent.content.decode()
    [message] = mail.outbox
    assert message.to == [senco.email]
    code = _link_code(message)
    # The code is after '#', so the address a browser requests (and a log records) has none of it.
    assert "/two-factor/enrol/#" in message.body

    assert public.post("/two-factor/enrol/", {"code": code}).status_code == 302
    page = public.get("/two-factor/").content.decode()
    assert "Set up your authenticator app" in page and "cairn-qr" in page
    device = AuthenticatorDevice.objects.get(user=senco, confirmed=False)
    done = public.post("/two-factor/", {"token": code_for(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert public.get("/organisations/").status_code == 200
    # Spent: a second use is refused.
    again = public.post("/two-factor/enrol/", {"code": code})
    assert again.status_code == 400 and "already been used" in again.content.decode()


def test_a_link_works_only_for_its_own_person_and_only_while_fresh(public, member, school_a):
    senco = member(school_a, "senco")
    thief = member(school_a, "teacher")
    _sign_in(public, senco)
    public.post("/two-factor/email-link/")
    code = _link_code(mail.outbox[0])

    other = Client(HTTP_HOST=settings.BASE_DOMAIN)
    _sign_in(other, thief)
    assert other.post("/two-factor/enrol/", {"code": code}).status_code == 400
    assert "Email me a link" in other.get("/two-factor/").content.decode()

    EnrolmentLink.objects.filter(user=senco).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = public.post("/two-factor/enrol/", {"code": code})
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert "Email me a link" in public.get("/two-factor/").content.decode()


def test_a_link_is_stored_only_as_a_hash(public, member, school_a):
    senco = member(school_a, "senco")
    _sign_in(public, senco)
    public.post("/two-factor/email-link/")
    code = _link_code(mail.outbox[0])
    assert not EnrolmentLink.objects.filter(ticket_hash__contains=code).exists()


def test_accepting_an_invitation_is_where_a_new_person_enrols(public, member, school_a):
    senco = member(school_a, "senco")
    invitation = services.invite_member(
        organisation=school_a, email="new@example.org", role="teacher", invited_by=senco
    )
    code = services.invitation_token(invitation)
    accepted = public.post(
        "/invitations/",
        {
            "code": code,
            "accept": "1",
            "full_name": "Nia Teacher",
            "password": "a-good-long-secret-7",
            "password_again": "a-good-long-secret-7",
        },
    )
    assert accepted.status_code == 302 and accepted["Location"] == "/two-factor/"
    page = public.get("/two-factor/").content.decode()
    assert "cairn-qr" in page
    device = AuthenticatorDevice.objects.get(user__email="new@example.org")
    assert public.post("/two-factor/", {"token": code_for(device)}).status_code == 302
    assert public.get("/organisations/").status_code == 200


def test_the_secret_is_sealed_at_rest(member, school_a):
    senco = member(school_a, "senco")
    device = enrol(senco)
    secret = device_secret(device)
    stored = AuthenticatorDevice.objects.get(pk=device.pk)
    raw = bytes(stored.sealed_secret) + bytes(stored.wrapped_key)
    assert secret not in raw and hexlify(secret) not in raw
    # Moved onto someone else's row, it does not open.
    with pytest.raises(AuthenticatorSealError):
        open_secret(stored.sealed_secret, stored.wrapped_key, user_id=senco.pk + 1)


def test_existing_authenticators_move_to_sealed_storage_and_keep_working(member, school_a):
    from importlib import import_module

    senco = member(school_a, "senco")
    old = TOTPDevice.objects.create(user=senco, name="Phone", confirmed=True)
    migration = import_module("tenants.migrations.0003_handoff_ticket")
    migration.seal_existing_authenticators(apps, None)
    assert not TOTPDevice.objects.filter(user=senco).exists()
    [device] = AuthenticatorDevice.objects.filter(user=senco)
    assert device.confirmed and device.name == "Phone"
    senco.refresh_from_db()
    assert senco.has_authenticator  # so the code is asked for even where it is not required
    assert device_secret(device) == old.bin_key
    assert device.verify_token(code_for(device))


def test_links_are_emailed_at_most_once_a_minute(public, member, school_a):
    senco = member(school_a, "senco")
    _sign_in(public, senco)
    assert public.post("/two-factor/email-link/").status_code == 200
    again = public.post("/two-factor/email-link/")
    assert again.status_code == 429 and "less than a minute ago" in again.content.decode()
    assert len(mail.outbox) == 1
    # The first link still works.
    assert public.post("/two-factor/enrol/", {"code": _link_code(mail.outbox[0])}).status_code == 302
    EnrolmentLink.objects.filter(user=senco).update(created_at=timezone.now() - timedelta(seconds=61))
    assert public.post("/two-factor/email-link/").status_code == 200
    assert len(mail.outbox) == 2
