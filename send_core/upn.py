"""Unique Pupil Numbers (UPNs), checked the way the DfE specifies.

A UPN is 13 characters: a check letter, then twelve characters (LA code, establishment number,
year of allocation and a serial). The twelve are weighted 2 to 13 in turn, summed, and the sum
modulo 23 picks the check letter from the 23-letter alphabet below (no I, O or S). Digits count
at face value; a letter counts as its position in that alphabet.

A *temporary* UPN (given while the permanent one is awaited) has a letter in the 13th position
instead of a digit. It is checked the same way and accepted, but marked as temporary.

Characters 2–4 are the allocating LA's number: they must be one the DfE recognises (validation rule
1530), kept as data with its source in `upn_la_codes.toml`.
"""

from __future__ import annotations

import functools
import string
import tomllib
import unicodedata
from pathlib import Path

from django.core.exceptions import ValidationError

# The DfE check-letter alphabet: A–Z without I, O and S.
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_LENGTH = 13
_WEIGHTS = range(2, 14)
# A UPN is plain ASCII: str.isdigit() also accepts Arabic-Indic, Devanagari and superscript digits.
_UPN_CHARACTERS = frozenset(string.ascii_uppercase + string.digits)


def _character_value(character: str) -> int:
    if character in string.digits:
        return int(character)
    index = UPN_ALPHABET.find(character)
    if index < 0:
        raise ValueError(f"{character!r} cannot appear in a UPN")
    return index


@functools.cache
def recognised_la_codes() -> frozenset[str]:
    """Every three-digit code the DfE accepts in characters 2–4 of a UPN (rule 1530)."""
    data = tomllib.loads((Path(__file__).with_name("upn_la_codes.toml")).read_text(encoding="utf-8"))
    codes: set[str] = set()
    for item in data["codes"]:
        first, _, last = item.partition("-")
        codes.update(f"{number:03d}" for number in range(int(first), int(last or first) + 1))
    return frozenset(codes)


def is_recognised_la_code(code: str) -> bool:
    return code in recognised_la_codes()


def upn_check_letter(body12: str) -> str:
    """The check letter for the twelve characters that follow it in a UPN."""
    body = body12.strip().upper()
    if len(body) != UPN_LENGTH - 1:
        raise ValueError("A UPN body is 12 characters")
    total = sum(weight * _character_value(character) for weight, character in zip(_WEIGHTS, body, strict=True))
    return UPN_ALPHABET[total % 23]


def normalise_upn(value: str) -> str:
    """A UPN as stored: upper case, no surrounding or inner spaces, full-width forms folded to ASCII.

    NFKC turns full-width "Ａ８０１…" (typed with an East Asian keyboard layout) into "A801…", so the same
    pupil is not added twice. Other scripts' digits stay as they are and validate_upn refuses them.
    """
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def is_temporary_upn(value: str) -> bool:
    """True when the UPN is a temporary one (a letter in the 13th position)."""
    upn = normalise_upn(value)
    return len(upn) == UPN_LENGTH and upn[-1] in UPN_ALPHABET


def validate_upn(value: str) -> None:
    """Raise ValidationError, with a reason an office or SENCO can act on, unless `value` is a valid UPN."""
    upn = normalise_upn(value)
    if not set(upn) <= _UPN_CHARACTERS:
        raise ValidationError(
            "A UPN uses only the letters A to Z and the digits 0 to 9: retype it, or copy it again from the MIS.",
            code="upn_characters",
        )
    if len(upn) != UPN_LENGTH:
        raise ValidationError(
            "A UPN is 13 characters: a letter followed by 12 digits (the last may be a letter for a temporary UPN). "
            f"This one has {len(upn)}.",
            code="upn_length",
        )
    if upn[0] not in UPN_ALPHABET:
        raise ValidationError(
            "A UPN starts with its check letter (A–Z, but never I, O or S).",
            code="upn_format",
        )
    if not upn[1:12].isdigit():
        raise ValidationError(
            "Characters 2 to 12 of a UPN are digits (LA code, school number, year and serial).",
            code="upn_format",
        )
    if not (upn[12].isdigit() or upn[12] in UPN_ALPHABET):
        raise ValidationError(
            "The last character of a UPN is a digit, or a letter (not I, O or S) for a temporary UPN.",
            code="upn_format",
        )
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        raise ValidationError(
            "This UPN's check letter does not match its digits: check it was copied correctly from the MIS.",
            code="upn_check_letter",
        )
    # DfE validation rule 1530: characters 2–4 are a recognised LA number (or pseudo-LA code).
    if not is_recognised_la_code(upn[1:4]):
        raise ValidationError(
            f"Characters 2 to 4 of a UPN are the number of the local authority that gave it, and {upn[1:4]} "
            "is not one the DfE recognises: check the UPN with the previous school or the MIS.",
            code="upn_la_code",
        )


def make_upn(la_code: str, establishment_number: str, year: int, serial: int, *, temporary: bool = False) -> str:
    """A well-formed UPN for an LA code, establishment number, two-digit allocation year and serial."""
    year2 = f"{year % 100:02d}"
    if temporary:
        # Temporary UPNs end in a letter: serial spread over two digits and one letter.
        body = f"{la_code:0>3}{establishment_number:0>4}{year2}{serial // 23 % 100:02d}{UPN_ALPHABET[serial % 23]}"
    else:
        body = f"{la_code:0>3}{establishment_number:0>4}{year2}{serial % 1000:03d}"
    return upn_check_letter(body) + body
