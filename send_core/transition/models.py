"""Transition to the next school (public schema): read-access grants and the files handed on.

Both concern two schools at once, so they live in the public schema, like the exchange's
envelopes. A child appears only as an opaque pupil id in the primary school's own schema; the
child's name, needs and plans, and the parents' consent a grant rests on, stay in that schema.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


def _person(verbose_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class GrantStatus(models.TextChoices):
    NOT_YET = "not_yet", "Not started yet"
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"
    REVOKED = "revoked", "Revoked"


GRANT_STATUS_TAGS = {
    GrantStatus.NOT_YET: "govuk-tag--blue",
    GrantStatus.LIVE: "govuk-tag--green",
    GrantStatus.ENDED: "govuk-tag--grey",
    GrantStatus.REVOKED: "govuk-tag--red",
}


class TransitionGrant(models.Model):
    """The primary SENCO lets the next school's SENCOs read a pupil's live record for a window."""

    primary = models.ForeignKey(
        "tenants.Organisation", on_delete=models.PROTECT, related_name="transition_grants_given"
    )
    destination = models.ForeignKey(
        "tenants.Organisation", on_delete=models.PROTECT, related_name="transition_grants_received"
    )
    # The pupil and the parents' consent, as ids in the primary school's own schema.
    primary_pupil_id = models.BigIntegerField()
    consent_id = models.BigIntegerField(help_text="The consent to share with the next school it rests on.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    granted_by = _person("granted by")
    granted_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = _person("revoked by")

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["primary", "primary_pupil_id", "destination"],
                condition=Q(revoked_at__isnull=True),
                name="transition_one_grant_per_pupil_and_school",
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="transition_grant_ends_after_start"),
            models.CheckConstraint(condition=~Q(primary=F("destination")), name="transition_grant_not_to_itself"),
        ]
        indexes = [
            models.Index(fields=["destination", "ends_on"], name="transition_incoming"),
            models.Index(fields=["primary", "primary_pupil_id"], name="transition_grant_pupil"),
        ]

    def __str__(self) -> str:
        return f"Grant {self.pk} to {self.destination_id} ({self.starts_on} to {self.ends_on})"

    def status_on(self, day: datetime.date) -> str:
        if self.revoked_at is not None:
            return GrantStatus.REVOKED
        if day < self.starts_on:
            return GrantStatus.NOT_YET
        if day > self.ends_on:
            return GrantStatus.ENDED
        return GrantStatus.LIVE

    def is_live_on(self, day: datetime.date) -> bool:
        return self.status_on(day) == GrantStatus.LIVE

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def status_label(self) -> str:
        return GrantStatus(self.status).label

    @property
    def status_tag_class(self) -> str:
        return GRANT_STATUS_TAGS[self.status]


class HandoverMethod(models.TextChoices):
    EXCHANGE = "exchange", "Secure exchange"
    PDF_AND_CTF = "pdf_ctf", "PDF and Common Transfer File"


class TransitionFile(models.Model):
    """A transition file handed on: through the exchange to a Cairn school, or as PDF and CTF."""

    sender = models.ForeignKey("tenants.Organisation", on_delete=models.PROTECT, related_name="transition_files_sent")
    recipient = models.ForeignKey(
        "tenants.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transition_files_received",
        help_text="Empty for a school that is not on Cairn.",
    )
    destination_urn = models.CharField("destination URN", max_length=6, blank=True)
    destination_name = models.CharField(max_length=200, blank=True)
    sender_pupil_id = models.BigIntegerField()
    recipient_pupil_id = models.BigIntegerField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=HandoverMethod.choices)
    # The exchange envelope (by id only: the exchange is an integration the core does not import).
    envelope_id = models.BigIntegerField(null=True, blank=True, unique=True)
    sections = models.JSONField(default=list, blank=True, help_text="Which parts of the record went (names only).")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = _person("sent by")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = _person("imported by")

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["sender", "sender_pupil_id"], name="transition_file_pupil"),
            models.Index(fields=["recipient", "-sent_at"], name="transition_file_inbox"),
        ]

    def __str__(self) -> str:
        return f"Transition file {self.pk} ({self.get_method_display()})"
