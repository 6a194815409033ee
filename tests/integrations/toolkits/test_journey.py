"""The same pupil's journey under each built-in toolkit: its stage and plan names, and its limits."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from send_core.models import CensusCode, PlanOutcome, Pupil
from send_core.selectors import register_summary
from send_core.services.needs import add_need
from send_core.services.plans import activate_plan, add_outcome, create_plan
from send_core.services.pupils import create_pupil
from send_core.services.register import exit_register, place_on_register
from send_core.toolkit import current_toolkit
from tests.send_core.factories import AgencyInvolvementFactory, next_upn

SOON = datetime.date.today() + datetime.timedelta(days=90)
SMART = {"measure": "Words read from the list", "baseline": "40 of 100", "target": "80 of 100", "target_date": SOON}


def _journey(senco, *, outcomes: int, agency: bool = True):
    pupil = create_pupil(
        created_by=senco,
        upn=next_upn(),
        legal_first_name="Amara",
        last_name="Okafor",
        date_of_birth=datetime.date(2016, 3, 4),
        sex="F",
        nc_year="4",
    )
    add_need(pupil, need_type="SPLD", rank="primary", recorded_by=senco)
    toolkit = current_toolkit()
    k_stage = toolkit.first_stage_for(CensusCode.SEN_SUPPORT)
    entry = place_on_register(
        pupil, k_stage.key, reason="Agreed at a planning meeting", decided_by=senco, notification_method="letter"
    )
    if agency:
        # Speech and language therapy is working with the pupil (Manchester writes a Pupil Passport then).
        AgencyInvolvementFactory(pupil=pupil, status="active")
    plan = create_plan(pupil, created_by=senco, strengths="Loves stories")
    for number in range(outcomes):
        add_outcome(plan, changed_by=senco, description=f"Target {number + 1}", **SMART)
    return pupil, entry, plan


@pytest.mark.parametrize(
    ("key", "k_label", "plan_name", "cap"),
    [
        ("national", "SEN Support", "SEN Support Plan", None),
        ("essex", "Additional School Intervention and Support", "One Plan", None),
        ("cheshire_east", "Step 2: SEN Support Plan", "SEN Support Plan", None),
        ("manchester", "SEN Support", "Pupil Passport", 4),
    ],
)
def test_the_journey_uses_the_schools_toolkit(on_toolkit, senco, key, k_label, plan_name, cap):
    on_toolkit(key)
    assert current_toolkit().key == key
    pupil, entry, plan = _journey(senco, outcomes=4)
    assert entry.stage_label == k_label and entry.census_code == CensusCode.SEN_SUPPORT
    assert plan.title == plan_name and plan.toolkit_key == key
    assert PlanOutcome.objects.filter(plan=plan).count() == 4
    plan = activate_plan(plan, activated_by=senco)
    # Review cadence from the toolkit: three a year, so the first review is about a term away.
    assert plan.review_due_on == plan.starts_on + datetime.timedelta(days=365 // current_toolkit().reviews_per_year)

    summary = register_summary(datetime.date.today())
    assert [count.label for count in summary.by_stage] == [stage.label for stage in current_toolkit().stages]
    assert {count.label: count.count for count in summary.by_stage}[k_label] == 1

    back = exit_register(pupil, reason="Gap closed", decided_by=senco, notification_method="letter")
    assert back.stage_label == current_toolkit().monitoring_stage.label and back.census_code == CensusCode.NONE


def test_a_fifth_target_in_a_manchester_pupil_passport_is_refused(on_toolkit, senco):
    on_toolkit("manchester")
    _pupil, _entry, plan = _journey(senco, outcomes=4)
    with pytest.raises(ValidationError) as error:
        add_outcome(plan, changed_by=senco, description="Target 5", **SMART)
    assert error.value.messages == ["A Pupil Passport can hold at most 4 key targets."]
    assert PlanOutcome.objects.filter(plan=plan).count() == 4


@pytest.mark.parametrize("key", ["national", "essex", "cheshire_east"])
def test_a_fifth_outcome_is_fine_where_the_toolkit_sets_no_cap(on_toolkit, senco, key):
    on_toolkit(key)
    _pupil, _entry, plan = _journey(senco, outcomes=5)
    assert PlanOutcome.objects.filter(plan=plan).count() == 5


def test_essex_high_need_is_still_sen_support_in_the_census(on_toolkit, senco):
    on_toolkit("essex")
    pupil, _entry, _plan = _journey(senco, outcomes=1)
    entry = place_on_register(pupil, "high_need", reason="Outside services involved", decided_by=senco)
    assert entry.stage_label == "High Need" and entry.census_code == CensusCode.SEN_SUPPORT
    with pytest.raises(ValidationError, match="Essex Provision Guidance has no stage called 'sen_support'"):
        place_on_register(pupil, "sen_support", reason="x", decided_by=senco)


# Manchester's Pupil Passport: "created for any child who receives SEN Support and has involvement
# from outside agencies" (and, with an EHC plan, for the short-term targets towards its outcomes).
def test_a_manchester_pupil_passport_waits_for_outside_agency_involvement(on_toolkit, senco, in_b):
    from send_core.models import AgencyInvolvement, SupportPlan

    on_toolkit("manchester")
    with pytest.raises(ValidationError) as error:
        _journey(senco, outcomes=0, agency=False)
    assert "a Pupil Passport is written for a pupil at SEN Support once an outside agency is involved" in str(
        error.value
    )
    pupil = Pupil.objects.get()
    assert not SupportPlan.objects.filter(pupil=pupil).exists()
    # A referral the agency did not accept is no involvement.
    AgencyInvolvementFactory(pupil=pupil, status="declined")
    with pytest.raises(ValidationError):
        create_plan(pupil, created_by=senco)
    AgencyInvolvementFactory(pupil=pupil, status="referred")
    assert create_plan(pupil, created_by=senco).title == "Pupil Passport"
    with in_b():
        assert not AgencyInvolvement.objects.filter(pupil_id=pupil.pk).exists()


def test_a_manchester_pupil_with_an_ehc_plan_has_a_passport_for_its_targets(on_toolkit, senco):
    from send_core.ehc.models import EhcPlan

    on_toolkit("manchester")
    with pytest.raises(ValidationError):
        _journey(senco, outcomes=0, agency=False)
    pupil = Pupil.objects.get()
    EhcPlan.objects.create(pupil=pupil, status="final", issued_on=datetime.date.today(), section_a="About me")
    place_on_register(pupil, "ehc_plan", reason="EHC plan issued", decided_by=senco)
    assert create_plan(pupil, created_by=senco).title == "Pupil Passport"


@pytest.mark.parametrize("key", ["national", "essex", "cheshire_east"])
def test_other_toolkits_write_a_plan_without_an_agency(on_toolkit, senco, key):
    on_toolkit(key)
    _pupil, _entry, plan = _journey(senco, outcomes=1, agency=False)
    assert plan.title == current_toolkit().plan_name
