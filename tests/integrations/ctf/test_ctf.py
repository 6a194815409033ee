"""Common Transfer Files: export, lossless re-import elsewhere, refusal with line numbers, robustness."""

from __future__ import annotations

import datetime

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from send_platform.audit.models import AuditEvent

from integrations.ctf.ctf import CTFRefused, export_ctf, import_ctf, parse_ctf
from send_core.models import Pupil, PupilNeed, RegisterEntry
from send_core.upn import make_upn
from tests.send_core.factories import PupilFactory
from tests.send_core.transition.conftest import make_year6_pupil


def _export(transition, in_schema, pupils=None, destination=None):
    with in_schema(transition.primary):
        chosen = pupils or [Pupil.objects.get(pk=transition.pupil.pk)]
        return export_ctf(chosen, source=transition.primary, destination=destination or transition.secondary)


def test_the_header_and_pupil_carry_what_the_ctf_needs(transition, in_schema):
    root = fromstring(_export(transition, in_schema))
    assert root.tag == "CTfile"
    header = root.find("Header")
    assert header.findtext("DocumentName") == "Common Transfer File"
    assert header.findtext("CTFversion")
    datetime.datetime.fromisoformat(header.findtext("DateTime"))
    assert header.findtext("DocumentQualifier") == "partial"
    assert (header.findtext("SourceSchool/LEA"), header.findtext("SourceSchool/Estab")) == ("991", "2101")
    assert (header.findtext("DestSchool/LEA"), header.findtext("DestSchool/Estab")) == ("991", "4101")
    pupil = root.find("CTFpupilData/Pupil")
    assert pupil.findtext("UPN") == transition.pupil.upn
    assert pupil.findtext("Surname") == "Nowak"
    assert [sen.findtext("SENprovision") for sen in pupil.findall("SENhistory/SEN")] == ["N", "K"]
    needs = [(n.findtext("SENtype"), n.findtext("SENtypeRank")) for n in pupil.findall("SENhistory/SENneeds/SENneed")]
    assert needs == [("SPLD", "1"), ("SLCN", "2")]


def _snapshot(upn):
    pupil = Pupil.objects.get(upn=upn)
    return {
        "core": (
            pupil.upn,
            pupil.legal_first_name,
            pupil.preferred_name,
            pupil.last_name,
            pupil.date_of_birth,
            pupil.sex,
            pupil.nc_year,
            pupil.medical_needs,
        ),
        "history": [
            (e.started_on, e.ended_on, e.census_code)
            for e in RegisterEntry.objects.filter(pupil=pupil).order_by("started_on")
        ],
        "needs": sorted(
            (n.need_type, n.rank)
            for n in PupilNeed.objects.filter(pupil=pupil, ended_on__isnull=True, rank__in=["primary", "secondary"])
        ),
    }


def test_a_ctf_exported_by_cairn_reimports_into_another_school_losslessly(transition, in_schema):
    with in_schema(transition.primary):
        Pupil.objects.filter(pk=transition.pupil.pk).update(preferred_name="Tom", medical_needs=True)
        second = make_year6_pupil(destination=transition.secondary)
        pupils = list(Pupil.objects.filter(pk__in=[transition.pupil.pk, second.pk]))
        before = {p.upn: _snapshot(p.upn) for p in pupils}
    data = _export(transition, in_schema, pupils)
    with in_schema(transition.secondary):
        report = import_ctf(data, imported_by=transition.senco_high)
        assert report.ok, report.refused
        assert len(report.created) == 2 and not report.updated
        after = {upn: _snapshot(upn) for upn in before}
        assert AuditEvent.objects.filter(pupil_id=Pupil.objects.get(upn=second.upn).pk, action="create").exists()
        # Exported again from here, it is the same file apart from the header.
        again = export_ctf(list(Pupil.objects.filter(upn__in=before)), source=transition.secondary)
    assert after == before
    original, reexported = fromstring(data), fromstring(again)
    assert sorted(p.findtext("UPN") for p in original.iter("Pupil")) == sorted(
        p.findtext("UPN") for p in reexported.iter("Pupil")
    )
    # Importing the same file again changes nothing and adds nobody.
    with in_schema(transition.secondary):
        repeat = import_ctf(data, imported_by=transition.senco_high)
        assert repeat.ok and not repeat.created and len(repeat.unchanged) == 2
        assert Pupil.objects.filter(upn__in=before).count() == 2
    # The pupils went to Cedar High only.
    with in_schema(transition.other):
        assert not Pupil.objects.filter(upn__in=before).exists()


