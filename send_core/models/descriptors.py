"""Descriptor levels: the SENCO's judgement of how great a pupil's need is in each broad area.

The school's toolkit describes, per area, levels of need and the provision expected at each
(Cairn's "matching provision to need"). Each judgement is a dated row; the newest per area is
the pupil's level now, and earlier rows stay as history. The level's label is kept as it was
recorded, so history reads the same after the school changes toolkit.
"""

from __future__ import annotations

from django.db import models

from .base import TimestampedModel, staff_reference
from .needs import AreaOfNeed
from .pupils import Pupil


class NeedDescriptorLevel(TimestampedModel):
    """A pupil's level of need in one broad area, as the school's toolkit describes it, on a date."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="descriptor_levels")
    area = models.CharField("area of need", max_length=30, choices=AreaOfNeed.choices)
    level_key = models.CharField(max_length=50)
    level_label = models.CharField(max_length=150, help_text="The toolkit's name for the level when it was recorded.")
    toolkit_key = models.CharField(max_length=50, help_text="The toolkit whose descriptors were used.")
    recorded_on = models.DateField()
    recorded_by = staff_reference("recorded by")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["pupil_id", "area", "-recorded_on", "-id"]
        indexes = [models.Index(fields=["pupil", "area", "-recorded_on"])]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.level_label} ({self.recorded_on:%d %b %Y})"
