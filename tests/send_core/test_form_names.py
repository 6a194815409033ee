"""Names typed into the LA's family-request form and the transition destination refuse hidden
formatting characters, as every other name in Cairn does."""

from __future__ import annotations

import pytest

from send_core.ehc.casework.forms import FamilyRequestForm
from send_core.transition.forms import DestinationForm

RLO = "\u202e"
ZWSP = "\u200b"


def _family_request(**changes):
    data = {
        "requested_by": "parent",
        "requester_name": "Dana Whitfield",
        "received_on": "2026-11-02",
        "received_how": "letter",
        "first_name": "Leah",
        "last_name": "Bennett",
        "date_of_birth": "2017-05-14",
        "school_name": "Millbrook Primary School",
        "reason": "Her needs are not being met at SEN Support.",
    }
    data.update(changes)
    return FamilyRequestForm(data)


def test_a_plain_family_request_is_valid():
    form = _family_request()
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("field", ["requester_name", "first_name", "last_name", "school_name"])
@pytest.mark.parametrize("hidden", [RLO, ZWSP])
def test_a_family_request_name_with_hidden_characters_is_refused(field, hidden):
    form = _family_request(**{field: f"Ben{hidden}nett"})
    assert not form.is_valid()
    assert "hidden formatting characters" in " ".join(form.errors[field])


def test_a_destination_school_name_with_hidden_characters_is_refused():
    assert DestinationForm({"urn": "123456", "name": "Harbourside Academy"}).is_valid()
    form = DestinationForm({"urn": "123456", "name": f"Harbour{RLO}side Academy"})
    assert not form.is_valid()
    assert "hidden formatting characters" in " ".join(form.errors["name"])
