"""Submissions already acted on: a create form's one-time token, or an API client's Idempotency-Key.

A double click, a re-sent form or a client retrying after a timeout must not make a second
concern or meeting. The first submission claims its key here (unique per person) in the same
transaction as the record it makes; a repeat finds the claim and is answered with what the first
one made. Rows are kept 24 hours, in the organisation's own schema.
"""

from __future__ import annotations

from django.db import models


class Submission(models.Model):
    # A plain id: the claim must not stop a person's account being removed.
    user_id = models.BigIntegerField()
    key = models.CharField(max_length=128)
    # What was submitted (the page or API path), so a key reused for something else is refused.
    purpose = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    # A form's answer: the page of what it made.
    result_url = models.CharField(max_length=500, blank=True)
    # An API answer: the first response, replayed to a retry.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "key"], name="submission_once_per_person")]
        indexes = [models.Index(fields=["user_id", "created_at"], name="submission_by_person_age")]

    def __str__(self) -> str:
        return f"Submission to {self.purpose} at {self.created_at:%H:%M}"
