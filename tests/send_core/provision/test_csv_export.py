"""The provision map CSV writes names a spreadsheet would run as formulas as plain text."""

from __future__ import annotations

import csv
import datetime
import io

from django.db import connection

from tests.send_core.factories import PupilFactory
from tests.send_core.provision.factories import GroupMemberFactory, ProvisionGroupFactory, set_rates


def test_the_provision_map_csv_writes_names_as_text(school):
    today = datetime.date.today()
    connection.set_tenant(school.organisation)
    try:
        set_rates(teaching_assistant="16.00")
        group = ProvisionGroupFactory(
            name='=HYPERLINK("http://example.com")',
            starts_on=today - datetime.timedelta(days=14),
            ends_on=today + datetime.timedelta(days=14),
        )
        for first in ("@Ana", "Ben", "Cai", "Dee", "Eve"):
            GroupMemberFactory(group=group, pupil=PupilFactory(legal_first_name=first, last_name="+Pupil"))
    finally:
        connection.set_schema_to_public()
    for role in ("senco", "business_manager"):
        body = school.client(role).get("/provision/map.csv").content.decode()
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells), role
    senco = list(csv.DictReader(io.StringIO(school.client("senco").get("/provision/map.csv").content.decode())))
    assert "'@Ana +Pupil" in {row["Pupil"] for row in senco}
    assert all(row["Provision"].startswith("'=HYPERLINK") for row in senco)
    figures = list(csv.DictReader(io.StringIO(school.client("governor").get("/provision/map.csv").content.decode())))
    assert figures[0]["Group"] == '\'=HYPERLINK("http://example.com")'
