"""A Year 6 pupil at Ashgrove (primary) moving to Cedar High (secondary), with a full SEND record."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from send_core.models import CensusCode, ConsentScope, NeedRank, NeedType
from tests.send_core.factories import (
    AgencyInvolvementFactory,
    AssessmentFactory,
    ConsentFactory,
    DiagnosisFactory,
    MedicalConditionFactory,
    OutcomeProgressFactory,
    ParentCarerFactory,
    PlanProvisionFactory,
    PupilFactory,
    PupilNeedFactory,
    RegisterEntryFactory,
    ReviewFactory,
    active_plan_for,
)


def make_year6_pupil(*, destination=None, consent: bool = True, **fields):
    """A Year 6 pupil with register history, needs, a plan with a review, agencies, medical and consent."""
    today = timezone.localdate()
    school_year = today.year if today.month >= 9 else today.year - 1
    pupil = PupilFactory(
        nc_year="6",
        # Born in the school year eleven before this one, so Year 6 by age too (turns 11 this school year).
        date_of_birth=datetime.date(school_year - 10, 3, 2),
        destination_urn=destination.urn if destination else "",
        destination=destination.name if destination else "",
        **fields,
    )
    parent = ParentCarerFactory(pupil=pupil, name="Grace Adeyemi")
    RegisterEntryFactory(
        pupil=pupil,
        census_code=CensusCode.NONE,
        started_on=datetime.date(today.year - 3, 1, 10),
        ended_on=datetime.date(today.year - 2, 9, 1),
    )
    RegisterEntryFactory(
        pupil=pupil, census_code=CensusCode.SEN_SUPPORT, started_on=datetime.date(today.year - 2, 9, 1)
    )
    PupilNeedFactory(
        pupil=pupil, need_type=NeedType.SPLD, rank=NeedRank.PRIMARY, started_on=datetime.date(today.year - 2, 9, 1)
    )
    PupilNeedFactory(
        pupil=pupil, need_type=NeedType.SLCN, rank=NeedRank.SECONDARY, started_on=datetime.date(today.year - 2, 9, 1)
    )
    DiagnosisFactory(pupil=pupil)
    plan = active_plan_for(pupil)
    plan.strategies = "Coloured overlays; instructions written down as well as said."
    plan.save()
    PlanProvisionFactory(plan=plan)
    review = ReviewFactory(plan=plan, held_on=today - datetime.timedelta(days=40), notes="Good progress with reading.")
    OutcomeProgressFactory(review=review, outcome=plan.outcomes.first())
    AgencyInvolvementFactory(pupil=pupil)
    MedicalConditionFactory(pupil=pupil, condition="Asthma", medication="Reliever inhaler")
    AssessmentFactory(pupil=pupil, assessed_on=today - datetime.timedelta(days=100), score=84)
    AssessmentFactory(pupil=pupil, assessed_on=today - datetime.timedelta(days=10), score=96)
    if consent:
        ConsentFactory(
            pupil=pupil,
            given_by=parent,
            scope=ConsentScope.SHARE_WITH_NEXT_SCHOOL,
            given_on=today - datetime.timedelta(days=20),
        )
    return pupil


@pytest.fixture
def transition(school_a, school_b, secondary, member, in_schema):
    """People in each school, and Ashgrove's Year 6 pupil bound for Cedar High (with consent)."""
    people = SimpleNamespace(
        senco_a=member(school_a, "senco"),
        teacher_a=member(school_a, "teacher"),
        senco_b=member(school_b, "senco"),
        senco_high=member(secondary, "senco", full_name="Helen Marsh"),
        teacher_high=member(secondary, "teacher"),
    )
    with in_schema(school_a):
        pupil = make_year6_pupil(destination=secondary, legal_first_name="Tomas", last_name="Nowak")
    return SimpleNamespace(primary=school_a, other=school_b, secondary=secondary, pupil=pupil, **vars(people))


@pytest.fixture
def move_clock(monkeypatch):
    """`move_clock(days)`: from now on, it is that many days later (the whole of Django sees it)."""

    def move(days: int) -> None:
        moved = timezone.now() + datetime.timedelta(days=days)
        monkeypatch.setattr(timezone, "now", lambda: moved)

    return move
