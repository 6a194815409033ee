"""Pupils, their classes and the adults who care for them."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from ..upn import validate_upn
from .base import TimestampedModel, staff_reference


class Sex(models.TextChoices):
    """Sex as the school census records it."""

    FEMALE = "F", "Female"
    MALE = "M", "Male"


class NCYear(models.TextChoices):
    """National curriculum year group, as the census codes it."""

    N1 = "N1", "Nursery 1"
    N2 = "N2", "Nursery 2"
    RECEPTION = "R", "Reception"
    Y1 = "1", "Year 1"
    Y2 = "2", "Year 2"
    Y3 = "3", "Year 3"
    Y4 = "4", "Year 4"
    Y5 = "5", "Year 5"
    Y6 = "6", "Year 6"
    Y7 = "7", "Year 7"
    Y8 = "8", "Year 8"
    Y9 = "9", "Year 9"
    Y10 = "10", "Year 10"
    Y11 = "11", "Year 11"
    Y12 = "12", "Year 12"
    Y13 = "13", "Year 13"
    Y14 = "14", "Year 14"


# Year groups in school order, for sorting.
NC_YEAR_ORDER: dict[str, int] = {value: index for index, value in enumerate(NCYear.values)}

urn_validator = RegexValidator(r"^\d{6}$", "A URN is 6 digits.")


class SchoolClass(TimestampedModel):
    """A registration class or form (e.g. "4 Kestrels")."""

    name = models.CharField(max_length=60, unique=True)
    year_group = models.CharField(
        max_length=2, choices=NCYear.choices, blank=True, help_text="Blank for a mixed-age class."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "school classes"

    def __str__(self) -> str:
        return self.name


class ClassTeacherRole(models.TextChoices):
    TEACHER = "teacher", "Class teacher"
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"


class ClassTeacher(models.Model):
    """A teacher or teaching assistant who works with a class, and so sees its pupils."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="staff")
    user = staff_reference("member of staff", null=False, blank=False)
    role = models.CharField(max_length=30, choices=ClassTeacherRole.choices, default=ClassTeacherRole.TEACHER)

    class Meta:
        ordering = ["school_class__name", "role"]
        constraints = [models.UniqueConstraint(fields=["school_class", "user"], name="class_teacher_once_per_class")]
        indexes = [models.Index(fields=["user"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.school_class}"


class Pupil(TimestampedModel):
    """A child on the school's roll."""

    upn = models.CharField("UPN", max_length=13, unique=True, validators=[validate_upn])
    upn_is_temporary = models.BooleanField("temporary UPN", default=False)
    legal_first_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    nc_year = models.CharField("year group", max_length=2, choices=NCYear.choices)
    # CTF and census NCyearActual "X": the pupil does not follow the national curriculum; `nc_year`
    # then holds the year group of their age, so class lists and year filters still place them.
    nc_not_followed = models.BooleanField("national curriculum not followed", default=False)
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils", verbose_name="class"
    )
    admission_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)
    destination = models.CharField(max_length=200, blank=True, help_text="Where the pupil went on leaving.")
    destination_urn = models.CharField("destination URN", max_length=6, blank=True, validators=[urn_validator])

    # Context that is not SEND but matters to it.
    eal = models.BooleanField("English as an additional language", default=False)
    pupil_premium = models.BooleanField(default=False)
    looked_after = models.BooleanField("looked-after child", default=False)
    previously_looked_after = models.BooleanField("previously looked-after child", default=False)
    service_child = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
    medical_needs = models.BooleanField(default=False)
    attendance_percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["last_name", "legal_first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "legal_first_name"]),
            models.Index(fields=["nc_year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True)
                | Q(admission_date__isnull=True)
                | Q(leaving_date__gte=models.F("admission_date")),
                name="pupil_leaves_after_admission",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def first_name(self) -> str:
        """The name the pupil is known by (preferred, else legal first name)."""
        return self.preferred_name or self.legal_first_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.last_name}"


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    CARER = "carer", "Carer"
    FOSTER_CARER = "foster_carer", "Foster carer"
    GRANDPARENT = "grandparent", "Grandparent"
    STEP_PARENT = "step_parent", "Step-parent"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER = "other", "Other"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    TEXT = "text", "Text message"


class ParentCarer(TimestampedModel):
    """A parent or carer of a pupil; `parental_responsibility` decides who can give consent."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parents")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(default=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    is_primary_contact = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary_contact", "name", "id"]
        verbose_name = "parent or carer"
        verbose_name_plural = "parents and carers"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(is_primary_contact=True), name="parent_one_primary_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"
