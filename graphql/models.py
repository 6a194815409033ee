"""Anonymised figures kept in the public schema, their refresh runs, and reporting tokens.

Nothing here identifies a child: the rows hold exact counts per school (or per local authority)
and date. Small counts are suppressed when the figures are served (see `suppression.py`), never
when stored, so a change to the disclosure rules needs no refresh.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SchoolFigures(models.Model):
    """One school's SEND figures on one day (the day of a refresh, or a back-dated day)."""

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+")
    on = models.DateField("figures on")
    # Copied from the organisation at refresh time, so benchmarks need no join.
    phase = models.CharField(max_length=20, blank=True)
    pupils_on_roll = models.PositiveIntegerField(default=0)
    monitoring = models.PositiveIntegerField("monitoring (census N)", default=0)
    sen_support = models.PositiveIntegerField("SEN Support (census K)", default=0)
    ehc_plan = models.PositiveIntegerField("EHC plan (census E)", default=0)
    # {census need type or "none": pupils on the register}; year groups and sex likewise.
    by_primary_need = models.JSONField(default=dict)
    by_year_group = models.JSONField(default=dict)
    by_sex = models.JSONField(default=dict)
    plans_due_review = models.PositiveIntegerField(default=0)
    plans_reviewed_on_time = models.PositiveIntegerField(default=0)
    outcomes_judged = models.PositiveIntegerField(default=0)
    outcomes_met = models.PositiveIntegerField(default=0)
    # Null where the figure could not be worked out (the school's provision or EHC records
    # are not available yet): shown as "not available", never as zero.
    sen_support_cost_total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # How many pupils at SEN Support have costed provision (a cost above zero), and whether one
    # pupil's cost is more than half of the total: cost per pupil is shown only when neither
    # would let it describe one or a few children.
    sen_support_costed_pupils = models.PositiveIntegerField(null=True, blank=True)
    sen_support_cost_dominated = models.BooleanField(null=True, blank=True)
    ehc_requests_made = models.PositiveIntegerField(null=True, blank=True)
    ehc_requests_agreed = models.PositiveIntegerField(null=True, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation_id", "-on"]
        verbose_name_plural = "school figures"
        constraints = [models.UniqueConstraint(fields=["organisation", "on"], name="school_figures_once_a_day")]
        indexes = [
            models.Index(fields=["phase", "on"]),
            models.Index(fields=["on"]),
            # The newest refresh marks the version of every served answer (see views' answer cache).
            models.Index(fields=["refreshed_at"]),
        ]

    def __str__(self) -> str:
        return f"Figures for school {self.organisation_id} on {self.on:%d %b %Y}"

    @property
    def on_register(self) -> int:
        return self.sen_support + self.ehc_plan


class EhcTimeliness(models.Model):
    """A local authority's EHC casework in one month: what fell due and what was on time."""

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    requests_received = models.PositiveIntegerField(default=0)
    decisions_due = models.PositiveIntegerField(default=0)
    decisions_within_6_weeks = models.PositiveIntegerField(default=0)
    plans_due = models.PositiveIntegerField(default=0)
    plans_within_20_weeks = models.PositiveIntegerField(default=0)
    annual_reviews_due = models.PositiveIntegerField(default=0)
    annual_reviews_decided_within_4_weeks = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation_id", "month"]
        verbose_name_plural = "EHC timeliness"
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="ehc_timeliness_once_a_month")]

    def __str__(self) -> str:
        return f"EHC timeliness for {self.organisation_id}, {self.month:%B %Y}"


class RefreshStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class RefreshTrigger(models.TextChoices):
    CHANGE = "change", "Records changed"
    NIGHTLY = "nightly", "Nightly"
    OPERATOR = "operator", "Operator"
    DEMO = "demo", "Demo"


class RefreshRun(models.Model):
    """One refresh of one organisation's figures, so operators can see progress and failures."""

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(max_length=10, choices=RefreshTrigger.choices)
    status = models.CharField(max_length=10, choices=RefreshStatus.choices, default=RefreshStatus.QUEUED)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The kind of error and its message only: no record content reaches this table.
    error = models.TextField(blank=True)
    # Figures that could not be worked out this time (e.g. "provision cost").
    not_available = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"Refresh of {self.organisation_id} ({self.get_status_display().lower()})"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


# A reporting key lasts at most a year (and a year unless its maker chooses less).
REPORTING_KEY_MAX_DAYS = 365


class ReportingToken(models.Model):
    """A key a BI tool uses to read one organisation's figures over GraphQL.

    Only a hash is kept; the key itself is shown once, when it is made. It stops working when it
    expires, when it is revoked, and when its maker is no longer one of the organisation's leaders.
    """

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, help_text="What it is for, e.g. “Power BI trust dashboard”.")
    # The first characters of the key, so people can tell their keys apart.
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def has_expired(self) -> bool:
        return self.revoked_at is None and self.expires_at <= timezone.now()
