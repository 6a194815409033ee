"""The review form: who took part, their views, progress towards each outcome, the decision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from send_platform.ui.forms import RADIOS_TEMPLATE, choice_field, date_field, text_area

from ..models import PlanOutcome, Progress, Review, ReviewDecision
from .base import CairnForm, PeopleFormMixin


class ReviewForm(PeopleFormMixin, CairnForm):
    held_on = date_field("Date of the review")
    child_views = text_area("The child's views")
    parent_views = text_area("Parents' and carers' views")
    notes = text_area("Discussion", rows=6)
    decision = choice_field("Decision", ReviewDecision.choices, required=False, radios=True)
    next_review_on = date_field("Next review date", required=False)
    error_fields = {"participants": "people_parent"}

    def __init__(self, *args: Any, outcomes: Iterable[PlanOutcome], review: Review | None = None, **kwargs: Any):
        if review is not None:
            initial = kwargs.setdefault("initial", {})
            for name in ("held_on", "child_views", "parent_views", "notes", "decision", "next_review_on"):
                initial.setdefault(name, getattr(review, name))
            for row in review.progress.all():
                initial.setdefault(f"progress_{row.outcome_id}", row.progress)
                initial.setdefault(f"comment_{row.outcome_id}", row.comment)
        super().__init__(*args, **kwargs)
        self.outcomes = list(outcomes)
        self.add_people_fields(review.participants if review else None)
        for outcome in self.outcomes:
            progress = choice_field(
                f"Progress towards outcome {outcome.order}", Progress.choices, required=False, radios=True
            )
            progress.help_text = outcome.description
            self.fields[f"progress_{outcome.pk}"] = progress
            self.fields[f"comment_{outcome.pk}"] = text_area(f"Comment on outcome {outcome.order}", rows=2)
            progress.template_name = RADIOS_TEMPLATE
        self.fields[
            "decision"
        ].help_text = (
            "Leaving the register and requesting an EHC needs assessment are decided by the SENCO or headteacher."
        )

    @property
    def outcome_fields(self) -> list[tuple[PlanOutcome, Any, Any]]:
        return [(o, self[f"progress_{o.pk}"], self[f"comment_{o.pk}"]) for o in self.outcomes]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        progress = {
            outcome.pk: (data[f"progress_{outcome.pk}"], data.get(f"comment_{outcome.pk}", ""))
            for outcome in self.outcomes
            if data.get(f"progress_{outcome.pk}")
        }
        return {
            "held_on": data["held_on"],
            "participants": self.people(),
            "child_views": data.get("child_views", ""),
            "parent_views": data.get("parent_views", ""),
            "notes": data.get("notes", ""),
            "decision": data.get("decision", ""),
            "next_review_on": data.get("next_review_on"),
            "progress": progress,
        }
