"""UPNs are checked the DfE way: a check letter over twelve weighted characters."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from send_core.upn import (
    UPN_ALPHABET,
    is_temporary_upn,
    make_upn,
    normalise_upn,
    recognised_la_codes,
    upn_check_letter,
    validate_upn,
)

DIGITS = "0123456789"

# Twelve characters after the check letter: a recognised LA code, eight digits, then a digit (permanent)
# or letter (temporary).
la_codes = st.sampled_from(sorted(recognised_la_codes()))
permanent_bodies = st.builds(lambda la, d: la + d, la_codes, st.text(DIGITS, min_size=9, max_size=9))
temporary_bodies = st.builds(
    lambda la, d, letter: la + d + letter, la_codes, st.text(DIGITS, min_size=8, max_size=8), st.sampled_from(UPN_ALPHABET)
)
bodies = st.one_of(permanent_bodies, temporary_bodies)


@pytest.mark.parametrize(
    "upn, temporary",
    [
        # The worked examples in the DfE's UPN guidance: a permanent and a temporary UPN.
        # 2·8 + 4·1 + 5·2 + 10·1 + 13·1 = 53; 53 mod 23 = 7 → "H".
        ("H801200001001", False),
        # 2·8 + 4·1 + 5·2 + 10·1 + 12·1 + 13·0 ("A") = 52; 52 mod 23 = 6 → "G".
        ("G80120000101A", True),
    ],
)
def test_the_dfe_guidance_examples(upn, temporary):
    assert upn_check_letter(upn[1:]) == upn[0]
    validate_upn(upn)
    assert is_temporary_upn(upn) is temporary


def test_a_wrong_check_letter_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_upn("Z801200001001")
    assert "check letter does not match" in error.value.messages[0]


def test_letters_count_by_their_place_in_the_dfe_alphabet():
    # A temporary UPN ending in "B" (value 1) weighs the same as one ending in 1: the letter's value is its index.
    assert upn_check_letter("88121012001B") == upn_check_letter("881210120011")
    # "J" comes straight after "H" in the alphabet (no I): value 8, the same as the digit 8.
    assert upn_check_letter("88121012001J") == upn_check_letter("881210120018")


@given(bodies)
def test_generated_upns_are_valid(body):
    upn = upn_check_letter(body) + body
    validate_upn(upn)
    assert is_temporary_upn(upn) == body[-1].isalpha()


@given(bodies, st.integers(0, 12), st.sampled_from(DIGITS + UPN_ALPHABET + "IOS"))
def test_any_single_character_change_fails(body, position, replacement):
    upn = upn_check_letter(body) + body
    if upn[position] == replacement:
        return
    changed = upn[:position] + replacement + upn[position + 1 :]
    # The one change the weighting cannot see: the 13th character swapped between a digit and the letter
    # of equal value (e.g. 1 ↔ B). That turns a permanent UPN into a different, temporary one (or back),
    # which is how the DfE scheme works; every same-kind change is caught.
    if position == 12 and changed[12].isdigit() != upn[12].isdigit():
        original_value = int(upn[12]) if upn[12].isdigit() else UPN_ALPHABET.index(upn[12])
        new_value = int(replacement) if replacement.isdigit() else UPN_ALPHABET.find(replacement)
        if original_value == new_value:
            assert is_temporary_upn(changed) != is_temporary_upn(upn)
            return
    with pytest.raises(ValidationError):
        validate_upn(changed)


@pytest.mark.parametrize(
    "value, message",
    [
        ("H80120000100", "A UPN is 13 characters"),
        ("H8012000010011", "This one has 14"),
        ("I801200001001", "starts with its check letter"),
        ("8801200001001", "starts with its check letter"),
        ("H80120A001001", "Characters 2 to 12 of a UPN are digits"),
        ("G80120000101I", "The last character of a UPN is a digit, or a letter"),
        ("A801200001001", "check letter does not match"),
    ],
)
def test_invalid_upns_say_why(value, message):
    with pytest.raises(ValidationError) as error:
        validate_upn(value)
    assert message in error.value.messages[0]


def test_spaces_and_lower_case_are_forgiven():
    assert normalise_upn(" h801 2000 01001 ") == "H801200001001"
    validate_upn(" h801 2000 01001 ")


def test_temporary_upns_are_accepted_and_recognised():
    upn = make_upn("881", "2101", 24, 47, temporary=True)
    validate_upn(upn)
    assert is_temporary_upn(upn)
    assert not is_temporary_upn(make_upn("881", "2101", 24, 47))


# DfE validation rule 1530: characters 2–4 must be a recognised LA number or pseudo-LA code. Each
# check letter below was worked by hand (weights 2–13, sum mod 23, alphabet without I, O, S), so
# only the LA code decides.
@pytest.mark.parametrize(
    "upn, recognised",
    [
        # 2·8 + 4·1 + 5·2 + 10·1 + 13·1 = 53 → 7 → H; 801 is in the range 800–803.
        ("H801200001001", True),
        # 2·9 + 3·9 + 4·9 + 5·2 + 10·1 + 13·1 = 114 → 114 − 92 = 22 → Z; 999 is no LA.
        ("Z999200001001", False),
        # 2·9 + 3·9 + 5·2 + 10·1 + 13·1 = 78 → 78 − 69 = 9 → K; 990 is no LA (a made-up demo number).
        ("K990200001001", False),
        # 4·1 + 5·2 + 10·1 + 13·1 = 37 → 14 → Q; 001 is one of the pseudo-LA codes 001–005.
        ("Q001200001001", True),
        # 2·4 + 3·2 + 5·2 + 10·1 + 13·1 = 47 → 1 → B; 420 (Isles of Scilly) stands alone in the list.
        ("B420200001001", True),
        # 2·8 + 3·9 + 4·7 + 5·2 + 10·1 + 13·1 = 104 → 104 − 92 = 12 → N; the range 865–896 stops at 896.
        ("N897200001001", False),
        # 2·9 + 3·4 + 4·2 + 5·2 + 10·1 + 13·1 = 71 → 71 − 69 = 2 → C; 942, Cumberland since April 2023.
        ("C942200001001", True),
    ],
)
def test_characters_two_to_four_must_be_a_recognised_la_code(upn, recognised):
    assert upn_check_letter(upn[1:]) == upn[0]
    if recognised:
        validate_upn(upn)
    else:
        with pytest.raises(ValidationError) as error:
            validate_upn(upn)
        assert error.value.error_list[0].code == "upn_la_code"
        assert f"{upn[1:4]} is not one the DfE recognises" in error.value.messages[0]


def test_the_la_code_list_names_its_source():
    import tomllib
    from pathlib import Path

    import send_core.upn

    data = tomllib.loads(Path(send_core.upn.__file__).with_name("upn_la_codes.toml").read_text())
    assert "rule 1530" in data["source"]
    # Real LA numbers (Camden 202, Essex 881, Cheshire East 895, Manchester 352, Cumbria 909 and its successors) are in; made-up ones are not.
    assert {"201", "881", "895", "352", "909", "942", "943"} <= recognised_la_codes()
    assert not {"000", "006", "200", "214", "990", "991", "999"} & recognised_la_codes()


# --- Only ASCII letters and digits; full-width forms folded ------------------------------------

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)
ONLY_ASCII = "A UPN uses only the letters A to Z and the digits 0 to 9"
# The DfE guidance example above, H801200001001, keeps its check letter; LA 881 makes it recognised:
# 2·8 + 3·8 + 4·1 + 5·2 + 10·1 + 13·1 = 77; 77 mod 23 = 8 → "J".
GOOD_UPN = "J881200001001"


def test_the_hand_computed_upn_is_valid():
    validate_upn(GOOD_UPN)


@pytest.mark.parametrize("digits", [ARABIC_INDIC, DEVANAGARI], ids=["arabic-indic", "devanagari"])
def test_other_scripts_digits_are_refused_with_a_reason(digits):
    with pytest.raises(ValidationError) as refused:
        validate_upn(GOOD_UPN[0] + GOOD_UPN[1:].translate(digits))
    assert refused.value.code == "upn_characters"
    assert ONLY_ASCII in refused.value.messages[0]


def test_full_width_upn_is_folded_to_ascii():
    full_width = GOOD_UPN.translate(FULL_WIDTH)
    assert full_width != GOOD_UPN
    assert normalise_upn(f" {full_width[:5]}　{full_width[5:]} ") == GOOD_UPN
    validate_upn(full_width)
    assert normalise_upn("j881 2000 01001") == GOOD_UPN
    # Superscript digits once raised ValueError (str.isdigit() is true, int() refuses); NFKC folds them.
    assert normalise_upn(GOOD_UPN[0] + GOOD_UPN[1:].translate(SUPERSCRIPT)) == GOOD_UPN


def _body(upn):
    return {
        "upn": upn,
        "legal_first_name": "Noor",
        "last_name": "Haddad",
        "date_of_birth": "2017-03-04",
        "sex": "F",
        "nc_year": "3",
    }


def _signed_in(user, organisation):
    from django.db import connection
    from django.test import Client

    connection.set_schema_to_public()
    client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
    client.force_login(user)
    return client


def test_the_pupil_form_refuses_arabic_indic_digits_and_adds_nobody(staff, school_a, school_b, in_schema):
    from send_core.models import Pupil
    from tests.send_core.drawn_forms import drawn_form

    client = _signed_in(staff("school_admin"), school_a)
    form = {**drawn_form(client, "/pupils/new/"), **_body(GOOD_UPN[0] + GOOD_UPN[1:].translate(ARABIC_INDIC))}
    response = client.post("/pupils/new/", form)
    assert response.status_code == 400
    assert ONLY_ASCII in response.content.decode()
    for school in (school_a, school_b):
        with in_schema(school):
            assert not Pupil.objects.exists()


def test_the_api_refuses_devanagari_and_arabic_indic_digits_with_a_400(staff, school_a, school_b, in_schema):
    from send_core.models import Pupil

    client = _signed_in(staff("senco"), school_a)
    for digits in (DEVANAGARI, ARABIC_INDIC):
        refused = client.post(
            "/api/v1/pupils/", _body(GOOD_UPN[0] + GOOD_UPN[1:].translate(digits)), content_type="application/json"
        )
        assert refused.status_code == 400
        assert ONLY_ASCII in str(refused.json()["upn"])
    for school in (school_a, school_b):
        with in_schema(school):
            assert not Pupil.objects.exists()


def test_a_full_width_upn_through_the_api_is_the_same_pupil(staff, school_a, school_b, in_schema):
    from send_core.models import Pupil

    client = _signed_in(staff("senco"), school_a)
    created = client.post("/api/v1/pupils/", _body(GOOD_UPN.translate(FULL_WIDTH)), content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["upn"] == GOOD_UPN
    again = client.post("/api/v1/pupils/", _body(GOOD_UPN), content_type="application/json")
    assert again.status_code == 400
    with in_schema(school_a):
        assert list(Pupil.objects.values_list("upn", flat=True)) == [GOOD_UPN]
    with in_schema(school_b):
        assert not Pupil.objects.exists()
