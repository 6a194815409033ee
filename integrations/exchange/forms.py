"""Forms for the exchange pages."""

from __future__ import annotations

from django import forms


class InformationRequestForm(forms.Form):
    """An information request (or the answer to one) sent within an envelope's thread."""

    subject = forms.CharField(
        label="Subject",
        max_length=200,
        help_text="A reference such as “EHC request 2026-014: further information”. Do not use the child's name.",
    )
    message = forms.CharField(label="Message", max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))
    document_title = forms.CharField(label="Document title", max_length=200, required=False)
    document = forms.FileField(
        label="Document",
        required=False,
        help_text="A PDF, Word, OpenDocument or Excel file, an image or plain text.",
    )
