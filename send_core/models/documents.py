"""Documents about a pupil (reports, letters, advice). Only metadata lives here; the content is
stored encrypted, under its own data key, by send_platform.crypto."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from .base import staff_reference
from .pupils import Pupil

sha256_validator = RegexValidator(r"^[0-9a-f]{64}$", "A SHA-256 digest is 64 lower-case hexadecimal characters.")


class DocumentKind(models.TextChoices):
    REPORT = "report", "Report"
    LETTER = "letter", "Letter"
    ADVICE = "advice", "Professional advice"
    OTHER = "other", "Other"


class Document(models.Model):
    """An encrypted document about a pupil: what it is, who uploaded it, how to find and check it."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(help_text="Bytes of the original (unencrypted) file.")
    sha256 = models.CharField("SHA-256", max_length=64, validators=[sha256_validator])
    wrapped_key = models.BinaryField(help_text="The document's data key, wrapped under the school's key.")
    storage_name = models.CharField(max_length=255, unique=True)
    uploaded_by = staff_reference("uploaded by")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title
