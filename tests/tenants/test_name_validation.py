"""Names refuse hidden formatting and control characters, wherever a name is typed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tenants.forms import AcceptInvitationForm, ProvisionForm
from tenants.validators import validate_name

# Each listed in the rule: the bidirectional controls and the zero-width characters.
HIDDEN = [
    *(chr(code) for code in range(0x202A, 0x202F)),  # LRE, RLE, PDF, LRO, RLO
    *(chr(code) for code in range(0x2066, 0x206A)),  # LRI, RLI, FSI, PDI
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # zero-width no-break space (byte-order mark)
]


@pytest.mark.parametrize("char", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_every_hidden_formatting_character_is_refused(char):
    with pytest.raises(ValidationError) as refused:
        validate_name(f"Amelia{char}Thornbury")
    assert "hidden formatting characters" in refused.value.messages[0]


@pytest.mark.parametrize("char", ["\x00", "\t", "\n", "\x1b"])
def test_control_characters_are_refused(char):
    with pytest.raises(ValidationError, match="control character"):
        validate_name(f"Amelia{char}")


@pytest.mark.parametrize("name", ["Zoë O'Connor-Smith", "محمد علي", "Nguyễn Văn An", "Siân", "José María", "李小龙"])
def test_real_names_in_any_script_are_accepted(name):
    validate_name(name)


def test_a_new_members_name_and_a_new_organisations_name_are_checked(db):
    form = AcceptInvitationForm(
        {"full_name": "Sally\u202eocneS", "password": "a-long-password-9", "password_again": "a-long-password-9"},
        email="sally@example.org",
    )
    assert not form.is_valid()
    assert "hidden formatting characters" in form.errors["full_name"][0]
    provision = ProvisionForm({"name": "Ashgrove\u200b Primary", "kind": "school", "slug": "ashgrove-two"})
    assert not provision.is_valid()
    assert "hidden formatting characters" in provision.errors["name"][0]
