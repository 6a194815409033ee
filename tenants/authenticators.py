"""Authenticator apps (TOTP, RFC 6238) whose secrets are sealed at rest.

A secret is encrypted with AES-GCM under a random data key of its own; the data key is stored only
wrapped under a key derived from CAIRN_MASTER_KEY (`send_platform.crypto.wrap_key`, in a namespace of
its own), and the associated data names the person, so a sealed secret copied onto another
person's row does not open.
"""

from __future__ import annotations

import os
import time
from base64 import b32encode
from urllib.parse import quote, urlencode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from send_platform.crypto import KEY_BYTES, DocumentIntegrityError, unwrap_key, wrap_key

# The key namespace for authenticator secrets (not an organisation's schema: people are global).
AUTHENTICATOR_NAMESPACE = "authenticators"
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA1
_NONCE_BYTES = 12
_AAD = b"cairn/authenticator/v1/"


class AuthenticatorSealError(Exception):
    """A sealed secret that does not open (altered, moved to another person, or another master key)."""


def _aad(user_id: int) -> bytes:
    return _AAD + str(int(user_id)).encode("ascii")


def seal_secret(secret: bytes, *, user_id: int) -> tuple[bytes, bytes]:
    """`(sealed_secret, wrapped_key)` for storing; neither reveals the secret without the master key."""
    data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = nonce + AESGCM(data_key).encrypt(nonce, bytes(secret), _aad(user_id))
    return sealed, wrap_key(data_key, AUTHENTICATOR_NAMESPACE)


def open_secret(sealed_secret: bytes, wrapped_key: bytes, *, user_id: int) -> bytes:
    sealed_secret = bytes(sealed_secret)  # the database may hand back a memoryview
    try:
        data_key = unwrap_key(bytes(wrapped_key), AUTHENTICATOR_NAMESPACE)
        return AESGCM(data_key).decrypt(sealed_secret[:_NONCE_BYTES], sealed_secret[_NONCE_BYTES:], _aad(user_id))
    except (InvalidTag, ValueError, DocumentIntegrityError) as error:
        raise AuthenticatorSealError("This authenticator's secret cannot be opened.") from error


def new_device(user, *, name: str = "Authenticator app"):
    """An unconfirmed device with a fresh secret (confirmed once its first code is right)."""
    from .models import AuthenticatorDevice

    sealed, wrapped = seal_secret(os.urandom(SECRET_BYTES), user_id=user.pk)
    return AuthenticatorDevice.objects.create(
        user=user, name=name, confirmed=False, sealed_secret=sealed, wrapped_key=wrapped
    )


def device_secret(device) -> bytes:
    return open_secret(device.sealed_secret, device.wrapped_key, user_id=device.user_id)


def config_url(device) -> str:
    """The otpauth:// address an authenticator app reads from the QR code (Key URI Format)."""
    label = f"{settings.OTP_TOTP_ISSUER}:{device.user.get_username()}"
    params = urlencode(
        {
            "secret": b32encode(device_secret(device)).decode("ascii").rstrip("="),
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{quote(label)}?{params}&issuer={quote(settings.OTP_TOTP_ISSUER)}"


def verify_code(device, token) -> bool:
    """True once for a right code (each time step once only); wrong codes slow further tries down."""
    from .models import AuthenticatorDevice

    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    with transaction.atomic():
        # Two requests with the same code must not both pass: read the last step under a lock.
        locked = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk)
        try:
            code = int(str(token).strip())
            secret = device_secret(locked)
        except (TypeError, ValueError, AuthenticatorSealError):
            verified = False
        else:
            totp = TOTP(secret, locked.step, locked.t0, locked.digits, locked.drift)
            totp.time = time.time()
            verified = totp.verify(code, locked.tolerance, locked.last_t + 1)
        if verified:
            locked.last_t = totp.t()
            locked.drift = totp.drift
            locked.throttle_reset(commit=False)
            locked.set_last_used_timestamp(commit=False)
            locked.save()
        else:
            locked.throttle_increment(commit=True)
    for field in ("last_t", "drift", "throttling_failure_count", "throttling_failure_timestamp", "last_used_at"):
        setattr(device, field, getattr(locked, field))
    return verified


def confirmed_device_for(user):
    from .models import AuthenticatorDevice

    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
