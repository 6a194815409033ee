"""A pupil's needs (broad area and census type of need) and diagnoses."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from .base import TimestampedModel, staff_reference
from .pupils import Pupil


class AreaOfNeed(models.TextChoices):
    """The four broad areas of need of the SEND Code of Practice (6.28–6.35)."""

    COGNITION_LEARNING = "cognition_learning", "Cognition and learning"
    COMMUNICATION_INTERACTION = "communication_interaction", "Communication and interaction"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY_PHYSICAL = "sensory_physical", "Sensory and/or physical"


class NeedType(models.TextChoices):
    """Census type of need."""

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Vision impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    OTH = "OTH", "Other difficulty or disability"
    NSA = "NSA", "SEN support but no specialist assessment of type of need"


# The broad area each census type belongs to; OTH and NSA may sit in any area.
AREA_FOR_NEED_TYPE: dict[str, str] = {
    NeedType.SPLD: AreaOfNeed.COGNITION_LEARNING,
    NeedType.MLD: AreaOfNeed.COGNITION_LEARNING,
    NeedType.SLD: AreaOfNeed.COGNITION_LEARNING,
    NeedType.PMLD: AreaOfNeed.COGNITION_LEARNING,
    NeedType.SEMH: AreaOfNeed.SEMH,
    NeedType.SLCN: AreaOfNeed.COMMUNICATION_INTERACTION,
    NeedType.ASD: AreaOfNeed.COMMUNICATION_INTERACTION,
    NeedType.HI: AreaOfNeed.SENSORY_PHYSICAL,
    NeedType.VI: AreaOfNeed.SENSORY_PHYSICAL,
    NeedType.MSI: AreaOfNeed.SENSORY_PHYSICAL,
    NeedType.PD: AreaOfNeed.SENSORY_PHYSICAL,
}


class NeedRank(models.TextChoices):
    """The census reports a primary and (optionally) a secondary need; others are kept unranked."""

    PRIMARY = "primary", "Primary need"
    SECONDARY = "secondary", "Secondary need"
    OTHER = "other", "Other need (not reported in the census)"


class PupilNeed(TimestampedModel):
    """One of a pupil's needs; current while `ended_on` is empty."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="needs")
    area = models.CharField("area of need", max_length=30, choices=AreaOfNeed.choices)
    need_type = models.CharField("type of need", max_length=4, choices=NeedType.choices)
    rank = models.CharField(max_length=10, choices=NeedRank.choices)
    notes = models.TextField(blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["ended_on", "rank", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(rank="primary", ended_on__isnull=True), name="need_one_current_primary"
            ),
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(rank="secondary", ended_on__isnull=True),
                name="need_one_current_secondary",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="need_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_need_type_display()} ({self.get_rank_display().lower()})"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class DiagnosisSource(models.TextChoices):
    PAEDIATRICS = "paediatrics", "Paediatrician"
    CAMHS = "camhs", "CAMHS"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychologist"
    SPEECH_LANGUAGE = "speech_language_therapy", "Speech and language therapist"
    OCCUPATIONAL_THERAPY = "occupational_therapy", "Occupational therapist"
    AUDIOLOGY = "audiology", "Audiology"
    OPHTHALMOLOGY = "ophthalmology", "Ophthalmology"
    GP = "gp", "GP"
    OTHER = "other", "Other"


class Diagnosis(TimestampedModel):
    """A diagnosis made by a professional, with when and by whom."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="diagnoses")
    name = models.CharField(max_length=200)
    diagnosed_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=30, choices=DiagnosisSource.choices)
    source_detail = models.CharField(max_length=200, blank=True, help_text="e.g. which clinic or service")
    notes = models.TextField(blank=True)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["-diagnosed_on", "-id"]
        verbose_name_plural = "diagnoses"

    def __str__(self) -> str:
        return self.name
