"""The toolkit pages: who may open them, the confirmation before a change, the LA and operator lists,
and the matching-provision page; and that one school's staff can never change another's toolkit."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from send_platform.audit.models import AuditEvent

from send_core.models import CensusCode, NeedDescriptorLevel, RegisterEntry
from tenants.models import Organisation
from tests.send_core.factories import (
    ClassTeacherFactory,
    PlanProvisionFactory,
    PupilFactory,
    SchoolClassFactory,
    active_plan_for,
    on_register,
)

SCHOOL_ROLES = ("senco", "headteacher", "teacher", "teaching_assistant", "governor", "business_manager", "school_admin")


@pytest.fixture
def scene(school_a, school_b, la, member, in_schema):
    """People in every role at school A; a pupil in the teacher's class at SEN Support with a plan; one being monitored."""
    people = {role: member(school_a, role) for role in SCHOOL_ROLES}
    people["other_teacher"] = member(school_a, "teacher")
    people["b_senco"] = member(school_b, "senco")
    with in_schema(school_a):
        own_class = SchoolClassFactory(name="4 Kestrels")
        ClassTeacherFactory(school_class=own_class, user=people["teacher"], role="teacher")
        ClassTeacherFactory(school_class=SchoolClassFactory(name="3 Owls"), user=people["other_teacher"])
        pupil = PupilFactory(school_class=own_class, legal_first_name="Amara", last_name="Okafor")
        on_register(pupil, since=datetime.date(2024, 9, 2))
        plan = active_plan_for(pupil)
        PlanProvisionFactory(plan=plan, description="Toe by Toe", frequency="Daily")
        on_register(PupilFactory(school_class=own_class), census_code=CensusCode.NONE)
    connection.set_schema_to_public()
    return {"people": people, "pupil": pupil}


def _get(client_for, user, organisation, path):
    return client_for(user, organisation).get(path)


# --- A school's toolkit page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("senco", 200), ("headteacher", 200), *((r, 403) for r in SCHOOL_ROLES[2:])]
)
def test_only_the_senco_or_head_open_the_schools_toolkit_page(scene, client_for, school_a, role, status):
    response = _get(client_for, scene["people"][role], school_a, "/toolkits/")
    assert response.status_code == status
    body = response.content.decode()
    if status == 200:
        assert "Ashgrove Primary School uses <strong>SEND Code of Practice (national default)</strong>" in body
        assert 'value="essex"' in body and "High Quality Teaching" in body and "Pupil Passport" in body
    else:
        assert "Only the SENCO or headteacher can see and choose the school&#x27;s toolkit." in body
        assert 'value="essex"' not in body


