"""Forms for importing pupils from the school's MIS: the file, then which column holds what."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from ..services.importing import DEFAULT_MAPPING, FIELD_LABELS, REQUIRED_FIELDS
from .base import CairnForm


class ImportUploadForm(CairnForm):
    file = forms.FileField(
        label="CSV file",
        help_text="An export of pupils from your MIS, with a header row.",
        error_messages={"required": "Choose the CSV file to import.", "empty": "The file is empty."},
    )

    def __init__(self, *args: Any, refused: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.refused = refused

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.refused:
            self.errors.pop("file", None)
            self.add_error("file", f"{self.refused}. Export fewer columns or split the file.")
        upload = data.get("file")
        if upload is not None and not upload.name.lower().endswith((".csv", ".txt")):
            self.add_error("file", "The file must be a CSV file (ending .csv).")
        return data


class ImportMappingForm(CairnForm):
    """For each thing Cairn imports, the column of the file that holds it."""

    def __init__(self, *args: Any, headers: Sequence[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", "Not in this file"), *((header, header) for header in headers)]
        for name, label in FIELD_LABELS.items():
            required = name in REQUIRED_FIELDS
            self.fields[name] = forms.ChoiceField(
                label=label[0].upper() + label[1:],
                choices=choices,
                required=required,
                error_messages={
                    "required": f"Choose the column that holds the {label}.",
                    "invalid_choice": f"Choose one of the file's columns for the {label}.",
                },
            )
            default = DEFAULT_MAPPING.get(name)
            if default in headers:
                self.initial.setdefault(name, default)

    def mapping(self) -> dict[str, str]:
        return {name: header for name, header in self.cleaned_data.items() if header}
