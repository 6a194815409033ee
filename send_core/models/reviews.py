"""Reviews: where assess–plan–do–review comes round, with progress against each outcome."""

from __future__ import annotations

from django.db import models

from .base import TimestampedModel, people_list_default, staff_reference
from .plans import PlanOutcome, SupportPlan
from .pupils import Pupil


class ParticipantRole(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    CHILD = "child", "The child"
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    SENCO = "senco", "SENCO"
    PROFESSIONAL = "professional", "Professional"


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    REVISE = "revise", "Revise the plan"
    REQUEST_EHC = "request_ehc_needs_assessment", "Request an EHC needs assessment"
    EXIT_REGISTER = "exit_register", "Leave the SEN register"


# Decisions that change the pupil's register status or call on the LA: for the SENCO or head.
SENCO_DECISIONS = frozenset({ReviewDecision.REQUEST_EHC, ReviewDecision.EXIT_REGISTER})


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CLOSED = "closed", "Closed"


class Review(TimestampedModel):
    """A review of a plan: who took part, their views, progress per outcome and the decision."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reviews")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    # [{"role": ParticipantRole, "name": "..."}]
    participants = models.JSONField(default=people_list_default, blank=True)
    child_views = models.TextField("the child's views", blank=True)
    parent_views = models.TextField("parents' views", blank=True)
    notes = models.TextField("discussion", blank=True)
    decision = models.CharField(max_length=40, choices=ReviewDecision.choices, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = staff_reference("recorded by")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = staff_reference("closed by")
    next_plan = models.ForeignKey(
        SupportPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The revised plan this review started.",
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["pupil", "status", "held_on"])]

    def __str__(self) -> str:
        return f"Review held {self.held_on:%d %b %Y}"


class Progress(models.TextChoices):
    NOT_MET = "not_met", "Not met"
    PARTLY_MET = "partly_met", "Partly met"
    MET = "met", "Met"
    EXCEEDED = "exceeded", "Exceeded"


# Outcomes with this progress are carried into a revised plan.
CARRIED_FORWARD = frozenset({Progress.NOT_MET, Progress.PARTLY_MET})


class OutcomeProgress(models.Model):
    """Progress towards one outcome, judged at a review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="progress")
    progress = models.CharField(max_length=12, choices=Progress.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["review_id", "outcome__order"]
        verbose_name_plural = "outcome progress"
        constraints = [models.UniqueConstraint(fields=["review", "outcome"], name="progress_once_per_outcome")]

    def __str__(self) -> str:
        return self.get_progress_display()
