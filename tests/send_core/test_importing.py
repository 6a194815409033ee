"""Importing pupils from an MIS export: all or nothing, errors by line, re-imports update by UPN."""

import csv
import io
import time

import pytest
from django.core.exceptions import PermissionDenied
from send_platform.audit.models import AuditEvent

from send_core.models import Pupil, SchoolClass
from send_core.services.importing import DEFAULT_MAPPING, ImportProblem, import_pupils, preview_pupil_import
from send_core.upn import make_upn

HEADERS = [
    "UPN",
    "Legal Forename",
    "Preferred Forename",
    "Legal Surname",
    "DOB",
    "Gender",
    "Year",
    "Reg Group",
    "Admission Date",
    "EAL",
    "Pupil Premium",
    "Looked After",
]
YEARS = ["R", "1", "2", "3", "4", "5", "6"]


def _row(n, **overrides):
    year = YEARS[n % len(YEARS)]
    row = {
        "UPN": make_upn("881", "2101", 20 + n // 1000, n % 1000),
        "Legal Forename": f"Child{n}",
        "Preferred Forename": "",
        "Legal Surname": f"Family{n:04d}",
        "DOB": f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2018 - YEARS.index(year)}",
        "Gender": "F" if n % 2 else "M",
        "Year": year if year == "R" else f"Year {year}",
        "Reg Group": f"{year} {'Oak' if n % 2 else 'Ash'}",
        "Admission Date": "04/09/2023",
        "EAL": "Other than English" if n % 5 == 0 else "English",
        "Pupil Premium": "Y" if n % 4 == 0 else "N",
        "Looked After": "N",
    }
    row.update(overrides)
    return row


