"""Forms for the school's side of EHC work: the request, the answer to the LA's question, and the annual review."""

from __future__ import annotations

from typing import Any

from django import forms

from send_core.forms.base import CairnForm, choice_field, date_field, text_area

from ..models import ReviewRecommendation


class RequestForm(CairnForm):
    """What the request says, which evidence of the checklist it carries, and which documents."""

    reason = text_area(
        "Why the school is asking for an EHC needs assessment",
        rows=6,
        help_text="What the school has tried, for how long, and why the pupil needs more than SEN Support can give.",
    )
    parent_views = text_area("Parents' views", rows=4)
    child_views = text_area("The child's views", rows=4)
    evidence_keys = forms.MultipleChoiceField(
        label="Evidence to include", required=False, widget=forms.CheckboxSelectMultiple
    )
    document_ids = forms.TypedMultipleChoiceField(
        label="Documents to attach", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, evidence: list, documents: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["evidence_keys"].choices = [
            (row.key, f"{row.label}{'' if row.required else ' (optional)'} — {row.summary}") for row in evidence
        ]
        self.fields["document_ids"].choices = [(d.pk, f"{d.title} ({d.get_kind_display().lower()})") for d in documents]
        if not documents:
            del self.fields["document_ids"]


class ReplyForm(CairnForm):
    answer = text_area(
        "Your answer", required=True, rows=6, message="Write the information the local authority asked for."
    )


class AnnualReviewPlanForm(CairnForm):
    meeting_on = date_field("Date of the review meeting")
    invitations_sent_on = date_field("Date invitations were sent", help_text="At least two weeks before the meeting.")
    secondary_senco_invited = forms.CharField(
        label="Secondary school SENCO invited",
        max_length=200,
        required=False,
        help_text="For Year 5 and Year 6 reviews: their name and school.",
    )


class AnnualReviewRecordForm(CairnForm):
    participants = text_area("Who took part", rows=2)
    child_views = text_area("The child's views", rows=3)
    parent_views = text_area("Parents' views", rows=3)
    progress = text_area(
        "Progress towards the plan's outcomes", required=True, rows=5, message="Describe the progress."
    )
    recommendation = choice_field("The review recommends", ReviewRecommendation.choices, radios=True)
    recommended_changes = text_area("Changes recommended", rows=3)
    preparing_for_adulthood = text_area(
        "Preparing for adulthood",
        rows=4,
        help_text="From Year 9, every review covers employment, independent living, friends and community, "
        "and health (Reg 20(6)).",
    )
