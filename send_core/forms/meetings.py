"""The form for a meeting with parents."""

from __future__ import annotations

from typing import Any

from send_platform.ui.forms import choice_field, date_field, text_area

from ..models import MeetingKind
from .base import CairnForm, PeopleFormMixin


class MeetingForm(PeopleFormMixin, CairnForm):
    held_on = date_field("Date of the meeting")
    kind = choice_field("Kind of meeting", MeetingKind.choices, message="Choose the kind of meeting.")
    notes = text_area("What was discussed", rows=5)
    agreed_actions = text_area("What was agreed")
    people_legend = "Who came"
    error_fields = {"attendees": "people_parent"}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_people_fields()
