"""Pupils' and parents' names refuse hidden formatting characters in the pages, the API and the MIS
import; an MIS file with a NUL or a value too long to read is refused by line, not with an error page."""

from __future__ import annotations

import csv
import json
from urllib.parse import urlencode

from send_core.models import ParentCarer, Pupil
from send_core.services.importing import ImportProblem, preview_pupil_import
from tests.send_core.factories import PupilFactory
from tests.send_core.test_importing import _csv, _row

RLO = "\u202e"  # right-to-left override: "Amelia\u202eyrubnrohT" displays as "AmeliaThornbury" reversed
ZWSP = "\u200b"


def test_the_mis_import_names_the_line_of_a_name_with_hidden_characters(in_a, staff):
    office = staff("school_admin")
    rows = [_row(1), _row(2, **{"Legal Surname": f"Thorn{ZWSP}bury"}), _row(3, **{"Legal Forename": f"Ame{RLO}lia"})]
    preview = preview_pupil_import(_csv(rows), previewed_by=office)
    assert [(e.line_number, e.field) for e in preview.errors] == [(3, "last_name"), (4, "legal_first_name")]
    assert "hidden formatting characters" in preview.errors[0].message


def test_a_nul_in_an_mis_field_is_a_problem_on_its_line(in_a, staff):
    office = staff("school_admin")
    preview = preview_pupil_import(_csv([_row(1), _row(2, **{"Reg Group": "4\x00Oak"})]), previewed_by=office)
    assert preview.errors == [
        ImportProblem(3, "school_class", "The class contains a NUL character: correct it in the MIS export.")
    ]


def test_a_value_over_the_csv_field_limit_is_a_problem_on_its_line_not_a_crash(in_a, staff):
    office = staff("school_admin")
    huge = "x" * (csv.field_size_limit() + 1)
    # Before: _csv.Error escaped the preview and the page answered 500.
    preview = preview_pupil_import(_csv([_row(1), _row(2, **{"Reg Group": huge})]), previewed_by=office)
    assert len(preview.errors) == 1
    assert preview.errors[0].line_number == 3
    assert "cannot be read" in preview.errors[0].message


def test_the_pupil_page_refuses_a_hidden_character_and_keeps_the_name(in_a, staff, client_for, school_a):
    pupil = PupilFactory(legal_first_name="Amelia", last_name="Thornbury")
    senco = staff("senco")
    client = client_for(senco, school_a)
    response = client.post(
        f"/pupils/{pupil.pk}/details/",
        urlencode({"legal_first_name": f"Ame{RLO}lia", "last_name": "Thornbury"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert "hidden formatting characters" in response.content.decode()
    assert response.status_code in (200, 400)
    from django.db import connection

    connection.set_tenant(school_a)
    assert Pupil.objects.get(pk=pupil.pk).legal_first_name == "Amelia"


def test_a_parents_name_is_checked_too(in_a, staff, client_for, school_a):
    from django.db import connection

    pupil = PupilFactory()
    client = client_for(staff("senco"), school_a)
    response = client.post(
        f"/pupils/{pupil.pk}/parents/new/",
        urlencode({"name": f"Grace{ZWSP} Okafor", "relationship": "mother"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert "hidden formatting characters" in response.content.decode()
    connection.set_tenant(school_a)
    assert not ParentCarer.objects.filter(pupil=pupil).exists()


def test_the_api_refuses_a_hidden_character_in_a_pupils_name(in_a, staff, client_for, school_a, school_b):
    from django.db import connection

    client = client_for(staff("senco"), school_a)
    body = {
        "upn": _row(9)["UPN"],
        "legal_first_name": f"Amelia{RLO}",
        "last_name": "Thornbury",
        "date_of_birth": "2016-03-04",
        "sex": "F",
        "nc_year": "4",
    }
    response = client.post("/api/v1/pupils/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "hidden formatting characters" in json.dumps(response.json())
    connection.set_tenant(school_a)
    assert not Pupil.objects.filter(last_name="Thornbury").exists()
    # And a good one made at school A is not seen from school B.
    body["legal_first_name"] = "Amelia"
    assert client.post("/api/v1/pupils/", json.dumps(body), content_type="application/json").status_code == 201
    other = client_for(staff("senco", organisation=school_b), school_b)
    assert "Thornbury" not in other.get("/api/v1/pupils/").content.decode()
