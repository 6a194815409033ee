"""Who did what to which record, from which organisation.

One table in every organisation's schema (that organisation's own trail) and one in the public
schema (platform and cross-organisation events). Rows are only ever added.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded"
    SIGN_IN = "sign_in", "Signed in"
    DENIED = "denied", "Refused access"
    PROVISION = "provision", "Provisioned"
    OFFBOARD = "offboard", "Off-boarded"
    INVITE = "invite", "Invited"
    SHARE = "share", "Shared"


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Plain ids, not foreign keys: the trail must outlive the people and records it names.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=200, blank=True)
    acting_organisation_id = models.BigIntegerField(null=True, blank=True)
    acting_organisation_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    # The pupil the event concerns, so "who looked at this child" is one indexed query.
    pupil_id = models.BigIntegerField(null=True, blank=True)
    # Every child a list, dashboard, CSV or API page showed, in one row per response (not one row
    # per child): "who looked at this child" also searches here, through the GIN index.
    pupil_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["pupil_id", "-occurred_at"]),
            GinIndex(fields=["pupil_ids"], name="audit_pupil_ids_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"
