"""Importing pupils from the MIS: upload, choose columns, check every row, then import all or nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from send_core.models import Pupil
from send_core.services.importing import DEFAULT_MAPPING
from send_core.upn import make_upn

HEADER = "UPN,Legal Forename,Preferred Forename,Legal Surname,DOB,Gender,Year,Reg Group,Admission Date,EAL,Pupil Premium,Looked After\n"


def upn(serial: int) -> str:
    return make_upn("881", "2101", 25, serial)


def csv_file(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("pupils.csv", (HEADER + "".join(rows)).encode(), content_type="text/csv")


def pupils_in(school) -> set[str]:
    connection.set_tenant(school.organisation)
    try:
        return set(Pupil.objects.values_list("upn", flat=True))
    finally:
        connection.set_schema_to_public()


def test_a_file_with_bad_rows_is_shown_with_line_numbers_and_nothing_is_imported(school):
    before = pupils_in(school)
    client = school.client("school_admin")
    bad = csv_file(
        f"{upn(1)},Noor,,Haddad,04/03/2017,F,3,3 Owls,01/09/2021,N,Y,N\n",
        f"{upn(2)},Theo,,Marsh,31/02/2017,M,3,3 Owls,01/09/2021,N,N,N\n",
        "A12,Ivy,,Chen,12/12/2016,X,3,3 Owls,,N,N,N\n",
    )
    response = client.post("/pupils/import/", {"file": bad})
    assert response.status_code == 302 and response["Location"] == "/pupils/import/columns/"
    page = client.get("/pupils/import/columns/")
    assert page.status_code == 200
    assert '<option value="Legal Surname" selected>' in page.content.decode()  # the usual columns are chosen

    response = client.post("/pupils/import/columns/", DEFAULT_MAPPING)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Line 3" in body and "“31/02/2017” is not a date" in body
    assert "Line 4" in body and "must be F or M" in body
    assert "Line 2" not in body
    assert "Nothing has been imported" in body
    # Confirming anyway imports nothing either.
    response = client.post("/pupils/import/confirm/", DEFAULT_MAPPING)
    assert response.status_code == 400
    assert pupils_in(school) == before


def test_a_good_file_is_previewed_then_imported(school):
    client = school.client("senco")
    good = csv_file(
        f"{upn(11)},Noor,,Haddad,04/03/2017,F,3,3 Owls,01/09/2021,N,Y,N\n",
        f"{upn(12)},Theo,Teddy,Marsh,21/02/2017,M,Year 3,3 Owls,01/09/2021,Y,N,N\n",
    )
    client.post("/pupils/import/", {"file": good})
    preview = client.post("/pupils/import/columns/", DEFAULT_MAPPING)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "2 rows checked with no problems: 2 new pupils" in body and "Haddad" in body
    assert not pupils_in(school) & {upn(11), upn(12)}

    response = client.post("/pupils/import/confirm/", DEFAULT_MAPPING)
    assert response.status_code == 302 and response["Location"] == "/pupils/"
    assert {upn(11), upn(12)} <= pupils_in(school)
    assert "2 pupils added, 0 updated." in client.get("/pupils/").content.decode()
    # The file is no longer held once imported.
    assert client.get("/pupils/import/columns/").status_code == 302


def test_a_required_column_can_be_left_out_only_with_an_error(school):
    client = school.client("senco")
    client.post("/pupils/import/", {"file": csv_file(f"{upn(21)},Noor,,Haddad,04/03/2017,F,3,,,N,N,N\n")})
    response = client.post("/pupils/import/columns/", {**DEFAULT_MAPPING, "last_name": ""})
    assert response.status_code == 400
    assert "Choose the column that holds the last name." in response.content.decode()


def test_a_file_that_is_not_csv_is_refused(school):
    client = school.client("senco")
    response = client.post("/pupils/import/", {"file": SimpleUploadedFile("pupils.xlsx", b"PK\x03\x04...")})
    assert response.status_code == 400
    assert "must be a CSV file" in response.content.decode()


def test_only_the_senco_head_and_office_import(school):
    for role in ("teacher", "teaching_assistant", "governor", "business_manager"):
        client = school.client(role)
        assert client.get("/pupils/import/").status_code == 403, role
        assert client.post("/pupils/import/", {"file": csv_file()}).status_code == 403, role
        assert client.post("/pupils/import/confirm/", DEFAULT_MAPPING).status_code == 403, role
