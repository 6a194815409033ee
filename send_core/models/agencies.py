"""Outside agencies, a pupil's involvement with them, and the parental consent it rests on."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from .base import TimestampedModel, staff_reference
from .pupils import ParentCarer, Pupil


class AgencyKind(models.TextChoices):
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology"
    SPEECH_LANGUAGE = "speech_language_therapy", "Speech and language therapy"
    OCCUPATIONAL_THERAPY = "occupational_therapy", "Occupational therapy"
    CAMHS = "camhs", "CAMHS"
    SPECIALIST_TEACHER = "specialist_teacher", "Specialist teacher"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    PAEDIATRICS = "paediatrics", "Paediatrics"
    SOCIAL_CARE = "social_care", "Social care"
    EARLY_HELP = "early_help", "Early help"
    OTHER = "other", "Other"


class Agency(TimestampedModel):
    """A service the school works with (its catalogue of agencies)."""

    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    name = models.CharField(max_length=200, unique=True)
    contact = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class ConsentScope(models.TextChoices):
    REFERRAL = "referral", "Referral to an outside agency"
    SHARE_WITH_LA = "share_with_la", "Sharing information with the local authority"
    SHARE_WITH_NEXT_SCHOOL = "share_with_next_school", "Sharing information with the next school"


class Consent(TimestampedModel):
    """Consent given by a parent with parental responsibility, for one scope, until withdrawn."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=30, choices=ConsentScope.choices)
    given_by = models.ForeignKey(ParentCarer, on_delete=models.PROTECT, related_name="consents")
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
            )
        ]
        indexes = [models.Index(fields=["pupil", "scope"])]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} (given {self.given_on:%d %b %Y})"

    def is_valid_on(self, day) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


class InvolvementStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ACTIVE = "active", "Working with the pupil"
    DECLINED = "declined", "Referral not accepted"
    CLOSED = "closed", "Finished"


class AgencyInvolvement(TimestampedModel):
    """An agency's involvement with a pupil, from referral to its report and close."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="agency_involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    referred_on = models.DateField()
    referred_by = staff_reference("referred by")
    reason = models.TextField(blank=True)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="involvements")
    status = models.CharField(max_length=10, choices=InvolvementStatus.choices, default=InvolvementStatus.REFERRED)
    report_received_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.agency} (referred {self.referred_on:%d %b %Y})"

    @property
    def report_received(self) -> bool:
        return self.report_received_on is not None
