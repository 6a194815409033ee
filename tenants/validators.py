import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

urn_validator = RegexValidator(r"^\d{6}$", "A URN is 6 digits, for example 114567.")
la_code_validator = RegexValidator(r"^\d{3}$", "An LA code is 3 digits, for example 881.")
establishment_number_validator = RegexValidator(r"^\d{4}$", "An establishment number is 4 digits, for example 2001.")
slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,40}$",
    "Use 2 to 41 lower-case letters, digits or hyphens, starting with a letter.",
)


# Invisible characters that change how a name reads without showing themselves: bidirectional
# controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) can make a stored name display as
# another ("Trojan Source" spoofing), and zero-width characters (U+200B–U+200D, U+2060, U+FEFF) make
# two names that look identical differ, so a search or a UPN-less match misses the child.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def validate_name(value: str) -> None:
    """A person's or an organisation's name: no hidden formatting characters, no control characters."""
    if not isinstance(value, str):
        return
    if any(char in BIDI_CONTROLS or char in ZERO_WIDTH for char in value):
        raise ValidationError(
            "The name contains hidden formatting characters (such as a right-to-left mark or a "
            "zero-width space), often copied in from another document. Type the name again.",
            code="hidden_characters",
        )
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(
            "The name contains a control character (such as a tab or a NUL). Type the name again.",
            code="control_characters",
        )