def _csv(rows, headers=HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # Excel-style, with a byte-order mark


@pytest.fixture
def office(in_a, staff):
    return staff("school_admin")


def test_a_bad_file_is_refused_line_by_line_and_nothing_is_written(office, in_b):
    rows = [_row(1), _row(2, UPN="A801200001001"), _row(3), _row(4, DOB="")]
    # Line 1 is the header: the bad UPN is on line 3, the missing date of birth on line 5.
    result = import_pupils(io.BytesIO(_csv(rows)), DEFAULT_MAPPING, imported_by=office)
    assert not result.ok
    assert result.errors == [
        ImportProblem(
            3, "upn", "This UPN's check letter does not match its digits: check it was copied correctly from the MIS."
        ),
        ImportProblem(5, "date_of_birth", "The date of birth is missing."),
    ]
    assert result.created == result.updated == 0
    assert not Pupil.objects.exists() and not SchoolClass.objects.exists()
    assert not AuditEvent.objects.filter(object_type__in=["pupil", "pupil_import"]).exists()
    with in_b():
        assert not Pupil.objects.exists()


def test_every_kind_of_problem_is_named(office):
    existing_upn = _row(1)["UPN"]
    rows = [
        _row(1),
        _row(2, UPN=existing_upn),
        _row(3, Gender="Unknown"),
        _row(4, Year="Year 15"),
        _row(5, DOB="31/02/2017"),
        _row(6, EAL="Maybe"),
        _row(7, **{"Legal Surname": ""}),
        _row(8, **{"Admission Date": "01/01/2010"}),
    ]
    preview = preview_pupil_import(_csv(rows), previewed_by=office)
    assert [(e.line_number, e.field) for e in preview.errors] == [
        (3, "upn"),
        (4, "sex"),
        (5, "nc_year"),
        (6, "date_of_birth"),
        (7, "eal"),
        (8, "last_name"),
        (9, "admission_date"),
    ]
    assert "also on line 2" in preview.errors[0].message
    assert "must be N1, N2, R or a year from 1 to 14" in preview.errors[2].message


def test_missing_columns_are_reported_before_any_row(office):
    headers = [h for h in HEADERS if h != "DOB"]
    rows = [{k: v for k, v in _row(1).items() if k != "DOB"}]
    result = import_pupils(_csv(rows, headers), imported_by=office)
    assert result.errors == [
        ImportProblem(1, "date_of_birth", "The file has no column called “DOB” (for the date of birth).")
    ]


def test_a_school_can_map_its_own_headers(office):
    mapping = {
        "upn": "Unique Pupil Number",
        "legal_first_name": "First",
        "last_name": "Last",
        "date_of_birth": "Born",
        "sex": "Sex",
        "nc_year": "NC Year",
        "service_child": "Forces",
    }
    text = (
        "Unique Pupil Number,First,Last,Born,Sex,NC Year,Forces\n"
        + f"{make_upn('881', '2101', 22, 5)},Jo,Bloggs,2016-03-04,Female,Y4,Yes\n"
    )
    result = import_pupils(io.StringIO(text), mapping, imported_by=office)
    assert result.ok and result.created == 1
    pupil = Pupil.objects.get()
    assert (pupil.nc_year, pupil.sex, pupil.service_child, pupil.school_class) == ("4", "F", True, None)


def test_six_hundred_rows_import_quickly_and_reimport_updates_without_duplicates(office, in_b):
    rows = [_row(n) for n in range(600)]
    preview = preview_pupil_import(io.BytesIO(_csv(rows)), previewed_by=office)
    assert preview.ok and preview.to_create == 600 and preview.to_update == 0

    started = time.perf_counter()
    result = import_pupils(io.BytesIO(_csv(rows)), DEFAULT_MAPPING, imported_by=office)
    seconds = time.perf_counter() - started
    assert result.ok, result.errors[:3]
    assert (result.created, result.updated) == (600, 0)
    assert seconds < 5, f"600 rows took {seconds:.1f}s"
    assert Pupil.objects.count() == 600
    assert sorted(result.classes_created) == sorted({r["Reg Group"] for r in rows})
    assert SchoolClass.objects.get(name="4 Oak").year_group == "4"
    first = Pupil.objects.get(upn=rows[0]["UPN"])
    assert first.nc_year == "R" and first.eal and first.pupil_premium and first.school_class.name == "R Ash"
    assert AuditEvent.objects.filter(object_type="pupil", action="create").count() == 600
    assert AuditEvent.objects.filter(object_type="pupil_import").get().detail == {
        "created": 600,
        "updated": 0,
        "classes_created": 14,
    }

    # The next export: one pupil changed name and class, one is new; nobody is added twice.
    rows[10] = _row(10, **{"Preferred Forename": "Bea", "Reg Group": "Nurture"})
    rows.append(_row(600))
    preview = preview_pupil_import(io.BytesIO(_csv(rows)), previewed_by=office)
    assert (preview.to_create, preview.to_update) == (1, 600)
    started = time.perf_counter()
    result = import_pupils(io.BytesIO(_csv(rows)), DEFAULT_MAPPING, imported_by=office)
    assert time.perf_counter() - started < 5
    assert (result.created, result.updated, result.unchanged) == (1, 1, 599)
    assert result.classes_created == ["Nurture"]
    assert Pupil.objects.count() == 601
    changed = Pupil.objects.get(upn=rows[10]["UPN"])
    assert changed.preferred_name == "Bea" and changed.school_class.name == "Nurture"
    with in_b():
        assert not Pupil.objects.exists()


def test_import_cost_does_not_grow_with_rows(office, max_queries):
    rows = [_row(n) for n in range(300)]
    with max_queries(12):
        assert import_pupils(io.BytesIO(_csv(rows)), imported_by=office).created == 300


def test_only_office_senco_or_head_import(in_a, staff):
    for role in ("teacher", "teaching_assistant", "governor"):
        with pytest.raises(PermissionDenied):
            import_pupils(io.BytesIO(_csv([_row(1)])), imported_by=staff(role))
        with pytest.raises(PermissionDenied):
            preview_pupil_import(io.BytesIO(_csv([_row(1)])), previewed_by=staff(role))
    assert import_pupils(io.BytesIO(_csv([_row(1)])), imported_by=staff("senco")).created == 1


def test_empty_and_header_only_files(office):
    assert import_pupils(io.BytesIO(b""), imported_by=office).errors == [ImportProblem(1, "", "The file is empty.")]
    assert import_pupils(io.BytesIO(_csv([])), imported_by=office).errors == [
        ImportProblem(1, "", "The file has a header row but no pupils.")
    ]


# --- UPNs in other scripts; Windows-1252 files ---------------------------------------------------


def test_a_upn_in_arabic_indic_digits_is_a_line_problem_not_an_error(office, in_b):
    upn = _row(2)["UPN"]
    arabic = upn[0] + upn[1:].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    result = import_pupils(io.BytesIO(_csv([_row(1), _row(2, UPN=arabic)])), DEFAULT_MAPPING, imported_by=office)
    assert [(e.line_number, e.field) for e in result.errors] == [(3, "upn")]
    assert "only the letters A to Z and the digits 0 to 9" in result.errors[0].message
    assert not Pupil.objects.exists()
    with in_b():
        assert not Pupil.objects.exists()


def test_a_full_width_upn_updates_the_pupil_already_there(office, in_b):
    import_pupils(io.BytesIO(_csv([_row(1)])), DEFAULT_MAPPING, imported_by=office)
    upn = _row(1)["UPN"]
    full_width = upn.translate(
        str.maketrans("0123456789ABCDEFGHJKLMNPQRTUVWXYZ", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＶＷＸＹＺ")
    )
    assert full_width != upn
    rows = [_row(1, UPN=full_width, **{"Legal Surname": "Renamed"})]
    preview = preview_pupil_import(io.BytesIO(_csv(rows)), previewed_by=office)
    assert preview.ok and (preview.to_create, preview.to_update) == (0, 1)
    result = import_pupils(io.BytesIO(_csv(rows)), DEFAULT_MAPPING, imported_by=office)
    assert result.ok and result.created == 0 and result.updated == 1
    assert list(Pupil.objects.values_list("upn", "last_name")) == [(upn, "Renamed")]
    with in_b():
        assert not Pupil.objects.exists()


def _cp1252_file() -> bytes:
    text = (
        "UPN,Prénom légal,Nom,Né le,Sexe,Année\r\n"
        f"{make_upn('881', '2101', 22, 7)},Zoë,Brontë,04/03/2016,F,Year 4\r\n"
    )
    return text.encode("cp1252")


FRENCH_MAPPING = {
    "upn": "UPN",
    "legal_first_name": "Prénom légal",
    "last_name": "Nom",
    "date_of_birth": "Né le",
    "sex": "Sexe",
    "nc_year": "Année",
}


def test_a_windows_1252_file_maps_its_accented_headings_and_says_how_it_was_read(office, in_b):
    data = _cp1252_file()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    preview = preview_pupil_import(data, FRENCH_MAPPING, previewed_by=office)
    assert preview.ok, preview.errors
    assert (preview.encoding, preview.encoding_name) == ("cp1252", "Windows-1252")
    assert preview.rows[0].values["legal_first_name"] == "Zoë"
    result = import_pupils(data, FRENCH_MAPPING, imported_by=office)
    assert result.ok and result.created == 1
    assert Pupil.objects.get().last_name == "Brontë"
    with in_b():
        assert not Pupil.objects.exists()


def test_a_utf8_file_with_a_bom_is_read_as_utf8(office):
    preview = preview_pupil_import(_csv([_row(1, **{"Legal Forename": "Zoë"})]), previewed_by=office)
    assert preview.ok and preview.encoding_name == "UTF-8"
    assert preview.rows[0].values["legal_first_name"] == "Zoë"


def test_the_column_page_offers_windows_1252_headings_and_names_the_encoding(school_a, staff, in_schema):
    from django.db import connection
    from django.test import Client

    connection.set_schema_to_public()
    client = Client(HTTP_HOST=school_a.get_primary_domain().domain)
    client.force_login(staff("school_admin"))
    upload = io.BytesIO(_cp1252_file())
    upload.name = "roll.csv"
    assert client.post("/pupils/import/", {"file": upload}).status_code == 302
    page = client.get("/pupils/import/columns/").content.decode()
    assert "Prénom légal" in page and "\ufffd" not in page
    checked = client.post("/pupils/import/columns/", FRENCH_MAPPING)
    assert checked.status_code == 200, checked.content.decode()[:2000]
    assert "read as Windows-1252" in checked.content.decode()
