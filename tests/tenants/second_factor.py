"""Helpers for tests that need a person with an authenticator app, and a session that has used it."""

from __future__ import annotations

from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp

from tenants.authenticators import device_secret, new_device
from tenants.models import AuthenticatorDevice


def enrol(user) -> AuthenticatorDevice:
    """A confirmed authenticator app for `user` (made in the public schema)."""
    tenant = connection.tenant
    connection.set_schema_to_public()
    device = new_device(user)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    type(user).objects.filter(pk=user.pk).update(has_authenticator=True)
    user.has_authenticator = True
    connection.set_tenant(tenant)
    return device


def code_for(device: AuthenticatorDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or `steps_ahead` time steps later)."""
    return f"{totp(device_secret(device), step=device.step, t0=device.t0 - steps_ahead * device.step, digits=device.digits):06d}"


def verify(client, device: AuthenticatorDevice):
    """Mark `client`'s session as having passed its second factor with `device` (as a right code does)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