def test_a_pupil_already_on_roll_is_updated_not_duplicated(transition, in_schema):
    data = _export(transition, in_schema)
    with in_schema(transition.secondary):
        PupilFactory(
            upn=transition.pupil.upn,
            legal_first_name="Tomasz",
            last_name="Nowak",
            nc_year="7",
            date_of_birth=transition.pupil.date_of_birth,
        )
        report = import_ctf(data, imported_by=transition.senco_high)
        assert report.ok and len(report.updated) == 1 and not report.created
        assert Pupil.objects.filter(upn=transition.pupil.upn).count() == 1
        assert Pupil.objects.get(upn=transition.pupil.upn).legal_first_name == "Tomas"


VALID_UPN = make_upn("881", "2101", 15, 1)
GOOD = """<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>25.0</CTFversion>
    <DateTime>2026-07-01T10:00:00</DateTime>
    <DocumentQualifier>partial</DocumentQualifier>
    <SourceSchool><LEA>991</LEA><Estab>2101</Estab></SourceSchool>
    <DestSchool><LEA>991</LEA><Estab>4101</Estab></DestSchool>
  </Header>
  <CTFpupilData>
    <Pupil>
      <UPN>{upn}</UPN>
      <Surname>Khan</Surname>
      <Forename>Ayaan</Forename>
      <DOB>2015-04-02</DOB>
      <Sex>M</Sex>
      <BasicDetails><NCyearActual>6</NCyearActual></BasicDetails>
      <SENhistory>
        <SEN><StartDate>2023-09-04</StartDate><SENprovision>{provision}</SENprovision></SEN>
        <SENneeds><SENneed><SENtype>{need}</SENtype><SENtypeRank>1</SENtypeRank></SENneed></SENneeds>
      </SENhistory>
    </Pupil>
  </CTFpupilData>
</CTfile>
"""


def ctf(upn=VALID_UPN, provision="K", need="ASD") -> str:
    return GOOD.replace("{upn}", upn).replace("{provision}", provision).replace("{need}", need)


def test_a_well_formed_ctf_from_another_system_imports(transition, in_schema):
    with in_schema(transition.secondary):
        report = import_ctf(ctf(), imported_by=transition.senco_high)
        assert report.ok and report.created == [f"{VALID_UPN} (Ayaan Khan)"]
        pupil = Pupil.objects.get(upn=VALID_UPN)
        assert RegisterEntry.objects.get(pupil=pupil).census_code == "K"
        assert PupilNeed.objects.get(pupil=pupil).need_type == "ASD"


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        ("<CTfile><Header></CTfile>", 1, "not well-formed"),
        ("<?xml version='1.0'?>\n<NotACTF/>", 2, "root element must be CTfile"),
        (ctf(upn="A12345"), 13, "not a valid UPN"),
        (ctf(provision="Q"), 20, "SENprovision “Q” is not a known code"),
        (ctf(need="XYZ"), 21, "SENtype “XYZ” is not a known type"),
        (ctf().replace("2015-04-02", "2015-13-45"), 16, "DOB “2015-13-45” is not a date"),
        (ctf().replace("<Sex>M</Sex>", "<Sex>Q</Sex>"), 17, "Sex “Q”"),
        (ctf().replace("Common Transfer File", "Something Else"), 4, "DocumentName must be"),
    ],
)
def test_a_malformed_ctf_is_refused_with_its_line_and_nothing_written(transition, in_schema, data, line, words):
    with in_schema(transition.secondary):
        before = Pupil.objects.count(), RegisterEntry.objects.count()
        report = import_ctf(data, imported_by=transition.senco_high)
        assert not report.ok and not report.created
        assert any(p.line == line and words in p.message for p in report.refused), report.refused
        assert (Pupil.objects.count(), RegisterEntry.objects.count()) == before


def test_one_bad_pupil_refuses_the_whole_file(transition, in_schema):
    good = ctf()
    bad_pupil = good[good.index("<Pupil>") : good.index("</Pupil>") + len("</Pupil>")].replace(VALID_UPN, "BAD")
    data = good.replace("</CTFpupilData>", bad_pupil + "\n</CTFpupilData>")
    with in_schema(transition.secondary):
        report = import_ctf(data, imported_by=transition.senco_high)
        assert not report.ok and not Pupil.objects.filter(upn=VALID_UPN).exists()
        assert [p.line for p in report.refused] == [25]


def test_entities_and_dtds_are_refused_before_anything_expands(transition, in_schema):
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE CTfile [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<CTfile><Header><DocumentName>&b;</DocumentName></Header></CTfile>"
    )
    external = '<?xml version="1.0"?>\n<!DOCTYPE CTfile SYSTEM "file:///etc/passwd">\n<CTfile/>'
    for data in (bomb, external):
        with pytest.raises(CTFRefused) as refused:
            parse_ctf(data)
        assert "DTD or entities" in refused.value.problems[0].message


