"""Provision pages for each role: the SENCO runs it all, the business manager keeps costs and sees figures
but never a child, governors see figures, and class staff see only the groups they run."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from send_platform.audit.models import AuditEvent

from send_core.models import PlanProvision, Pupil
from send_core.provision.models import (
    GroupMember,
    HourlyRate,
    IndividualProvision,
    InformationReport,
    ProvisionGroup,
    ProvisionSettings,
)
from send_core.provision.terms import current_term
from send_core.selectors.audit import concerning
from tests.send_core.factories import PlanProvisionFactory, PupilFactory, StaffTrainingFactory
from tests.send_core.provision.factories import (
    GroupMemberFactory,
    GroupStaffFactory,
    InterventionFactory,
    ProvisionGroupFactory,
    set_rates,
)

TODAY = datetime.date.today()


@pytest.fixture
def groups(school):
    """Amara (the scene's pupil) in a Numicon group run by the school's TA; another group nobody here runs."""
    connection.set_tenant(school.organisation)
    try:
        set_rates(teaching_assistant="16.00")
        numicon = InterventionFactory(name="Numicon", measure="Maths age (months)", resource_cost=Decimal("40.00"))
        group = ProvisionGroupFactory(
            intervention=numicon,
            name="Numicon, Year 4",
            starts_on=TODAY - datetime.timedelta(days=21),
            ends_on=TODAY + datetime.timedelta(days=49),
        )
        GroupStaffFactory(group=group, user=school.people["teaching_assistant"])
        member = GroupMemberFactory(
            group=group,
            pupil=school.pupil,
            entry_value=Decimal("70"),
            entry_on=group.starts_on,
            exit_target=76,
        )
        other_pupil = PupilFactory(school_class=school.other_class, legal_first_name="Noor", last_name="Elsewhere")
        other = ProvisionGroupFactory(
            name="Thrive, Year 3",
            starts_on=TODAY - datetime.timedelta(days=7),
            ends_on=TODAY + datetime.timedelta(days=30),
        )
        GroupMemberFactory(group=other, pupil=other_pupil)
        school.objects.update({"group": group, "other_group": other, "member": member, "other_pupil": other_pupil})
    finally:
        connection.set_schema_to_public()
    return school


def _in_school(school, fn):
    connection.set_tenant(school.organisation)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


@pytest.mark.parametrize(
    "page, allowed",
    [
        (
            "/provision/",
            {"senco", "headteacher", "teacher", "other_teacher", "teaching_assistant", "governor", "business_manager"},
        ),
        ("/provision/catalogue/", {"senco", "headteacher"}),
        ("/provision/groups/", {"senco", "headteacher", "teacher", "other_teacher", "teaching_assistant"}),
        ("/provision/groups/{group}/", {"senco", "headteacher", "teaching_assistant"}),
        ("/provision/groups/{group}/session/", {"senco", "headteacher", "teaching_assistant"}),
        ("/provision/members/{member}/measure/", {"senco", "headteacher", "teaching_assistant"}),
        ("/provision/costs/", {"senco", "headteacher", "business_manager"}),
        ("/provision/map/", {"senco", "headteacher", "governor", "business_manager"}),
        ("/provision/map.csv", {"senco", "headteacher", "governor", "business_manager"}),
        ("/provision/impact/", {"senco", "headteacher", "governor", "business_manager"}),
        ("/provision/report/", {"senco", "headteacher", "governor", "business_manager"}),
        ("/provision/pupils/{pupil}/individual/new/", {"senco", "headteacher"}),
        ("/pupils/{pupil}/provision/", {"senco", "headteacher", "teacher", "teaching_assistant"}),
    ],
)
def test_each_role_gets_the_page_or_a_403(groups, page, allowed):
    for name in groups.people:
        status = groups.client(name).get(groups.url(page)).status_code
        assert status == (200 if name in allowed else 403), f"{page} as {name}: {status}"


def test_the_business_manager_keeps_costs_and_sees_figures_but_no_child(groups):
    client = groups.client("business_manager")
    response = client.post(
        "/provision/costs/",
        {"rate_teaching_assistant": "17.50", "rate_teacher": "32.00", "notional_threshold": "6500"},
    )
    assert response.status_code == 302
    rates = _in_school(groups, lambda: dict(HourlyRate.objects.values_list("staff_role", "hourly_rate")))
    assert rates["teaching_assistant"] == Decimal("17.50") and rates["teacher"] == Decimal("32.00")
    threshold = _in_school(groups, lambda: ProvisionSettings.objects.get().notional_threshold)
    assert threshold == Decimal("6500.00")
    the_map = client.get("/provision/map/").content.decode()
    assert "Numicon: groups of fewer than 5" in the_map and "£" in the_map
    assert "Amara" not in the_map and "Okafor" not in the_map and "Noor" not in the_map
    exported = client.get("/provision/map.csv").content.decode()
    assert exported.startswith("Group,Intervention,Pupils") and "Okafor" not in exported
    assert "Amara" not in client.get("/provision/impact/").content.decode()
    assert client.get(groups.url("/pupils/{pupil}/provision/")).status_code == 403
    governor = groups.client("governor")
    assert governor.post("/provision/costs/", {"notional_threshold": "1"}).status_code == 403


def test_costs_form_refuses_nonsense_and_keeps_what_was_typed(groups):
    response = groups.client("senco").post(
        "/provision/costs/", {"rate_teaching_assistant": "lots", "notional_threshold": "6000"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "as an amount in pounds" in body and 'value="lots"' in body


def test_the_senco_starts_a_group_adds_a_pupil_and_links_the_plan_provision(groups):
    client = groups.client("senco")
    intervention = groups.objects["group"].intervention
    response = client.post(
        "/provision/groups/new/",
        {
            "intervention": intervention.pk,
            "name": "Numicon, Year 4 (afternoons)",
            "staff": [groups.people["teaching_assistant"].pk],
            "starts_on": TODAY.isoformat(),
            "schedule": "Monday 13:30, Wednesday 13:30",
        },
    )
    assert response.status_code == 302, response.content.decode()
    group = _in_school(groups, lambda: ProvisionGroup.objects.get(name="Numicon, Year 4 (afternoons)"))
    assert group.schedule == [{"day": "Monday", "time": "13:30"}, {"day": "Wednesday", "time": "13:30"}]
    assert group.ends_on == TODAY + datetime.timedelta(weeks=10, days=-3)
    bad = client.post("/provision/groups/new/", {"intervention": intervention.pk, "name": "X", "schedule": "Mondays"})
    assert bad.status_code == 400 and "for example Tuesday 09:10" in bad.content.decode()
    added = client.post(
        f"/provision/groups/{group.pk}/", {"pupil": groups.pupil.pk, "entry_value": "70", "exit_target": "76"}
    )
    assert added.status_code == 302
    member = _in_school(groups, lambda: GroupMember.objects.get(group=group, pupil=groups.pupil))
    assert member.entry_value == Decimal("70") and member.entry_on == TODAY
    # The service links plan provision to the group that delivers it.
    from send_core.provision.services import add_pupil_to_group

    def link():
        line = PlanProvisionFactory(plan=groups.plan, description="Numicon, three times a week")
        other = PupilFactory()
        add_pupil_to_group(group, other, added_by=groups.people["senco"])
        pupil_member = GroupMember.objects.get(group=group, pupil=groups.pupil)
        pupil_member.delete()
        add_pupil_to_group(group, groups.pupil, added_by=groups.people["senco"], plan_provision=line)
        return PlanProvision.objects.get(pk=line.pk).provision_group_id

    assert _in_school(groups, link) == group.pk
    # A teacher cannot add pupils.
    assert groups.client("teaching_assistant").post(f"/provision/groups/{group.pk}/", {}).status_code == 403


def test_the_ta_records_a_session_and_a_measure_for_her_group(groups):
    client = groups.client("teaching_assistant")
    group, member = groups.objects["group"], groups.objects["member"]
    listing = client.get("/provision/groups/").content.decode()
    assert "Numicon, Year 4" in listing and "Thrive, Year 3" not in listing
    form = client.get(f"/provision/groups/{group.pk}/session/").content.decode()
    assert "Amara Okafor" in form and "Noor" not in form
    saved = client.post(
        f"/provision/groups/{group.pk}/session/",
        {"held_on": TODAY.isoformat(), f"pupil-{groups.pupil.pk}": "absent", "action": "delivered"},
    )
    assert saved.status_code == 302
    assert "1 absent" in client.get("/provision/groups/").content.decode()
    measured = client.post(
        f"/provision/members/{member.pk}/measure/", {"which": "exit", "value": "77", "on": TODAY.isoformat()}
    )
    assert measured.status_code == 302
    page = client.get(f"/provision/groups/{group.pk}/").content.decode()
    assert "Met" in page and "77" in page
    looked = _in_school(
        groups,
        lambda: list(
            AuditEvent.objects.filter(
                concerning(groups.pupil), action="view", actor_id=groups.people["teaching_assistant"].pk
            ).values_list("summary", flat=True)
        ),
    )
    assert "Viewed intervention group Numicon, Year 4" in looked
    # Not her group.
    assert client.get(f"/provision/groups/{groups.objects['other_group'].pk}/session/").status_code == 403
    # The gain shows on the impact page as a chart and, in the same figures, a table.
    impact = groups.client("senco").get("/provision/impact/").content.decode()
    gain = (Decimal(7) / (Decimal(21) / Decimal("30.44"))).quantize(Decimal("0.01"))
    assert "<svg" in impact and impact.count(f">{gain}<") == 3  # bar label, and both tables
    assert "1 of 1 (100%)" in impact


def test_the_pupils_provision_page_shows_groups_and_costs_and_the_add_form_works(groups):
    client = groups.client("senco")
    response = client.post(
        groups.url("/provision/pupils/{pupil}/individual/new/"),
        {
            "kind": "equipment",
            "description": "Writing slope",
            "cost": "35.50",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=300)).isoformat(),
        },
    )
    assert response.status_code == 302
    refused = client.post(
        groups.url("/provision/pupils/{pupil}/individual/new/"),
        {
            "kind": "one_to_one",
            "description": "Lunchtime support",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
        },
    )
    assert refused.status_code == 400 and "Lunchtime support" in refused.content.decode()
    assert _in_school(groups, lambda: IndividualProvision.objects.filter(pupil=groups.pupil).count()) == 1
    page = client.get(groups.url("/pupils/{pupil}/provision/")).content.decode()
    assert "Numicon, Year 4" in page and "Writing slope" in page and "£35.50" in page
    viewed = _in_school(
        groups, lambda: AuditEvent.objects.filter(pupil_id=groups.pupil.pk, summary="Viewed provision").count()
    )
    assert viewed >= 1


def test_the_senco_links_a_line_of_the_plan_to_the_group_that_delivers_it(groups):
    line = _in_school(groups, lambda: PlanProvisionFactory(plan=groups.plan, description="Numicon three times a week"))
    client = groups.client("senco")
    page = client.get(groups.url("/pupils/{pupil}/provision/")).content.decode()
    assert "Provision on the plan this group delivers" in page
    member = groups.objects["member"]
    assert client.post(f"/provision/members/{member.pk}/plan-provision/", {"line": line.pk}).status_code == 302
    assert _in_school(groups, lambda: PlanProvision.objects.get(pk=line.pk).provision_group_id) == member.group_id
    page = client.get(groups.url("/pupils/{pupil}/provision/")).content.decode()
    assert "Delivers: Numicon three times a week" in page
    other_line = _in_school(
        groups, lambda: PlanProvisionFactory(plan__pupil=groups.objects["other_pupil"], description="Elsewhere")
    )
    client.post(f"/provision/members/{member.pk}/plan-provision/", {"line": other_line.pk})
    assert _in_school(groups, lambda: PlanProvision.objects.get(pk=other_line.pk).provision_group_id) is None
    ta = groups.client("teaching_assistant")
    assert ta.post(f"/provision/members/{member.pk}/plan-provision/", {"line": line.pk}).status_code == 403


def test_the_information_report_is_drafted_from_live_figures_and_saved_as_edited(groups):
    _in_school(
        groups,
        lambda: StaffTrainingFactory(course="Zones of Regulation", user=groups.people["teacher"], completed_on=TODAY),
    )
    client = groups.client("senco")
    draft = client.get("/provision/report/").content.decode()
    assert "Children with SEND at our school" in draft and "1 at SEN Support" in draft
    assert "Zones of Regulation: 1 member of staff" in draft
    assert "Numicon" in draft and "Okafor" not in draft
    sections = {
        f"section-{key}": "Edited text" if key == "contacts" else "Kept"
        for key in ("register", "interventions", "training", "agencies", "involvement", "contacts")
    }
    assert client.post("/provision/report/", sections).status_code == 302
    report = _in_school(groups, lambda: InformationReport.objects.get())
    assert {s["key"]: s["text"] for s in report.sections}["contacts"] == "Edited text"
    printable = client.get("/provision/report/?print=1").content.decode()
    assert "Edited text" in printable
    assert groups.client("governor").post("/provision/report/", sections).status_code == 403


def test_figures_only_roles_see_small_groups_only_within_their_intervention(groups):
    def five_pupil_group():
        GroupMember.objects.filter(pk=groups.objects["member"].pk).update(exit_value=Decimal("77"), exit_on=TODAY)
        phonics = InterventionFactory(name="Phonics booster", measure="Phonics check score")
        group = ProvisionGroupFactory(
            intervention=phonics,
            name="Phonics, Year 2",
            starts_on=TODAY - datetime.timedelta(days=21),
            ends_on=TODAY + datetime.timedelta(days=21),
        )
        for first in ("Ada", "Bo", "Cy", "Di", "Ed"):
            GroupMemberFactory(
                group=group,
                pupil=PupilFactory(legal_first_name=first, last_name="Phonics"),
                entry_value=Decimal("10"),
                entry_on=group.starts_on,
                exit_value=Decimal("20"),
                exit_on=TODAY,
                exit_target=Decimal("15"),
            )

    _in_school(groups, five_pupil_group)
    for role in ("governor", "business_manager"):
        client = groups.client(role)
        page = client.get("/provision/map/").content.decode()
        assert "Phonics, Year 2" in page and "Numicon, Year 4" not in page and "Thrive, Year 3" not in page
        assert "Numicon: groups of fewer than 5" in page and "Fewer than 5" in page
        exported = list(csv.DictReader(io.StringIO(client.get("/provision/map.csv").content.decode())))
        by_name = {row["Group"]: row for row in exported}
        assert by_name["Phonics, Year 2"]["Pupils"] == "5"
        assert by_name["Numicon: groups of fewer than 5"]["Pupils"] == "Fewer than 5"
        assert by_name["Numicon: groups of fewer than 5"]["Cost per pupil"] == ""
        assert "Numicon, Year 4" not in by_name
        body = client.get("/api/v1/provision/map/").json()
        assert {g["name"] for g in body["groups"]} >= {"Phonics, Year 2", "Numicon: groups of fewer than 5"}
        assert "Numicon, Year 4" not in {g["name"] for g in body["groups"]}
        assert all(
            f["pupils"] in ("Fewer than 5", "Suppressed") or f["pupils"] >= 5
            for f in body["by_year_group"] + body["by_need"]
        )
        impact = client.get("/provision/impact/").content.decode()
        by_group = impact.split('data-testid="impact-groups"')[1]
        assert "Phonics, Year 2" in by_group and "Numicon, Year 4" not in by_group
        by_intervention = impact.split('data-testid="impact-groups"')[0]
        assert "Fewer than 5 with a target" in by_intervention and ">Fewer than 5<" in by_intervention
        assert "5 of 5 (100%)" in by_group
    # The SENCO sees every group with its count.
    senco = groups.client("senco")
    page = senco.get("/provision/map/").content.decode()
    assert "Numicon, Year 4" in page and "Fewer than 5" not in page
    assert "Numicon, Year 4" in senco.get("/provision/impact/").content.decode()
    names = {g["name"] for g in senco.get("/api/v1/provision/map/").json()["groups"]}
    assert {"Numicon, Year 4", "Phonics, Year 2"} <= names


def test_a_refused_threshold_saves_none_of_the_rates(groups):
    response = groups.client("senco").post(
        "/provision/costs/", {"rate_teaching_assistant": "20.00", "notional_threshold": "0"}
    )
    assert response.status_code == 400
    assert "must be at least £0.01" in response.content.decode()
    rate = _in_school(groups, lambda: HourlyRate.objects.get(staff_role="teaching_assistant").hourly_rate)
    assert rate == Decimal("16.00")
    assert _in_school(groups, lambda: ProvisionSettings.objects.exists()) is False


def test_an_unreadable_plan_line_gets_a_message_not_an_error_page(groups):
    member = groups.objects["member"]
    client = groups.client("senco")
    response = client.post(f"/provision/members/{member.pk}/plan-provision/", {"line": "first"}, follow=True)
    assert response.status_code == 200
    assert "Choose the provision on the plan that this group delivers." in response.content.decode()


def test_a_session_posted_outside_the_run_or_with_no_real_date_is_refused_not_moved(groups):
    from send_core.provision.models import GroupSession

    client = groups.client("teaching_assistant")
    group = groups.objects["group"]
    before = (group.starts_on - datetime.timedelta(days=3)).isoformat()
    refused = client.post(f"/provision/groups/{group.pk}/session/", {"held_on": before, "action": "delivered"})
    assert refused.status_code == 400 and "The group was not running on that date." in refused.content.decode()
    unreadable = client.post(f"/provision/groups/{group.pk}/session/", {"held_on": "31/02", "action": "delivered"})
    assert unreadable.status_code == 400
    assert "Enter the session&#x27;s date as a real date" in unreadable.content.decode()
    assert _in_school(groups, lambda: GroupSession.objects.filter(group=group).count()) == 0
    # Opening the page on a date outside the run still shows the nearest day inside it.
    opened = client.get(f"/provision/groups/{group.pk}/session/?on={before}")
    assert opened.status_code == 200 and f"{group.starts_on:%-d %B}" in opened.content.decode()


def test_the_map_by_pupil_and_the_groups_api_are_in_each_pupils_trail(groups):
    def seen(person):
        return _in_school(
            groups,
            lambda: sorted(
                AuditEvent.objects.filter(
                    concerning(groups.pupil), action="view", actor_id=groups.people[person].pk
                ).values_list("summary", flat=True)
            ),
        )

    senco = groups.client("senco")
    assert senco.get("/provision/map/").status_code == 200
    assert senco.get("/provision/map/print/").status_code == 200
    assert senco.get("/api/v1/provision/map/").status_code == 200
    term = current_term(TODAY).label
    assert seen("senco") == [
        f"Viewed the provision map for {term} (API)",
        f"Viewed the provision map for {term} (page)",
        f"Viewed the provision map for {term} (printable page)",
    ]
    # The governor sees figures, no child: nothing to put in a child's trail.
    groups.client("governor").get("/provision/map/")
    groups.client("governor").get("/api/v1/provision/map/")
    assert seen("governor") == []
    assert groups.client("teaching_assistant").get("/api/v1/provision/groups/").status_code == 200
    assert seen("teaching_assistant") == ["Viewed intervention groups (API)"]
    # Noor is in a group the TA does not run, so not in the TA's trail of reads.
    other = _in_school(
        groups,
        lambda: AuditEvent.objects.filter(
            concerning(groups.objects["other_pupil"]), actor_id=groups.people["teaching_assistant"].pk
        ).count(),
    )
    assert other == 0


def test_the_map_csv_is_one_export_row_naming_each_listed_child(groups):
    senco = groups.people["senco"]
    exported = groups.client("senco").get("/provision/map.csv").content.decode()
    assert "Okafor" in exported
    listed = {row["UPN"] for row in csv.DictReader(io.StringIO(exported))}
    rows = _in_school(groups, lambda: list(AuditEvent.objects.filter(actor_id=senco.pk).values("action", "pupil_ids")))
    assert len(rows) == 1 and rows[0]["action"] == "export"
    upns = _in_school(groups, lambda: set(Pupil.objects.filter(pk__in=rows[0]["pupil_ids"]).values_list("upn", flat=True)))
    assert upns == listed and groups.pupil.upn in upns
