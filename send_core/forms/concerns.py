"""Forms for concerns: raising one, the discussion, closing it, and moving the pupil to SEN Support."""

from __future__ import annotations

from typing import Any

from send_platform.ui.forms import choice_field, date_field, text_area

from ..models import AreaOfNeed, NeedType, NotificationMethod, RaisedByKind
from .base import CairnForm, PeopleFormMixin


class ConcernForm(CairnForm):
    concern = text_area("What is the concern?", required=True, rows=6, message="Describe the concern.")
    raised_by_kind = choice_field(
        "Who raised it", RaisedByKind.choices, radios=True, message="Choose who raised the concern."
    )
    area = choice_field("Broad area of need", AreaOfNeed.choices, required=False, blank="Not sure yet")
    raised_on = date_field("Date raised", required=False, help_text="Leave blank for today.")
    review_on = date_field("Review date", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("initial", {}).setdefault("raised_by_kind", RaisedByKind.TEACHER)
        super().__init__(*args, **kwargs)


class ConcernDiscussionForm(PeopleFormMixin, CairnForm):
    discussed_on = date_field("Date of the discussion", required=False, help_text="Leave blank for today.")
    discussion = text_area("What was discussed", required=True, rows=6, message="Record what was discussed.")
    next_steps = text_area("Agreed next steps", required=True, message="Record the next steps agreed.")
    review_on = date_field("Review date", required=False)
    error_fields = {"participants": "people_parent"}

    def __init__(self, *args: Any, participants=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_people_fields(participants)


class CloseConcernForm(CairnForm):
    outcome = text_area(
        "Why is the concern being closed?", required=True, message="Say why the concern is being closed."
    )
    closed_on = date_field("Date closed", required=False, help_text="Leave blank for today.")


class EscalateConcernForm(CairnForm):
    reason = text_area(
        "Why does the pupil need SEN Support?", required=True, message="Give the reason the pupil needs SEN Support."
    )
    need_type = choice_field("Primary type of need", NeedType.choices, required=False, blank="Choose…")
    area = choice_field("Broad area of need", AreaOfNeed.choices, required=False, blank="Follows from the type of need")
    notification_method = choice_field(
        "How parents were told", NotificationMethod.choices, radios=True, message="Choose how parents were told."
    )
    on = date_field("Date SEN Support starts", required=False, help_text="Leave blank for today.")

    def __init__(self, *args: Any, has_primary_need: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if has_primary_need:
            del self.fields["need_type"]
            del self.fields["area"]
        else:
            self.fields["need_type"].help_text = "The census needs the pupil's primary type of need."
