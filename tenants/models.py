"""Organisations (the tenants), their domains, and the people who work in them.

All of this lives in the public schema: a person signs in once and may belong to several
organisations; a child's records never live here.
"""

from __future__ import annotations

import os

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_tenants.models import DomainMixin, TenantMixin

from .roles import ROLES_BY_KIND, OrganisationKind, Role
from .validators import (
    establishment_number_validator,
    la_code_validator,
    slug_validator,
    urn_validator,
)


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    INFANT = "infant", "Infant"
    FIRST = "first", "First"
    JUNIOR = "junior", "Junior"
    PRIMARY = "primary", "Primary"
    MIDDLE = "middle", "Middle"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    ALTERNATIVE_PROVISION = "ap", "Alternative provision"


def new_key_salt() -> bytes:
    """32 random bytes, the organisation's own salt in deriving its key (send_platform.crypto)."""
    return os.urandom(32)


# Year groups as the school census codes them, youngest first: a school's age range is two of these.
YEAR_GROUPS = (
    ("N1", "Nursery 1"),
    ("N2", "Nursery 2"),
    ("R", "Reception"),
    *((str(year), f"Year {year}") for year in range(1, 15)),
)
YEAR_GROUP_ORDER = {code: index for index, (code, _) in enumerate(YEAR_GROUPS)}


