"""The intervention catalogue, staff hourly rates, intervention groups with their sessions and measures,
individual provision (one-to-one support, specialist equipment), and the SEN information report.

The same tables sit in every organisation's schema. In a school's they are the school's own; in a
trust's, the catalogue holds the entries the trust's SEND lead publishes for its schools to adopt.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from send_core.models import AreaOfNeed, Pupil
from send_core.models.base import TimestampedModel, staff_reference

# What a school is expected to fund from its notional SEN budget for a pupil before top-up
# funding (element 2), unless the school sets another figure.
DEFAULT_NOTIONAL_THRESHOLD = Decimal("6000.00")


class StaffRole(models.TextChoices):
    """Who delivers provision, for costing: each has a school-set hourly rate."""

    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    HLTA = "hlta", "Higher level teaching assistant"
    TEACHER = "teacher", "Teacher"
    SENCO = "senco", "SENCO"
    SPECIALIST = "specialist", "Specialist teacher or therapist"


class Intervention(TimestampedModel):
    """An intervention the school offers (or, in a trust's schema, one the trust publishes)."""

    name = models.CharField(max_length=120)
    area = models.CharField("area of need", max_length=30, choices=AreaOfNeed.choices)
    description = models.TextField(blank=True)
    group_size = models.PositiveSmallIntegerField(
        "largest group", default=6, validators=[MinValueValidator(1)], help_text="1 for one-to-one work."
    )
    staff_role = models.CharField("delivered by", max_length=30, choices=StaffRole.choices)
    sessions_per_week = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    minutes_per_session = models.PositiveSmallIntegerField(default=20, validators=[MinValueValidator(1)])
    typical_weeks = models.PositiveSmallIntegerField("typical length in weeks", default=10)
    resource_cost = models.DecimalField(
        "resource cost",
        max_digits=9,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Materials and licences for one group's run of the intervention, in pounds.",
    )
    measure = models.CharField(
        "judged by", max_length=120, blank=True, help_text="e.g. reading age in months, Boxall profile score"
    )
    is_active = models.BooleanField("offered", default=True)
    # Set when the entry was copied from the school's trust's catalogue.
    adopted_from_trust_id = models.BigIntegerField(null=True, blank=True)
    adopted_from_entry_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name"], name="intervention_unique_name")]

    def __str__(self) -> str:
        return self.name


class HourlyRate(TimestampedModel):
    """What an hour of a staff role costs the school (pay with on-costs), set by the school."""

    staff_role = models.CharField(max_length=30, choices=StaffRole.choices, unique=True)
    hourly_rate = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    set_by = staff_reference("set by")

    class Meta:
        ordering = ["staff_role"]

    def __str__(self) -> str:
        return f"{self.get_staff_role_display()}: £{self.hourly_rate}"


class ProvisionSettings(TimestampedModel):
    """The school's costing settings (one row)."""

    notional_threshold = models.DecimalField(
        "notional SEN support threshold",
        max_digits=9,
        decimal_places=2,
        default=DEFAULT_NOTIONAL_THRESHOLD,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="A pupil whose costed provision in a school year passes this is flagged.",
    )
    set_by = staff_reference("set by")

    class Meta:
        verbose_name_plural = "provision settings"

    def __str__(self) -> str:
        return f"Threshold £{self.notional_threshold}"


class ProvisionGroup(TimestampedModel):
    """An intervention delivered to named pupils by named staff, between two dates, to a schedule."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=120, help_text="e.g. Toe by Toe, Year 4 (Tuesday and Thursday)")
    staff_role = models.CharField("delivered by", max_length=30, choices=StaffRole.choices)
    sessions_per_week = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    minutes_per_session = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    resource_cost = models.DecimalField(
        max_digits=9, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))]
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    # When it meets, as a SENCO writes it: [{"day": "Tuesday", "time": "09:10"}, …]
    schedule = models.JSONField(default=list, blank=True)
    location = models.CharField(max_length=120, blank=True)
    created_by = staff_reference("created by")

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="group_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def schedule_text(self) -> str:
        return ", ".join(f"{slot.get('day', '')} {slot.get('time', '')}".strip() for slot in self.schedule or ())


class GroupStaff(models.Model):
    """A member of staff who runs the group (they record its sessions and see its pupils)."""

    group = models.ForeignKey(ProvisionGroup, on_delete=models.CASCADE, related_name="staff")
    user = staff_reference("member of staff", null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_staff_once")]
        indexes = [models.Index(fields=["user"])]

    def __str__(self) -> str:
        return f"{self.user_id} runs {self.group_id}"


class GroupMember(TimestampedModel):
    """A pupil in a group, with the measure taken on entry and on exit, and the exit target."""

    group = models.ForeignKey(ProvisionGroup, on_delete=models.CASCADE, related_name="members")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="provision_groups")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    entry_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    entry_on = models.DateField(null=True, blank=True)
    exit_target = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    exit_value = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    exit_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["group_id", "pupil__last_name", "pupil__legal_first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "pupil"], name="group_member_once"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="member_leaves_after_joining"
            ),
        ]

    def __str__(self) -> str:
        return f"Pupil {self.pupil_id} in group {self.group_id}"

    @property
    def met_target(self) -> bool | None:
        if self.exit_value is None or self.exit_target is None:
            return None
        return self.exit_value >= self.exit_target


class SessionStatus(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    NOT_DELIVERED = "not_delivered", "Not delivered"


class GroupSession(TimestampedModel):
    """One meeting of a group on a date: delivered (with each pupil's attendance) or not."""

    group = models.ForeignKey(ProvisionGroup, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    status = models.CharField(max_length=20, choices=SessionStatus.choices, default=SessionStatus.DELIVERED)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["group_id", "-held_on"]
        constraints = [models.UniqueConstraint(fields=["group", "held_on"], name="group_session_once_a_day")]

    def __str__(self) -> str:
        return f"{self.group_id} on {self.held_on}"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    ABSENT = "absent", "Absent"


class SessionAttendance(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    attendance = models.CharField(max_length=10, choices=Attendance.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "pupil"], name="session_attendance_once")]

    def __str__(self) -> str:
        return f"{self.pupil_id}: {self.attendance}"


class IndividualKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one support"
    EQUIPMENT = "equipment", "Specialist equipment"


class IndividualProvision(TimestampedModel):
    """Provision for one pupil: one-to-one support (hours a week at a role's rate) or equipment (a cost)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="individual_provision")
    kind = models.CharField(max_length=20, choices=IndividualKind.choices)
    description = models.CharField(max_length=200)
    area = models.CharField("area of need", max_length=30, choices=AreaOfNeed.choices, blank=True)
    staff_role = models.CharField(max_length=30, choices=StaffRole.choices, blank=True)
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    cost = models.DecimalField(
        "one-off cost", max_digits=9, decimal_places=2, null=True, blank=True, help_text="For equipment, in pounds."
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = staff_reference("created by")

    class Meta:
        ordering = ["pupil_id", "-starts_on", "id"]
        verbose_name_plural = "individual provision"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="individual_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.description


class InformationReport(TimestampedModel):
    """A draft SEN information report for a school year, in editable sections."""

    school_year = models.CharField(max_length=9, unique=True, help_text="e.g. 2025-26")
    sections = models.JSONField(default=list)  # [{"key", "heading", "text"}, …]
    updated_by = staff_reference("updated by")

    class Meta:
        ordering = ["-school_year"]

    def __str__(self) -> str:
        return f"SEN information report {self.school_year}"
