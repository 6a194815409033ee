"""The form for uploading a document to a pupil's record."""

from __future__ import annotations

from typing import Any

from django import forms
from send_platform.ui.forms import choice_field

from ..models import DocumentKind
from .base import CairnForm


class DocumentForm(CairnForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Speech and language therapy report, March 2025",
        error_messages={"required": "Enter a title for the document."},
    )
    kind = choice_field("Kind of document", DocumentKind.choices, radios=True, message="Choose the kind of document.")
    file = forms.FileField(
        label="File", error_messages={"required": "Choose the file to upload.", "empty": "The file is empty."}
    )

    def __init__(self, *args: Any, refused: str | None = None, limit_help: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = limit_help
        self.refused = refused

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.refused:
            self.errors.pop("file", None)
            message = self.refused if self.refused.endswith(".") else f"{self.refused}."
            self.add_error("file", f"{message} Choose a smaller file.")
        return data
