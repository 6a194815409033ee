"""The census SEN extract: N/K/E and ranked needs on the census date, and every rule breach named by pupil and rule."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from integrations.census.extract import RULES, extract_csv, sen_extract, validation_csv
from send_core.audit.models import AuditEvent
from tests.send_core.factories import PupilFactory, PupilNeedFactory, RegisterEntryFactory

CENSUS_DAY = datetime.date(2026, 1, 15)


def pupil(first: str, *, code: str | None = None, needs=(), **fields):
    made = PupilFactory(legal_first_name=first, last_name="Census", **fields)
    if code:
        RegisterEntryFactory(pupil=made, census_code=code, started_on=datetime.date(2025, 9, 1))
    for rank, need_type, started, ended in needs:
        PupilNeedFactory(pupil=made, rank=rank, need_type=need_type, started_on=started, ended_on=ended)
    return made


SEPT = datetime.date(2025, 9, 1)


@pytest.fixture
def census_scene(in_a):
    return {
        "ava": pupil("Ava", code="K", needs=[("primary", "SPLD", SEPT, None), ("secondary", "SLCN", SEPT, None)]),
        "ben": pupil("Ben", code="E", needs=[("primary", "ASD", SEPT, None)]),
        "cal": pupil("Cal"),  # no stage: N
        "dee": pupil("Dee", code="K"),  # K with no type of need
        "eli": pupil("Eli", code="E", needs=[("primary", "NSA", SEPT, None)]),  # NSA with an EHC plan
        # Two primaries on the census date: one ended after it, one started before it.
        "fin": pupil(
            "Fin",
            code="K",
            needs=[
                ("primary", "MLD", SEPT, datetime.date(2026, 2, 1)),
                ("primary", "SEMH", datetime.date(2026, 1, 5), None),
                ("secondary", "SLCN", SEPT, None),
            ],
        ),
        "gus": pupil("Gus", code="K", needs=[("secondary", "HI", SEPT, None)]),  # no primary
        "hal": pupil("Hal", code="N", needs=[("primary", "NSA", SEPT, None)]),  # NSA without K
        "ivy": pupil("Ivy", leaving_date=datetime.date(2025, 12, 19), code="K"),  # left before the census
        "jo": pupil("Jo", admission_date=datetime.date(2026, 2, 2), code="K"),  # not yet admitted
    }


def test_each_pupil_on_roll_has_their_provision_and_ranked_needs(census_scene):
    extract = sen_extract(CENSUS_DAY)
    rows = {row.forename: row for row in extract.pupils}
    assert set(rows) == {"Ava", "Ben", "Cal", "Dee", "Eli", "Fin", "Gus", "Hal"}
    assert (rows["Ava"].sen_provision, rows["Ava"].need_types) == ("K", [("primary", "SPLD"), ("secondary", "SLCN")])
    assert (rows["Ben"].sen_provision, rows["Ben"].need_types) == ("E", [("primary", "ASD")])
    assert (rows["Cal"].sen_provision, rows["Cal"].need_types) == ("N", [])
    assert rows["Hal"].need_types == []  # types are reported only for K and E
    exported = list(csv.DictReader(io.StringIO(extract_csv(extract))))
    ava = next(r for r in exported if r["Forename"] == "Ava")
    assert (ava["SENprovision"], ava["SENtype1"], ava["SENtype2"], ava["UPN"]) == (
        "K",
        "SPLD",
        "SLCN",
        census_scene["ava"].upn,
    )


def test_every_breach_names_the_pupil_and_the_rule(census_scene):
    extract = sen_extract(CENSUS_DAY)
    found = {(b.name, b.rule) for b in extract.breaches}
    assert found == {
        ("Dee Census", "type_required"),
        ("Eli Census", "nsa_only_with_k"),
        ("Fin Census", "one_primary"),
        ("Fin Census", "at_most_two"),
        ("Gus Census", "one_primary"),
        ("Hal Census", "nsa_only_with_k"),
    }
    assert not extract.is_valid
    report = list(csv.DictReader(io.StringIO(validation_csv(extract))))
    assert len(report) == 6
    dee = next(r for r in report if r["Pupil"] == "Dee Census")
    assert dee["UPN"] == census_scene["dee"].upn and dee["What is wrong"] == RULES["type_required"]
    # On a date before Fin's second primary started, his record meets the rules.
    earlier = {(b.name, b.rule) for b in sen_extract(datetime.date(2025, 12, 1)).breaches}
    assert ("Fin Census", "one_primary") not in earlier and ("Fin Census", "at_most_two") not in earlier


def test_a_clean_school_has_no_breaches(in_a, in_b):
    pupil("Kit", code="K", needs=[("primary", "NSA", SEPT, None)])
    assert sen_extract(CENSUS_DAY).is_valid
    with in_b():
        assert sen_extract(CENSUS_DAY).pupils == []  # school A's pupils are not in school B's extract


def test_the_page_is_the_sencos_and_downloads_are_audited(school):
    from django.db import connection

    connection.set_tenant(school.organisation)
    try:
        pupil("Dee", code="K")
    finally:
        connection.set_schema_to_public()
    page = school.client("senco").get("/census/?on=2026-01-15")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Dee Census" in body and RULES["type_required"] in body
    report = school.client("senco").get("/census/?on=2026-01-15&download=report")
    assert report["Content-Type"].startswith("text/csv") and "Dee Census" in report.content.decode()
    assert school.client("senco").get("/census/?on=15-01-2026").status_code == 400
    for role in ("teacher", "business_manager", "governor", "school_admin"):
        assert school.client(role).get("/census/").status_code == 403, role
    connection.set_tenant(school.organisation)
    try:
        assert AuditEvent.objects.filter(object_type="census SEN extract", action="export").count() == 1
    finally:
        connection.set_schema_to_public()


def test_names_that_look_like_formulas_are_written_as_text(in_a):
    pupil('=HYPERLINK("http://x")', code="K")
    PupilFactory(legal_first_name="@Sam", last_name="-Lee")
    extract = sen_extract(CENSUS_DAY)
    exported = list(csv.DictReader(io.StringIO(extract_csv(extract))))
    assert {r["Forename"] for r in exported} == {'\'=HYPERLINK("http://x")', "'@Sam"}
    assert "'-Lee" in {r["Surname"] for r in exported}
    report = list(csv.DictReader(io.StringIO(validation_csv(extract))))
    assert report[0]["Pupil"] == '\'=HYPERLINK("http://x") Census'
