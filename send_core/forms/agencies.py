"""Forms for agencies and consent: referrals, an agency's involvement, parents' consent and its withdrawal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from send_platform.ui.forms import choice_field, date_field, text_area

from ..models import Agency, ConsentScope, InvolvementStatus, ParentCarer
from .base import CairnForm


class ConsentForm(CairnForm):
    scope = choice_field(
        "What consent is for", ConsentScope.choices, radios=True, message="Choose what the consent is for."
    )
    given_by = forms.ModelChoiceField(
        label="Given by",
        queryset=ParentCarer.objects.none(),
        empty_label="Choose…",
        error_messages={"required": "Choose the parent or carer who gave consent."},
    )
    given_on = date_field("Date given", required=False, help_text="Leave blank for today.")
    notes = text_area("Notes", rows=3)

    def __init__(self, *args: Any, parents: QuerySet[ParentCarer], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = parents
        self.fields["given_by"].help_text = "Only a parent or carer with parental responsibility can give consent."


class WithdrawConsentForm(CairnForm):
    withdrawn_on = date_field("Date consent was withdrawn", required=False, help_text="Leave blank for today.")


class ReferralForm(CairnForm):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose…",
        error_messages={"required": "Choose the agency."},
    )
    referred_on = date_field("Date of the referral", required=False, help_text="Leave blank for today.")
    reason = text_area("Reason for the referral")

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class InvolvementForm(CairnForm):
    status = choice_field("Where it stands", InvolvementStatus.choices, radios=True)
    report_received_on = date_field("Report received", required=False)
    notes = text_area("Notes")
    closed_on = date_field("Finished on", required=False)
