"""Forms for the LA's casework: allocation, questions, decisions, advice, exceptions, plans, annual review
decisions and a family's own request."""

from __future__ import annotations

from typing import Any

from django import forms

from send_core.forms.base import CairnForm, choice_field, date_field, text_area
from tenants.validators import validate_name

from ..models import PLAN_SECTIONS, AdviceSource, ExceptionReason, ReceivedHow, Requester, ReviewRecommendation


class QuestionForm(CairnForm):
    question = text_area(
        "What the local authority needs to know",
        required=True,
        rows=5,
        message="Write what the local authority needs to know.",
    )


class AllocateForm(CairnForm):
    caseworker = forms.TypedChoiceField(
        label="Caseworker", coerce=int, error_messages={"required": "Choose a caseworker."}
    )

    def __init__(self, *args: Any, caseworkers: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].choices = [("", "Choose…")] + [
            (user.pk, user.full_name or user.email) for user in caseworkers
        ]


class DecisionForm(CairnForm):
    decision = choice_field(
        "Decision",
        [("agree", "Agree to carry out an EHC needs assessment"), ("refuse", "Decide not to assess")],
        radios=True,
        message="Choose whether the LA will assess.",
    )
    reasons = text_area("Reasons", required=True, rows=5, message="Give the reasons for the decision.")
    on = date_field("Date of the decision")


class AdviceForm(CairnForm):
    source = choice_field("Advice from", AdviceSource.choices, message="Choose who the advice is asked of.")
    requested_from = forms.CharField(label="Service or person asked", max_length=200, required=False)
    on = date_field("Date asked")


class AdviceReceivedForm(CairnForm):
    on = date_field("Date received")
    notes = text_area("Notes", rows=3)


class ExceptionForm(CairnForm):
    reason = choice_field("Reason", ExceptionReason.choices, radios=True, message="Choose the reason.")
    starts_on = date_field("First day")
    ends_on = date_field("Last day")
    advice = forms.TypedChoiceField(
        label="The advice it concerns",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="For a closure, the advice asked of the school or provider; for a missed appointment, whose it was.",
    )
    affects_decision = forms.BooleanField(label="It also held up the decision whether to assess", required=False)
    notes = text_area("What happened", required=True, rows=3, message="Say what happened.")

    def __init__(self, *args: Any, advice: list | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["advice"].choices = [("", "None")] + [
            (item.pk, f"{item.get_source_display()} advice asked on {item.requested_on:%-d %B %Y}")
            for item in advice or []
        ]


class NoPlanForm(CairnForm):
    reasons = text_area("Reasons", required=True, rows=6, message="Give the reasons no plan will be made.")
    on = date_field("Date of the notice")


class PlanSectionsForm(CairnForm):
    """Sections A to K of an EHC plan."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for key, letter, title in PLAN_SECTIONS:
            self.fields[f"section_{key}"] = text_area(f"Section {letter}: {title}", rows=4)

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"section_{key}", "") for key, _, _ in PLAN_SECTIONS}


class FinalPlanForm(CairnForm):
    comments_considered = forms.BooleanField(
        label="The family's comments on the draft are in, or they have said they have none", required=False
    )


class AnnualReviewDecisionForm(CairnForm):
    decision = choice_field("Decision", ReviewRecommendation.choices, radios=True, message="Choose the decision.")
    reasons = text_area("Reasons", required=True, rows=4, message="Give the reasons for the decision.")
    proposed_amendments = text_area(
        "Proposed amendments",
        rows=5,
        help_text="To amend, set out the changes now: they go to the family with the decision, and their 15 days "
        "to comment begin that day (Reg 22(2)).",
    )
    on = date_field("Date of the decision")


class FamilyRequestForm(CairnForm):
    """A request for an assessment made by a parent or young person themselves (CFA 2014 s36(1))."""

    requested_by = choice_field(
        "Who made the request",
        [c for c in Requester.choices if c[0] != Requester.SCHOOL],
        radios=True,
        message="Choose who made the request.",
    )
    requester_name = forms.CharField(label="Their name", max_length=200, validators=[validate_name])
    received_on = date_field("Date the request was received")
    received_how = choice_field(
        "How it was received",
        [c for c in ReceivedHow.choices if c[0] != ReceivedHow.EXCHANGE],
        message="Choose how the request arrived.",
    )
    first_name = forms.CharField(
        label="Child's or young person's first name", max_length=100, validators=[validate_name]
    )
    last_name = forms.CharField(label="Last name", max_length=100, validators=[validate_name])
    date_of_birth = date_field("Date of birth")
    school_name = forms.CharField(
        label="School or college, if any", max_length=200, required=False, validators=[validate_name]
    )
    reason = text_area("What the request says", rows=5)
