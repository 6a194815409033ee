"""The SEND register: a pupil's stage over time, and what parents were told."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from .base import TimestampedModel, staff_reference
from .pupils import Pupil


class CensusCode(models.TextChoices):
    """The school census SEN provision code a stage is reported under."""

    NONE = "N", "No special educational need"
    SEN_SUPPORT = "K", "SEN Support"
    EHC_PLAN = "E", "Education, health and care plan"


# Census codes that mean the pupil is on the SEN register.
ON_REGISTER_CODES = frozenset({CensusCode.SEN_SUPPORT, CensusCode.EHC_PLAN})


class NotificationMethod(models.TextChoices):
    MEETING = "meeting", "In a meeting"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"


class RegisterEntry(TimestampedModel):
    """One stage of a pupil's time on the register, from `started_on` up to (not including) `ended_on`.

    At most one entry per pupil is open (no `ended_on`). The stage label is kept as it was, so
    history reads the same after the school changes toolkit.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="register_entries")
    stage_key = models.CharField(max_length=50)
    stage_label = models.CharField(max_length=100)
    census_code = models.CharField(max_length=1, choices=CensusCode.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.TextField()
    end_reason = models.TextField(blank=True)
    decided_by = staff_reference("decided by")
    parents_notified_on = models.DateField(null=True, blank=True)
    notification_method = models.CharField(max_length=10, choices=NotificationMethod.choices, blank=True)

    class Meta:
        ordering = ["pupil_id", "started_on", "id"]
        verbose_name_plural = "register entries"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(ended_on__isnull=True), name="register_one_open_entry"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="register_entry_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["census_code", "started_on", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.stage_label} from {self.started_on:%d %b %Y}"

    @property
    def is_on_register(self) -> bool:
        return self.census_code in ON_REGISTER_CODES

    def covers(self, day) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)


class NotificationKind(models.TextChoices):
    SEN_PROVISION_STARTED = "sen_provision_started", "SEN provision started"
    SEN_PROVISION_ENDED = "sen_provision_ended", "SEN provision ended"


class ParentNotification(TimestampedModel):
    """A record that parents were told about a change in SEN provision (CoP 6.43)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parent_notifications")
    register_entry = models.ForeignKey(
        RegisterEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    sent_on = models.DateField()
    method = models.CharField(max_length=10, choices=NotificationMethod.choices)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_method_display().lower()}, {self.sent_on:%d %b %Y})"
