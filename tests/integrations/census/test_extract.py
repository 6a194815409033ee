"""The census SEN extract: N/K/E and ranked needs on the census date, and every rule breach named by pupil and rule."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from send_platform.audit.models import AuditEvent

from integrations.census.extract import RULES, extract_csv, sen_extract, validation_csv
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


def ehc_plan(pupil, issued_on, status="final"):
    from send_core.ehc.models import EhcPlan

    return EhcPlan.objects.create(pupil=pupil, status=status, issued_on=issued_on, section_a="About me")


@pytest.fixture
def census_scene(in_a):
    ben = pupil("Ben", code="E", needs=[("primary", "ASD", SEPT, None)])
    ehc_plan(ben, datetime.date(2024, 6, 3))
    return {
        "ava": pupil("Ava", code="K", needs=[("primary", "SPLD", SEPT, None), ("secondary", "SLCN", SEPT, None)]),
        "ben": ben,
        "cal": pupil("Cal"),  # no stage: N
        "dee": pupil("Dee", code="K"),  # K with no type of need
        # NSA at E, and no EHC plan on record.
        "eli": pupil("Eli", code="E", needs=[("primary", "NSA", SEPT, None)]),
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
        ("Eli Census", "e_needs_plan"),
        ("Fin Census", "one_primary"),
        ("Fin Census", "at_most_two"),
        ("Gus Census", "one_primary"),
        ("Hal Census", "nsa_only_with_k"),
    }
    assert not extract.is_valid
    report = list(csv.DictReader(io.StringIO(validation_csv(extract))))
    assert len(report) == 7
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


# DfE school census guide: SEN provision E is for a pupil with an EHC plan, in every census.
def test_a_pupil_at_e_without_an_ehc_plan_on_the_census_date_is_named(in_a, in_b):
    pupil("Nia", code="E", needs=[("primary", "ASD", SEPT, None)])
    late = pupil("Lou", code="E", needs=[("primary", "ASD", SEPT, None)])
    ehc_plan(late, datetime.date(2026, 1, 16))  # issued the day after the spring census
    draft = pupil("Dru", code="E", needs=[("primary", "ASD", SEPT, None)])
    ehc_plan(draft, datetime.date(2025, 11, 3), status="draft")
    kept = pupil("Kai", code="E", needs=[("primary", "ASD", SEPT, None)])
    ehc_plan(kept, datetime.date(2025, 10, 6))
    # Amended since the census: the version in force then was replaced by a final one issued later.
    amended = pupil("Ama", code="E", needs=[("primary", "ASD", SEPT, None)])
    ehc_plan(amended, datetime.date(2024, 5, 1), status="superseded")
    ehc_plan(amended, datetime.date(2026, 2, 9))
    named = {b.name for b in sen_extract(CENSUS_DAY).breaches if b.rule == "e_needs_plan"}
    assert named == {"Nia Census", "Lou Census", "Dru Census"}
    # The summer census, after Lou's plan was issued, names only those still without one.
    summer = {b.name for b in sen_extract(datetime.date(2026, 5, 21)).breaches if b.rule == "e_needs_plan"}
    assert summer == {"Nia Census", "Dru Census"}
    with in_b():
        assert sen_extract(CENSUS_DAY).breaches == []


# DfE school census guide: SEN type is collected in the spring census only, so the "type required"
# rule (and the other type rules) apply to that census.
@pytest.mark.parametrize(
    "census_day, term",
    [(datetime.date(2025, 10, 2), "autumn"), (datetime.date(2026, 1, 15), "spring"), (datetime.date(2026, 5, 21), "summer")],
)
def test_types_of_need_are_collected_and_checked_in_the_spring_census_only(in_a, census_day, term):
    pupil("Dee", code="K")  # K with no type of need
    pupil("Ava", code="K", needs=[("primary", "SPLD", SEPT, None)])
    extract = sen_extract(census_day)
    assert extract.term == term
    rows = {row.forename: row for row in extract.pupils}
    exported = {r["Forename"]: r for r in csv.DictReader(io.StringIO(extract_csv(extract)))}
    if term == "spring":
        assert {(b.name, b.rule) for b in extract.breaches} == {("Dee Census", "type_required")}
        assert rows["Ava"].need_types == [("primary", "SPLD")] and exported["Ava"]["SENtype1"] == "SPLD"
    else:
        assert extract.breaches == []
        assert rows["Ava"].need_types == [] and exported["Ava"]["SENtype1"] == ""
        assert exported["Ava"]["SENprovision"] == "K" and exported["Dee"]["SENprovision"] == "K"
