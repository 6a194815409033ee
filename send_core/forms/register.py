"""Forms for the SEND register: the date to look at, moving a pupil between stages, leaving it."""

from __future__ import annotations

from typing import Any

from send_platform.ui.forms import choice_field, date_field, text_area

from ..models import NotificationMethod
from ..toolkit import Toolkit
from .base import CairnForm


class RegisterDateForm(CairnForm):
    plain_labels = True
    on = date_field("Date", required=False)


class StageChangeForm(CairnForm):
    stage_key = choice_field("New stage", [], radios=True, message="Choose the stage the pupil is moving to.")
    on = date_field("Date of the change", required=False, help_text="Leave blank for today.")
    reason = text_area("Reason for the decision", required=True, message="Give the reason for this decision.")
    notification_method = choice_field(
        "How parents were told",
        NotificationMethod.choices,
        required=False,
        radios=True,
    )
    parents_notified_on = date_field(
        "Date parents were told", required=False, help_text="Leave blank for the date of the change."
    )

    def __init__(self, *args: Any, toolkit: Toolkit, current_key: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["stage_key"]
        field.choices = [(stage.key, stage.label) for stage in toolkit.stages if stage.key != current_key]
        field.help_text = " ".join(f"{stage.label}: {stage.description}" for stage in toolkit.stages)
        self.fields["notification_method"].help_text = "Parents must be told when SEN provision starts."


class ExitRegisterForm(CairnForm):
    reason = text_area("Reason", required=True, message="Give the reason the pupil is leaving the register.")
    on = date_field("Date", required=False, help_text="Leave blank for today.")
    notification_method = choice_field("How parents were told", NotificationMethod.choices, required=False, radios=True)
