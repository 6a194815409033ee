"""What the CTF specification says, held to: file names, NCyearActual X, SEN type ranks, no empty
SENhistory, and a round trip that keeps a final register entry's end and every ranked need."""

from __future__ import annotations

import datetime

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.ctf.ctf import export_ctf, import_ctf, year_group_for_age
from integrations.ctf.exports import ctf_export, ctf_filename
from send_core.models import Pupil, PupilNeed, RegisterEntry, TransferFileSequence
from send_core.upn import make_upn
from tests.send_core.factories import PupilFactory, PupilNeedFactory, RegisterEntryFactory

D = datetime.date
UPN = make_upn("881", "2101", 15, 11)


def ctf(*, nc_year="6", needs=(("ASD", "1"),), upn=UPN, history=(("2023-09-04", "K"),)) -> str:
    """A CTF from another MIS. Lines: NCyearActual is on line 18, the first <SENneed> on 21, the second on 22."""
    sen = "".join(
        f"<SEN><StartDate>{day}</StartDate><SENprovision>{code}</SENprovision></SEN>" for day, code in history
    )
    need_lines = "\n".join(
        f"          <SENneed><SENtype>{kind}</SENtype><SENtypeRank>{rank}</SENtypeRank></SENneed>"
        for kind, rank in needs
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>25.0</CTFversion>
    <DateTime>2026-07-01T10:00:00</DateTime>
    <DocumentQualifier>partial</DocumentQualifier>
    <SourceSchool><LEA>881</LEA><Estab>2101</Estab></SourceSchool>
    <DestSchool><LEA>MMM</LEA><Estab>MMMM</Estab></DestSchool>
  </Header>
  <CTFpupilData>
    <Pupil>
      <UPN>{upn}</UPN>
      <Surname>Khan</Surname>
      <Forename>Ayaan</Forename>
      <DOB>2015-04-02</DOB>
      <Sex>M</Sex>
      <BasicDetails><NCyearActual>{nc_year}</NCyearActual></BasicDetails>
      <SENhistory>{sen}
        <SENneeds>
{need_lines}
        </SENneeds>
      </SENhistory>
    </Pupil>
  </CTFpupilData>
</CTfile>
"""


# --- File names ---------------------------------------------------------------------------------
# CTF specification: LLLEEEE_CTF_LLLEEEE_NNN.xml — source LA and establishment, destination LA and
# establishment (MMMMMMM when not known), three-digit sequence number.


def test_file_names_follow_the_specification_with_a_sequence_per_destination(transition, in_schema):
    # Ashgrove is LA 991, establishment 2101; Cedar High is 991/4101.
    with in_schema(transition.primary):
        assert ctf_filename(transition.primary, transition.secondary) == "9912101_CTF_9914101_001.xml"
        assert ctf_filename(transition.primary, transition.secondary) == "9912101_CTF_9914101_002.xml"
        assert ctf_filename(transition.primary, None) == "9912101_CTF_MMMMMMM_001.xml"
        # After 999 the three digits start again at 001.
        TransferFileSequence.objects.filter(destination="MMMMMMM").update(last_number=999)
        assert ctf_filename(transition.primary, None) == "9912101_CTF_MMMMMMM_001.xml"
        export = ctf_export(
            school=transition.primary,
            user=transition.senco_a,
            roles=frozenset({"senco"}),
            pupil_ids=[transition.pupil.pk],
        )
        assert export.filename == "9912101_CTF_9914101_003.xml"
    # Each school counts its own files.
    with in_schema(transition.other):
        assert not TransferFileSequence.objects.exists()


# --- NCyearActual X ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "born, on, year",
    [
        # Age on 31 August 2025 is 10 (born April 2015): Year 6 in 2025–26.
        (D(2015, 4, 2), D(2026, 7, 1), "6"),
        # Born 1 September 2015: 9 on 31 August 2025, so Year 5.
        (D(2015, 9, 1), D(2026, 7, 1), "5"),
        # Born 31 August 2021: 4 on 31 August 2025, so Reception in September 2025.
        (D(2021, 8, 31), D(2025, 9, 10), "R"),
        # A day younger: 3 on 31 August 2025, so the second nursery year.
        (D(2021, 9, 1), D(2025, 9, 10), "N2"),
        # 18 on 31 August 2025: beyond Year 14, which is the last year group.
        (D(2007, 5, 5), D(2026, 1, 15), "14"),
    ],
)
def test_the_year_group_of_a_childs_age(born, on, year):
    assert year_group_for_age(born, on) == year


def test_ncyearactual_x_is_accepted_and_goes_back_out_as_x(transition, in_schema):
    today = datetime.date.today()
    school_year = today.year if today.month >= 9 else today.year - 1
    with in_schema(transition.secondary):
        # A pupil already here keeps their year group and is marked as not following the curriculum.
        known = PupilFactory(
            upn=UPN, legal_first_name="Ayaan", last_name="Khan", nc_year="7", date_of_birth=D(2015, 4, 2)
        )
        report = import_ctf(ctf(nc_year="X"), imported_by=transition.senco_high)
        assert report.ok, report.refused
        known.refresh_from_db()
        assert (known.nc_year, known.nc_not_followed) == ("7", True)
        out = fromstring(export_ctf([known], source=transition.secondary))
        assert out.findtext("CTFpupilData/Pupil/BasicDetails/NCyearActual") == "X"
        # A new pupil is placed in the year of their age: 11 on the last 31 August is Year 7.
        upn = make_upn("881", "2101", 15, 12)
        data = ctf(nc_year="X", upn=upn).replace("2015-04-02", D(school_year - 11, 1, 15).isoformat())
        assert import_ctf(data, imported_by=transition.senco_high).ok
        new = Pupil.objects.get(upn=upn)
        assert (new.nc_year, new.nc_not_followed) == ("7", True)
        # A later file with a year group says the curriculum is followed again.
        assert import_ctf(ctf(nc_year="8"), imported_by=transition.senco_high).ok
        known.refresh_from_db()
        assert (known.nc_year, known.nc_not_followed) == ("8", False)
    with in_schema(transition.other):
        assert not Pupil.objects.filter(upn__in=[UPN, upn]).exists()


# --- SEN type ranks --------------------------------------------------------------------------------


def test_ranks_after_2_are_accepted_as_further_needs(transition, in_schema):
    needs = (("ASD", "1"), ("SLCN", "2"), ("SEMH", "3"), ("PD", "4"))
    with in_schema(transition.secondary):
        report = import_ctf(ctf(needs=needs), imported_by=transition.senco_high)
        assert report.ok, report.refused
        pupil = Pupil.objects.get(upn=UPN)
        held = {n.need_type: n.rank for n in PupilNeed.objects.filter(pupil=pupil)}
        assert held == {"ASD": "primary", "SLCN": "secondary", "SEMH": "other", "PD": "other"}
    with in_schema(transition.other):
        assert not PupilNeed.objects.exists()


@pytest.mark.parametrize(
    "needs, line, words",
    [
        ((("ASD", "1"), ("SLCN", "0")), 22, "SENtypeRank “0” must be a whole number from 1"),
        ((("ASD", "1"), ("SLCN", "1.5")), 22, "SENtypeRank “1.5”"),
        ((("ASD", "1"), ("SLCN", "-2")), 22, "SENtypeRank “-2”"),
        ((("ASD", "1"), ("SLCN", "02")), 22, "SENtypeRank “02”"),
        ((("ASD", "1"), ("SLCN", "1")), 22, "Two needs have SENtypeRank 1"),
        ((("ASD", "2"), ("SLCN", "3")), 12, "without a primary need"),
    ],
)
def test_what_the_specification_forbids_is_refused_naming_the_line(transition, in_schema, needs, line, words):
    with in_schema(transition.secondary):
        report = import_ctf(ctf(needs=needs), imported_by=transition.senco_high)
        assert not report.ok
        assert any(p.line == line and words in p.message for p in report.refused), report.refused
        assert not Pupil.objects.filter(upn=UPN).exists()


ALLOWED_YEARS = ["N1", "N2", "R", *map(str, range(1, 15)), "X"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    year=st.one_of(st.sampled_from(ALLOWED_YEARS), st.text("0123456789NRXY-", min_size=1, max_size=3)),
    rank=st.one_of(st.integers(1, 99).map(str), st.text("0123456789.-+ ", min_size=1, max_size=3)),
)
def test_the_importer_refuses_only_what_the_specification_forbids(transition, in_schema, year, rank):
    data = ctf(nc_year=year, needs=(("ASD", "1"), ("SLCN", rank)))
    with in_schema(transition.secondary):
        report = import_ctf(data, imported_by=transition.senco_high)
        year_ok = year.strip() in ALLOWED_YEARS
        rank_ok = rank.strip().isdigit() and str(int(rank.strip())) == rank.strip() and 2 <= int(rank.strip()) <= 99
        assert report.ok == (year_ok and rank_ok), (year, rank, report.refused)
        lines = {p.line for p in report.refused}
        if not year_ok:
            assert 18 in lines  # the NCyearActual line
        if not rank_ok:
            assert 22 in lines  # the second SENneed's line
        PupilNeed.objects.all().delete()
        RegisterEntry.objects.all().delete()
        Pupil.objects.all().delete()


# --- SENhistory and the round trip --------------------------------------------------------------


def test_a_pupil_with_no_sen_entries_gets_no_sen_history(transition, in_schema):
    with in_schema(transition.primary):
        plain = PupilFactory()
        pupil = fromstring(export_ctf([plain], source=transition.primary)).find("CTFpupilData/Pupil")
        assert pupil.find("SENhistory") is None
        # Once they have a need, the history carries it.
        PupilNeedFactory(pupil=plain, need_type="MLD")
        pupil = fromstring(export_ctf([plain], source=transition.primary)).find("CTFpupilData/Pupil")
        assert [n.findtext("SENtype") for n in pupil.findall("SENhistory/SENneeds/SENneed")] == ["MLD"]


def test_a_round_trip_keeps_a_final_entrys_end_and_every_ranked_need(transition, in_schema):
    with in_schema(transition.primary):
        pupil = PupilFactory(upn=UPN, last_name="Khan", date_of_birth=D(2015, 4, 2), nc_year="6")
        RegisterEntryFactory(pupil=pupil, census_code="N", started_on=D(2022, 1, 10), ended_on=D(2022, 9, 5))
        RegisterEntryFactory(pupil=pupil, census_code="K", started_on=D(2022, 9, 5), ended_on=D(2025, 7, 18))
        for rank, kind, started in (
            ("primary", "SPLD", D(2022, 9, 5)),
            ("secondary", "SLCN", D(2022, 9, 5)),
            ("other", "SEMH", D(2023, 1, 9)),
            ("other", "PD", D(2023, 5, 2)),
        ):
            PupilNeedFactory(pupil=pupil, rank=rank, need_type=kind, started_on=started)
        data = export_ctf([pupil], source=transition.primary, destination=transition.secondary)
    sent = fromstring(data).find("CTFpupilData/Pupil/SENhistory")
    # The K entry ended on 18 July 2025 with nothing after it: an N entry from that day says so.
    assert [(s.findtext("StartDate"), s.findtext("SENprovision")) for s in sent.findall("SEN")] == [
        ("2022-01-10", "N"),
        ("2022-09-05", "K"),
        ("2025-07-18", "N"),
    ]
    assert [(n.findtext("SENtype"), n.findtext("SENtypeRank")) for n in sent.findall("SENneeds/SENneed")] == [
        ("SPLD", "1"),
        ("SLCN", "2"),
        ("SEMH", "3"),
        ("PD", "4"),
    ]
    with in_schema(transition.secondary):
        assert import_ctf(data, imported_by=transition.senco_high).ok
        here = Pupil.objects.get(upn=UPN)
        history = [(e.census_code, e.started_on, e.ended_on) for e in RegisterEntry.objects.filter(pupil=here)]
        assert history[:2] == [("N", D(2022, 1, 10), D(2022, 9, 5)), ("K", D(2022, 9, 5), D(2025, 7, 18))]
        # From the day SEN Support ended the pupil is N (monitoring), as they were at the first school.
        assert history[2][:2] == ("N", D(2025, 7, 18))
        held = sorted((n.need_type, n.rank) for n in PupilNeed.objects.filter(pupil=here))
        assert held == [("PD", "other"), ("SEMH", "other"), ("SLCN", "secondary"), ("SPLD", "primary")]
    with in_schema(transition.other):
        assert not Pupil.objects.filter(upn=UPN).exists()


def test_monitoring_that_ended_comes_back_ended(transition, in_schema):
    with in_schema(transition.primary):
        pupil = PupilFactory(upn=UPN, last_name="Khan", date_of_birth=D(2015, 4, 2))
        RegisterEntryFactory(pupil=pupil, census_code="N", started_on=D(2024, 1, 8), ended_on=D(2024, 7, 19))
        data = export_ctf([pupil], source=transition.primary)
    with in_schema(transition.secondary):
        assert import_ctf(data, imported_by=transition.senco_high).ok
        entries = RegisterEntry.objects.filter(pupil__upn=UPN)
        assert [(e.census_code, e.started_on, e.ended_on) for e in entries] == [("N", D(2024, 1, 8), D(2024, 7, 19))]


def test_a_upn_with_an_la_code_the_dfe_does_not_recognise_is_refused_saying_so(transition, in_schema):
    # 2·9 + 3·9 + 4·9 + 5·2 + 10·1 + 13·1 = 114; 114 mod 23 = 22 → Z: the check letter is right, LA 999 is not.
    with in_schema(transition.secondary):
        report = import_ctf(ctf(upn="Z999200001001"), imported_by=transition.senco_high)
        assert not report.ok
        assert report.refused[0].line == 13
        assert "999 is not one the DfE recognises" in report.refused[0].message
        assert not Pupil.objects.exists()
