"""Pages use the names of the school's own toolkit for its plan and its register stages."""

from __future__ import annotations

import pytest

from send_core.models import CensusCode
from send_core.toolkit import NATIONAL_DEFAULT, PlanSection, Stage, Toolkit, register_toolkit, unregister_toolkit
from tenants.models import Organisation

STEPS = Toolkit(
    key="steps-test",
    name="Steps toolkit",
    stages=(
        Stage("step_1", "Step 1: Discussion", "Worries are talked through.", CensusCode.NONE),
        Stage("step_2", "Step 2: One Plan", "Special educational provision.", CensusCode.SEN_SUPPORT),
        Stage("step_3", "Step 3: EHCP", "An EHC plan.", CensusCode.EHC_PLAN),
    ),
    plan_name="One Plan",
    plan_sections=(
        PlanSection("child_views", "All about me"),
        PlanSection("strengths", "What people like about me"),
        PlanSection("outcomes", "Outcomes"),
    ),
    max_outcomes=4,
    ui_wording={"concern_form": "Discussion Form", "outcome": "key target", "outcomes": "key targets"},
)


@pytest.fixture
def steps_school(school):
    register_toolkit(STEPS)
    Organisation.objects.filter(pk=school.organisation.pk).update(toolkit=STEPS.key)
    try:
        yield school
    finally:
        unregister_toolkit(STEPS.key)


def test_the_plan_and_stages_take_the_toolkits_names(steps_school):
    client = steps_school.client("senco")
    overview = client.get(steps_school.url("/pupils/{pupil}/")).content.decode()
    assert ">One Plan</a>" in overview  # the record's section for the plan
    plan = client.get(steps_school.url("/pupils/{pupil}/plan/")).content.decode()
    assert "Start a new One Plan" not in plan  # there is an active plan already, made under the national toolkit
    edit = client.get(steps_school.url("/plans/{plan}/edit/")).content.decode()
    assert "All about me" in edit and "What people like about me" in edit
    assert "Parents&#x27; and carers&#x27; views" not in edit
    change = client.get(steps_school.url("/pupils/{pupil}/register/change/")).content.decode()
    assert "Step 2: One Plan" in change and "Step 3: EHCP" in change
    concern = client.get(steps_school.url("/concerns/{concern}/sen-support/")).content.decode()
    assert "Move to Step 2: One Plan" in concern
    register = client.get("/register/").content.decode()
    assert "Step 1: Discussion" in register


def test_pages_use_the_toolkits_own_words(steps_school):
    client = steps_school.client("senco")
    plan = client.get(steps_school.url("/plans/{plan}/")).content.decode()
    assert ">Key targets</h3>" in plan and "Key target 1" in plan and "Add a key target" in plan
    concern = client.get(steps_school.url("/concerns/{concern}/")).content.decode()
    assert "Discussion Form, raised 1 October 2024" in concern
    form = client.get(steps_school.url("/pupils/{pupil}/concerns/new/")).content.decode()
    assert '<h1 class="govuk-heading-l">Discussion Form</h1>' in form


def test_the_national_default_is_used_when_the_school_names_none(school):
    body = school.client("senco").get(school.url("/pupils/{pupil}/")).content.decode()
    assert f">{NATIONAL_DEFAULT.plan_name}</a>" in body
