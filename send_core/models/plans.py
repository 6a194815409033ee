"""Support plans (the toolkit names them: SEN Support Plan, One Plan, …), their outcomes and provision.

A plan moves draft → active → reviewed (superseded by a revised plan) or closed. Every change
made through the services is kept as a numbered PlanVersion with a snapshot of the whole plan.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .base import TimestampedModel, staff_reference
from .needs import AreaOfNeed
from .pupils import Pupil


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    REVIEWED = "reviewed", "Reviewed and replaced"
    CLOSED = "closed", "Closed"


# Plans that can still be changed.
EDITABLE_PLAN_STATUSES = frozenset({PlanStatus.DRAFT, PlanStatus.ACTIVE})


class SupportPlan(TimestampedModel):
    """A pupil's plan: views, strengths, needs, outcomes, what works and the provision it relies on."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=100, help_text="The toolkit's name for the plan when it was made.")
    toolkit_key = models.CharField(max_length=50, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    child_views = models.TextField("the child's views", blank=True)
    parent_views = models.TextField("parents' views", blank=True)
    strengths = models.TextField(blank=True)
    needs_summary = models.TextField("needs", blank=True)
    strategies = models.TextField("what works", blank=True)
    starts_on = models.DateField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = staff_reference("created by")
    activated_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    last_review_decision = models.CharField(max_length=40, blank=True)
    ehc_request_recommended = models.BooleanField(
        "EHC needs assessment recommended", default=False, help_text="Set when a review decides to request one."
    )
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revision",
        help_text="The plan this revises.",
    )
    # For a plan that came in a transition file: the key of that file, so importing it again finds
    # this plan, and a later file's plan of the same title is kept apart from it.
    source_key = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["pupil"], condition=Q(status="active"), name="plan_one_active_per_pupil"),
            models.UniqueConstraint(fields=["pupil"], condition=Q(status="draft"), name="plan_one_draft_per_pupil"),
        ]
        indexes = [models.Index(fields=["status", "review_due_on"])]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version}, {self.get_status_display().lower()})"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_PLAN_STATUSES


class PlanOutcome(TimestampedModel):
    """An outcome the plan works towards; SMART once the plan is active (measure, baseline, target, date)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="outcomes")
    order = models.PositiveSmallIntegerField(default=1)
    description = models.TextField()
    measure = models.CharField(max_length=255, blank=True, help_text="How progress will be measured.")
    baseline = models.CharField(max_length=255, blank=True, help_text="Where the pupil is now.")
    target = models.CharField(max_length=255, blank=True, help_text="What success looks like.")
    target_date = models.DateField(null=True, blank=True)
    area = models.CharField("area of need", max_length=30, choices=AreaOfNeed.choices, blank=True)
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_into",
        help_text="The outcome of an earlier plan this continues.",
    )

    class Meta:
        ordering = ["plan_id", "order", "id"]

    def __str__(self) -> str:
        return f"Outcome {self.order}"

    @property
    def missing_smart_parts(self) -> list[str]:
        """The SMART parts still to fill in, by field name."""
        return [name for name in ("measure", "baseline", "target", "target_date") if not getattr(self, name)]


class PlanProvision(TimestampedModel):
    """Provision a plan relies on: what, how often, by whom, for how long each week."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="provision")
    order = models.PositiveSmallIntegerField(default=1)
    description = models.CharField(max_length=255)
    frequency = models.CharField(max_length=100, blank=True, help_text="e.g. three times a week")
    staff_role = models.CharField(max_length=100, blank=True, help_text="e.g. teaching assistant")
    weekly_minutes = models.PositiveIntegerField(null=True, blank=True)
    # Set when the provision map links this to a delivered intervention group.
    provision_group_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan_id", "order", "id"]
        verbose_name_plural = "plan provision"

    def __str__(self) -> str:
        return self.description


class PlanVersion(models.Model):
    """A numbered snapshot of a plan (with its outcomes and provision) after a change."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_by = staff_reference("changed by")
    changed_at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=255)

    class Meta:
        ordering = ["plan_id", "version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"Version {self.version}: {self.summary}"