class Organisation(TenantMixin):
    """A local authority, a multi-academy trust or a school: each has its own schema."""

    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=41, unique=True, validators=[slug_validator])
    urn = models.CharField("URN", max_length=6, blank=True, validators=[urn_validator])
    la_code = models.CharField("LA code", max_length=3, blank=True, validators=[la_code_validator])
    establishment_number = models.CharField(max_length=4, blank=True, validators=[establishment_number_validator])
    phase = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    # The school's age range, which says when its pupils move phase (SEND Regulations 2014, Reg 2 and
    # Reg 18); blank means the usual range of its phase.
    first_year_group = models.CharField("youngest year group", max_length=2, choices=YEAR_GROUPS, blank=True)
    last_year_group = models.CharField("oldest year group", max_length=2, choices=YEAR_GROUPS, blank=True)
    local_authority = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="maintained_schools",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    trust = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="academies",
        limit_choices_to={"kind": OrganisationKind.TRUST},
    )
    # Empty means "the LA's toolkit" (and the national default where the LA names none).
    toolkit = models.CharField(max_length=50, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Mixed into this organisation's key, so an organisation created later under a reused schema
    # name cannot open what an off-boarded one left behind (send_platform.crypto).
    key_salt = models.BinaryField(default=new_key_salt, editable=False)
    # True only for organisations older than key_salt, until `manage.py rewrap_keys` has moved
    # every key they held wrapped the old, unsalted way.
    reads_unsalted_keys = models.BooleanField(default=False, editable=False)

    # Schemas are cloned from the template by tenants.services.provision_organisation.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["urn"], condition=~models.Q(urn=""), name="organisation_unique_urn"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind == OrganisationKind.SCHOOL

    @property
    def dfe_number(self) -> str:
        """LA code and establishment number, as a DfE number (e.g. 881/2001)."""
        if self.la_code and self.establishment_number:
            return f"{self.la_code}/{self.establishment_number}"
        return ""

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == OrganisationKind.SCHOOL:
            if not self.urn:
                errors["urn"] = "Enter the school's URN (6 digits)."
            if not self.la_code:
                errors["la_code"] = "Enter the school's LA code (3 digits)."
            if not self.establishment_number:
                errors["establishment_number"] = "Enter the school's establishment number (4 digits)."
            if not self.phase:
                errors["phase"] = "Choose the school's phase."
            if not self.local_authority_id:
                errors["local_authority"] = "Choose the local authority the school is in."
        else:
            for field in ("urn", "establishment_number", "phase", "first_year_group", "last_year_group"):
                if getattr(self, field):
                    errors[field] = "Only a school has this."
            if self.trust_id:
                errors["trust"] = "Only a school can belong to a trust."
            if self.local_authority_id and self.kind != OrganisationKind.TRUST:
                errors["local_authority"] = "Only a school or trust is linked to a local authority."
        if bool(self.first_year_group) != bool(self.last_year_group):
            errors["last_year_group"] = "Give both the youngest and the oldest year group, or neither."
        elif self.first_year_group and YEAR_GROUP_ORDER.get(self.first_year_group, 0) > YEAR_GROUP_ORDER.get(
            self.last_year_group, 0
        ):
            errors["last_year_group"] = "The oldest year group cannot come before the youngest."
        if self.local_authority_id and self.local_authority.kind != OrganisationKind.LOCAL_AUTHORITY:
            errors["local_authority"] = f"{self.local_authority} is not a local authority."
        if self.trust_id and self.trust.kind != OrganisationKind.TRUST:
            errors["trust"] = f"{self.trust} is not a multi-academy trust."
        if (
            self.kind == OrganisationKind.SCHOOL
            and self.local_authority_id
            and self.la_code
            and self.local_authority.la_code
            and self.local_authority.la_code != self.la_code
        ):
            errors["la_code"] = (
                f"The LA code {self.la_code} does not match {self.local_authority} ({self.local_authority.la_code})."
            )
        if errors:
            raise ValidationError(errors)


class Domain(DomainMixin):
    """A host name that routes to an organisation (e.g. millfields.localhost)."""


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to Cairn, identified by email address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised on every sign-out: sessions started before it (on any organisation's address, or
    # the base domain) are ended at their next request, so signing out anywhere signs out everywhere.
    session_epoch = models.PositiveIntegerField(default=0)
    # Whether the person has a confirmed authenticator app (kept with the device, so the code can be
    # asked for on every request without another query; tenants.sessions.second_factor_needed).
    has_authenticator = models.BooleanField(default=False, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Membership(models.Model):
    """A person's role in one organisation. A person may hold several roles, in several places."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    def clean(self) -> None:
        validate_role_for_kind(self.role, self.organisation.kind)


class ApiToken(models.Model):
    """A personal key for the REST API (`Authorization: Token <key>`), kept only as its SHA-256.

    The key is shown once, when it is issued (tenants.tokens); a copy of this table opens nothing.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What it is for, e.g. “MIS sync”.")
    # The first characters of the key, so people can tell their keys apart.
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name or 'API token'} ({self.prefix}…)"


def validate_role_for_kind(role: str, kind: str) -> None:
    if role not in ROLES_BY_KIND.get(kind, frozenset()):
        label = Role(role).label if role in Role.values else role
        raise ValidationError({"role": f"{label} is not a role in a {OrganisationKind(kind).label.lower()}."})


class Invitation(models.Model):
    """An invitation to join an organisation in a role, accepted once through an expiring link.

    The link's code is 256 random bits shown once; only its SHA-256 is kept (`token_hash`), so
    neither the database nor SECRET_KEY is enough to make a working link.
    """

    email = models.EmailField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Empty only for invitations made before codes were random: their links no longer open.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()} at {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class HandoffTicket(models.Model):
    """A single-use ticket carrying a signed-in person from the base domain to one organisation's host.

    Only the SHA-256 of the random ticket is stored, so neither the database nor `SECRET_KEY` is
    enough to make one: a ticket must have been issued here, for this person, organisation and
    device, and be redeemed once within a minute.
    """

    ticket_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The persistent id of the device that verified the issuing session ("" when none did).
    otp_device = models.CharField(max_length=100, blank=True)
    next_path = models.CharField(max_length=500, default="/")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Hand-off for {self.user_id} to {self.organisation_id}"


class EnrolmentLink(models.Model):
    """A single-use, short-lived emailed link that lets a signed-in person add their first authenticator.

    Holding the password alone is not enough to enrol a device: the person must also read their email
    (or hold an invitation). Only the SHA-256 of the link's code is stored.
    """

    ticket_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Authenticator enrolment link for {self.user_id}"


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """A TOTP authenticator app whose secret is sealed at rest.

    The secret is encrypted (AES-GCM) under its own data key, and that key is wrapped under a key
    derived from CAIRN_MASTER_KEY (send_platform.crypto.wrap_key), so a copy of the database alone
    cannot make sign-in codes. See tenants.authenticators for sealing and verifying.
    """

    sealed_secret = models.BinaryField()
    wrapped_key = models.BinaryField()
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    # The time step of the last code accepted: a code is never accepted twice.
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    def get_throttle_factor(self) -> int:
        # After n wrong codes in a row, the next try waits 2**(n-1) seconds.
        return 1

    def verify_token(self, token) -> bool:
        from .authenticators import verify_code

        return verify_code(self, token)
