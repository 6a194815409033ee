"""Envelopes and their documents (public schema).

Nothing here is readable without one of the two organisations' keys: the payload is sealed
under the envelope's own data key, each document under its own, and every data key is kept
only wrapped, once for the sender and once for the recipient. A child appears only as an
opaque pupil id in each organisation's own terms, never by name.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

sha256_validator = RegexValidator(r"^[0-9a-f]{64}$", "A SHA-256 digest is 64 lower-case hexadecimal characters.")


class EnvelopeKind(models.TextChoices):
    EHC_REQUEST = "ehc_request", "EHC needs assessment request"
    INFORMATION_REQUEST = "information_request", "Information request"
    DECISION = "decision", "Decision"
    DRAFT_PLAN = "draft_plan", "Draft EHC plan"
    FINAL_PLAN = "final_plan", "Final EHC plan"
    ANNUAL_REVIEW = "annual_review", "Annual review"
    TRANSITION_FILE = "transition_file", "Transition file"


class EnvelopeState(models.TextChoices):
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    OPENED = "opened", "Opened"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


# States in which the recipient has not yet acknowledged, and which expiry and withdrawal apply to.
OPEN_STATES = frozenset({EnvelopeState.SENT, EnvelopeState.DELIVERED, EnvelopeState.OPENED})
# States in which the contents are no longer available to the recipient.
CLOSED_TO_RECIPIENT = frozenset({EnvelopeState.WITHDRAWN, EnvelopeState.EXPIRED})
# GOV.UK Frontend tag colour for each state.
STATE_TAG_CLASSES = {
    EnvelopeState.SENT: "govuk-tag--blue",
    EnvelopeState.DELIVERED: "govuk-tag--light-blue",
    EnvelopeState.OPENED: "govuk-tag--yellow",
    EnvelopeState.ACKNOWLEDGED: "govuk-tag--green",
    EnvelopeState.WITHDRAWN: "govuk-tag--grey",
    EnvelopeState.EXPIRED: "govuk-tag--red",
}


class ScanStatus(models.TextChoices):
    CLEAN = "clean", "Scanned: no threat found"
    REFUSED = "refused", "Refused"
    SKIPPED = "skipped", "Type checked (no virus scan)"


def in_sentence(label: str) -> str:
    """A label for the middle of a sentence: lower case, except acronyms ("draft EHC plan")."""
    return " ".join(word if word.isupper() else word.lower() for word in str(label).split())


def _person(verbose_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class Envelope(models.Model):
    """One message from one organisation to another, with a sealed payload and documents."""

    # Bound into the payload's encryption, so a payload cannot be moved to another envelope.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sender = models.ForeignKey("tenants.Organisation", on_delete=models.PROTECT, related_name="exchange_sent")
    recipient = models.ForeignKey("tenants.Organisation", on_delete=models.PROTECT, related_name="exchange_received")
    kind = models.CharField(max_length=30, choices=EnvelopeKind.choices)
    # Neutral words only (the kind of envelope); what the sender typed is in `subject_sealed`.
    subject = models.CharField(max_length=200, help_text="The kind of envelope; the subject itself is sealed.")
    subject_sealed = models.BinaryField(
        default=b"", blank=True, help_text="The subject, sealed under the envelope's key."
    )
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    # The first envelope of the thread (empty on that first envelope itself).
    thread_root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="thread_envelopes"
    )

    payload_version = models.PositiveSmallIntegerField(default=1)
    payload_sealed = models.BinaryField(help_text="The payload JSON, sealed (AES-GCM) under the envelope's data key.")
    wrapped_key_sender = models.BinaryField(help_text="The envelope's data key, wrapped under the sender's key.")
    wrapped_key_recipient = models.BinaryField(help_text="The envelope's data key, wrapped under the recipient's key.")

    # The child, as an opaque id in each organisation's own schema (never a name).
    sender_pupil_id = models.BigIntegerField(null=True, blank=True)
    recipient_pupil_id = models.BigIntegerField(null=True, blank=True)

    state = models.CharField(max_length=20, choices=EnvelopeState.choices, default=EnvelopeState.SENT)
    created_by = _person("sent by")
    sent_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = _person("first opened by")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = _person("acknowledged by")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = _person("withdrawn by")
    expired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(sender=models.F("recipient")), name="envelope_not_to_itself"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-sent_at"], name="envelope_inbox"),
            models.Index(fields=["sender", "-sent_at"], name="envelope_sent"),
            models.Index(
                fields=["expires_at"],
                name="envelope_open_expiry",
                condition=Q(state__in=["sent", "delivered", "opened"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def save(self, *args, **kwargs) -> None:
        # A revealed subject lives in memory for the reader only; it must never reach the clear column.
        fields = kwargs.get("update_fields")
        if getattr(self, "_revealed", False) and (fields is None or "subject" in fields):
            raise RuntimeError("A revealed envelope cannot be saved whole; save only the fields that changed.")
        super().save(*args, **kwargs)

    @property
    def thread_id(self) -> int:
        return self.thread_root_id or self.pk

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def kind_in_sentence(self) -> str:
        return in_sentence(self.get_kind_display())

    @property
    def state_tag_class(self) -> str:
        return STATE_TAG_CLASSES.get(self.state, "govuk-tag--grey")

    def is_party(self, organisation) -> bool:
        return organisation.pk in (self.sender_id, self.recipient_id)

    def wrapped_key_for(self, organisation) -> bytes:
        if organisation.pk == self.sender_id:
            return bytes(self.wrapped_key_sender)
        if organisation.pk == self.recipient_id:
            return bytes(self.wrapped_key_recipient)
        raise ValueError("Only the sender and the recipient hold a key to this envelope.")


class EnvelopeDocument(models.Model):
    """A document in an envelope: encrypted once, its data key wrapped for both organisations."""

    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    original_filename = models.CharField(max_length=255)
    # Title and file name as sent, sealed under the document's key; the columns above are neutral.
    names_sealed = models.BinaryField(default=b"", blank=True)
    content_type = models.CharField(max_length=100, help_text="Sniffed from the file's own bytes.")
    size = models.PositiveBigIntegerField(help_text="Bytes of the original (unencrypted) file.")
    sha256 = models.CharField("SHA-256", max_length=64, validators=[sha256_validator])
    storage_name = models.CharField(max_length=255, unique=True)
    wrapped_key_sender = models.BinaryField()
    wrapped_key_recipient = models.BinaryField()
    scan_status = models.CharField(max_length=10, choices=ScanStatus.choices)
    scan_detail = models.CharField(max_length=255, blank=True)
    scanned_by = models.CharField(max_length=100, blank=True, help_text="Which scanner checked the file.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["envelope_id", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        fields = kwargs.get("update_fields")
        if getattr(self, "_revealed", False) and (fields is None or {"title", "original_filename"} & set(fields)):
            raise RuntimeError("A revealed document cannot be saved whole; save only the fields that changed.")
        super().save(*args, **kwargs)

    def wrapped_key_for(self, organisation) -> bytes:
        if organisation.pk == self.envelope.sender_id:
            return bytes(self.wrapped_key_sender)
        if organisation.pk == self.envelope.recipient_id:
            return bytes(self.wrapped_key_recipient)
        raise ValueError("Only the sender and the recipient hold a key to this document.")
