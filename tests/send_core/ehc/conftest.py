"""Fixtures for EHC work: encrypted storage in a temporary folder, people on both sides, a pupil ready for a request."""

from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from send_core.models import AgencyInvolvement, ConsentScope, PlanProvision, ReviewStatus
from tests.send_core.factories import (
    AgencyFactory,
    AssessmentFactory,
    ConsentFactory,
    ParentCarerFactory,
    PupilFactory,
    ReviewFactory,
    active_plan_for,
    on_register,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    settings.CAIRN_DOCUMENT_SCANNER = "integrations.exchange.scanning.RefuseUnknownTypesScanner"
    return root


@pytest.fixture
def people(member, school_a, school_b, la):
    return SimpleNamespace(
        senco=member(school_a, "senco"),
        head=member(school_a, "headteacher"),
        teacher=member(school_a, "teacher"),
        senco_b=member(school_b, "senco"),
        caseworker=member(la, "caseworker", full_name="Casey Worker"),
        manager=member(la, "sen_manager", full_name="Morgan Manager"),
    )


def make_ready_pupil(*, with_consent: bool = True, with_reviews: bool = True):
    """A Year 4 pupil at SEN Support with what a request needs: plan, reviews, provision, attainment, advice."""
    pupil = PupilFactory(legal_first_name="Amara", last_name="Okafor", nc_year="4")
    on_register(pupil)
    plan = active_plan_for(pupil, outcomes=2)
    plan.parent_views = "We want Amara to enjoy reading at home."
    plan.child_views = "I like it when I can use the coloured overlay."
    plan.save()
    PlanProvision.objects.create(
        plan=plan, description="Toe by Toe, 1:1", frequency="daily", staff_role="TA", weekly_minutes=100
    )
    if with_reviews:
        for held_on in (datetime.date(2025, 1, 20), datetime.date(2025, 4, 28)):
            ReviewFactory(plan=plan, held_on=held_on, status=ReviewStatus.CLOSED)
    AssessmentFactory(pupil=pupil, assessed_on=datetime.date(2025, 1, 10), score=78)
    AssessmentFactory(pupil=pupil, assessed_on=datetime.date(2025, 6, 10), score=80)
    AgencyInvolvement.objects.create(
        pupil=pupil,
        agency=AgencyFactory(),
        referred_on=datetime.date(2025, 2, 1),
        report_received_on=datetime.date(2025, 3, 1),
    )
    parent = ParentCarerFactory(pupil=pupil, name="Grace Okafor")
    if with_consent:
        ConsentFactory(
            pupil=pupil, given_by=parent, scope=ConsentScope.SHARE_WITH_LA, given_on=datetime.date(2025, 9, 1)
        )
    return pupil