def test_the_confirmation_says_how_many_pupils_move_and_to_what_then_the_change_is_made(
    scene, client_for, school_a, in_schema
):
    client = client_for(scene["people"]["senco"], school_a)
    page = client.get("/toolkits/change/", {"toolkit": "essex"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Change from SEND Code of Practice (national default) to Essex Provision Guidance?" in body
    assert (
        "Pupils whose current stage will be mapped to a stage of Essex Provision Guidance today: <strong>2</strong>"
        in body
    )
    assert "Additional School Intervention and Support" in body and "High Quality Teaching" in body
    assert "new plans will be a One Plan" in body
    assert Organisation.objects.get(pk=school_a.pk).toolkit == ""  # nothing changes on looking

    done = client.post("/toolkits/change/", {"toolkit": "essex"})
    assert done.status_code == 302 and done["Location"] == "/toolkits/"
    assert Organisation.objects.get(pk=school_a.pk).toolkit == "essex"
    assert "now uses Essex Provision Guidance. 2 pupils" in client.get("/toolkits/").content.decode()
    with in_schema(school_a):
        assert set(RegisterEntry.objects.filter(ended_on__isnull=True).values_list("stage_label", flat=True)) == {
            "Additional School Intervention and Support",
            "High Quality Teaching",
        }
        assert AuditEvent.objects.filter(object_type="organisation", actor_id=scene["people"]["senco"].pk).exists()


def test_unknown_toolkits_and_the_one_in_use_are_refused_with_a_message(scene, client_for, school_a):
    client = client_for(scene["people"]["senco"], school_a)
    unknown = client.get("/toolkits/change/", {"toolkit": "westmere"})
    assert unknown.status_code == 400 and "There is no toolkit called &#x27;westmere&#x27;" in unknown.content.decode()
    assert client.post("/toolkits/change/", {"toolkit": "westmere"}).status_code == 400
    assert client.get("/toolkits/change/").status_code == 400
    same = client.get("/toolkits/change/", {"toolkit": ""})
    assert same.status_code == 400 and "already the toolkit in use" in same.content.decode()
    assert Organisation.objects.get(pk=school_a.pk).toolkit == ""


@pytest.mark.parametrize("role", ["teacher", "governor"])
def test_staff_who_may_not_choose_cannot_post_a_change(scene, client_for, school_a, role):
    response = client_for(scene["people"][role], school_a).post("/toolkits/change/", {"toolkit": "essex"})
    assert response.status_code == 403
    assert Organisation.objects.get(pk=school_a.pk).toolkit == ""


def test_school_bs_senco_cannot_change_school_as_toolkit(scene, client_for, school_a, school_b):
    their_senco = scene["people"]["b_senco"]
    on_a = client_for(their_senco, school_a)
    assert on_a.get("/toolkits/").status_code == 403  # not a member of school A at all
    assert on_a.post("/toolkits/change/", {"toolkit": "essex"}).status_code == 403
    # On their own host they change only their own school.
    assert client_for(their_senco, school_b).post("/toolkits/change/", {"toolkit": "manchester"}).status_code == 302
    assert Organisation.objects.get(pk=school_a.pk).toolkit == ""
    assert Organisation.objects.get(pk=school_b.pk).toolkit == "manchester"


# --- The local authority's page ------------------------------------------------------------------


def test_the_las_sen_manager_sets_the_default_for_its_schools(scene, client_for, la, school_a, school_b, member):
    school_b.toolkit = "manchester"
    school_b.save()
    manager = member(la, "sen_manager")
    client = client_for(manager, la)
    page = client.get("/toolkits/").content.decode()
    assert "Schools in Testshire Council use <strong>SEND Code of Practice (national default)</strong>" in page
    assert "Set the default toolkit" in page and "Birchwood Primary Academy" in page
    assert "Cheshire East Toolkit" in page and "Step 1: Discussion Form" in page

    confirm = client.get("/toolkits/change/", {"toolkit": "cheshire_east"})
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "Make Cheshire East Toolkit the default?" in body and "Ashgrove Primary School" in body
    assert "Birchwood Primary Academy</caption>" not in body  # it chose its own toolkit
    assert client.post("/toolkits/change/", {"toolkit": "cheshire_east"}).status_code == 302
    la.refresh_from_db()
    assert la.toolkit == "cheshire_east"
    senco_page = client_for(scene["people"]["senco"], school_a).get("/toolkits/").content.decode()
    assert "uses <strong>Cheshire East Toolkit</strong>, the default set by Testshire Council" in senco_page


def test_caseworkers_read_the_la_page_but_cannot_set_the_default(scene, client_for, la, member):
    caseworker = member(la, "caseworker")
    client = client_for(caseworker, la)
    page = client.get("/toolkits/")
    assert page.status_code == 200 and "Set the default toolkit" not in page.content.decode()
    assert client.get("/toolkits/change/", {"toolkit": "essex"}).status_code == 403
    assert client.post("/toolkits/change/", {"toolkit": "essex"}).status_code == 403
    la.refresh_from_db()
    assert la.toolkit == ""


def test_a_trusts_send_lead_has_no_toolkit_page(client_for, trust, member):
    assert client_for(member(trust, "send_lead"), trust).get("/toolkits/").status_code == 403


# --- Operators ------------------------------------------------------------------------------------


def test_operators_see_every_toolkit_and_its_stages_on_the_base_domain(
    platform_org, la, member, public_client, school_a
):
    la.toolkit = "essex"
    la.save()
    operator = member(platform_org, "operator")
    public_client.force_login(operator)
    response = public_client.get("/toolkits/")
    assert response.status_code == 200
    body = response.content.decode()
    for name in (
        "SEND Code of Practice (national default)",
        "Essex Provision Guidance",
        "Cheshire East Toolkit",
        "Manchester Matching Provision to Need",
    ):
        assert name in body
    assert "High Quality Teaching → Additional School Intervention and Support → High Need → EHC plan" in body
    assert "Testshire Council" in body and "built in (essex.toml)" in body


def test_only_operators_see_the_operators_list(member, public_client, school_a, platform_org):
    assert public_client.get("/toolkits/").status_code == 302  # signed out: to sign in
    public_client.force_login(member(school_a, "senco"))
    assert public_client.get("/toolkits/").status_code == 403


# --- Matching provision to need -----------------------------------------------------------------


def _matching(scene) -> str:
    return f"/toolkits/pupils/{scene['pupil'].pk}/matching/"


def test_the_senco_records_a_level_and_sees_it_against_provision(scene, client_for, school_a, in_schema):
    client = client_for(scene["people"]["senco"], school_a)
    page = client.get(_matching(scene))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Matching provision to need" in body and "Record the level for cognition and learning" in body
    assert "Universal: adapted class teaching" in body  # the national levels to choose from

    recorded = client.post(
        _matching(scene), {"area": "cognition_learning", "level_key": "targeted", "notes": "After assessment"}
    )
    assert recorded.status_code == 302
    body = client.get(_matching(scene)).content.decode()
    assert "Targeted: SEN Support" in body and "Toe by Toe" in body
    assert "A support plan with SMART outcomes; a structured, evidence-based intervention" in body

    refused = client.post(_matching(scene), {"area": "cognition_learning", "level_key": "level_9"})
    assert refused.status_code == 400 and "Choose one of the levels" in refused.content.decode()
    with in_schema(school_a):
        assert NeedDescriptorLevel.objects.filter(pupil=scene["pupil"]).count() == 1
        views = AuditEvent.objects.filter(action="view", pupil_id=scene["pupil"].pk, summary__contains="matching")
        assert views.count() == 3


def test_the_pupils_teacher_reads_the_matching_page_but_cannot_record(scene, client_for, school_a, in_schema):
    client = client_for(scene["people"]["teacher"], school_a)
    page = client.get(_matching(scene))
    assert page.status_code == 200 and "Record level" not in page.content.decode()
    assert client.post(_matching(scene), {"area": "semh", "level_key": "universal"}).status_code == 403
    with in_schema(school_a):
        assert not NeedDescriptorLevel.objects.exists()


@pytest.mark.parametrize("role", ["other_teacher", "governor", "business_manager", "school_admin"])
def test_others_cannot_open_the_matching_page(scene, client_for, school_a, role):
    assert _get(client_for, scene["people"][role], school_a, _matching(scene)).status_code == 403


def test_the_matching_page_never_reaches_into_another_school(scene, client_for, school_a, school_b):
    # School B's SENCO is not a member of school A; on their own host the pupil does not exist.
    assert _get(client_for, scene["people"]["b_senco"], school_a, _matching(scene)).status_code == 403
    assert _get(client_for, scene["people"]["b_senco"], school_b, _matching(scene)).status_code == 404