def test_a_file_for_another_school_is_refused(transition, in_schema):
    with in_schema(transition.other):
        report = import_ctf(ctf(), imported_by=transition.senco_b)
        assert not report.ok and "addressed to 991/4101" in report.refused[0].message


def test_a_upn_held_by_another_child_refuses_the_file_and_writes_nothing(transition, in_schema):
    with in_schema(transition.secondary):
        other = PupilFactory(upn=VALID_UPN, last_name="Begum", date_of_birth=datetime.date(2014, 1, 9))
        events = AuditEvent.objects.count()
        report = import_ctf(ctf(), imported_by=transition.senco_high)
        assert not report.ok and not report.created and not report.updated
        assert report.refused[0].line == 12
        assert "date of birth and surname do not match" in report.refused[0].message
        other.refresh_from_db()
        assert (other.legal_first_name, other.last_name) != ("Ayaan", "Khan")
        assert not RegisterEntry.objects.filter(pupil=other).exists()
        assert not PupilNeed.objects.filter(pupil=other).exists()
        assert AuditEvent.objects.count() == events


def test_what_the_file_does_not_carry_is_kept_and_the_update_audited_with_its_fields(transition, in_schema):
    with in_schema(transition.secondary):
        pupil = PupilFactory(
            upn=VALID_UPN,
            legal_first_name="Ayan",
            preferred_name="AJ",
            last_name="KHAN ",
            date_of_birth=datetime.date(2015, 4, 2),
            sex="M",
            nc_year="6",
            medical_needs=True,
        )
        report = import_ctf(ctf(), imported_by=transition.senco_high)
        assert report.ok and report.updated == [f"{VALID_UPN} (Ayaan Khan)"]
        pupil.refresh_from_db()
        assert (pupil.legal_first_name, pupil.preferred_name, pupil.medical_needs) == ("Ayaan", "AJ", True)
        event = AuditEvent.objects.get(pupil_id=pupil.pk, summary__contains="Common Transfer File")
        assert event.action == "update"
        assert event.detail["fields"] == ["last_name", "legal_first_name"]
        assert event.detail["added"] == ["register history", "needs"]
        # A file that does say there is no medical need is believed.
        said = ctf().replace(
            "<NCyearActual>6</NCyearActual>", "<NCyearActual>6</NCyearActual><MedicalFlag>false</MedicalFlag>"
        )
        assert import_ctf(said, imported_by=transition.senco_high).ok
        pupil.refresh_from_db()
        assert pupil.medical_needs is False and pupil.preferred_name == "AJ"
    with in_schema(transition.other):
        assert not Pupil.objects.filter(upn=VALID_UPN).exists()


def test_a_new_pupil_is_added_through_the_roll_with_a_temporary_upn_kept(transition, in_schema):
    temporary = make_upn("881", "2101", 15, 7, temporary=True)
    with in_schema(transition.secondary):
        report = import_ctf(ctf(upn=temporary), imported_by=transition.senco_high)
        assert report.ok, report.refused
        pupil = Pupil.objects.get(upn=temporary)
        assert pupil.upn_is_temporary
        assert AuditEvent.objects.filter(pupil_id=pupil.pk, action="create").count() == 1
        leaver = Pupil.objects.filter(pk=pupil.pk)
        leaver.update(leaving_date=datetime.date(2025, 7, 20))
        assert import_ctf(ctf(upn=temporary), imported_by=transition.senco_high).ok
        assert leaver.get().leaving_date is None


def test_only_the_senco_or_head_imports(transition, in_schema):
    from django.core.exceptions import PermissionDenied

    with in_schema(transition.secondary), pytest.raises(PermissionDenied):
        import_ctf(ctf(), imported_by=transition.teacher_high)


TAGS = st.sampled_from(
    [
        "CTfile",
        "Header",
        "DocumentName",
        "CTFpupilData",
        "Pupil",
        "UPN",
        "DOB",
        "SENhistory",
        "SEN",
        "SENneeds",
        "SENneed",
        "SENtype",
        "SENtypeRank",
        "BasicDetails",
        "NCyearActual",
        "Sex",
        "x",
    ]
)


@st.composite
def xml_trees(draw, depth=0):
    tag = draw(TAGS)
    text = draw(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<&"), max_size=15))
    children = draw(st.lists(xml_trees(depth=depth + 1), max_size=3)) if depth < 4 else []
    return f"<{tag}>{text.replace(']]>', '')}{''.join(children)}</{tag}>"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300),
        xml_trees(),
        xml_trees().map(lambda t: ctf().replace("<Sex>M</Sex>", t)),
    )
)
def test_generated_files_never_crash_the_importer(transition, in_schema, data):
    with in_schema(transition.secondary):
        report = import_ctf(data, imported_by=transition.senco_high)
        assert report.ok or report.refused
        assert all(isinstance(p.line, int) and p.message for p in report.refused)
