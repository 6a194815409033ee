"""The EHC request checklist counts what a toolkit asks for honestly: one review is not two."""

from __future__ import annotations

import dataclasses

import pytest

from send_core.ehc.evidence import evidence_for
from send_core.ehc.requests import services as request_acts
from send_core.models import Review, ReviewStatus
from send_core.toolkit import EvidenceItem, national_toolkit, register_toolkit, unregister_toolkit
from tests.send_core.ehc.conftest import make_ready_pupil
from tests.send_core.factories import ReviewFactory


@pytest.fixture
def two_reviews_first():
    """A toolkit that asks for reviews of two assess–plan–do–review cycles before a request."""
    national = national_toolkit()
    evidence = tuple(
        dataclasses.replace(item, minimum=2, label="Reviews of two cycles") if item.key == "reviews" else item
        for item in national.ehc_evidence
    )
    toolkit = dataclasses.replace(national, key="two-cycles", name="Two Cycles Toolkit", ehc_evidence=evidence)
    register_toolkit(toolkit)
    yield toolkit
    unregister_toolkit("two-cycles")


def _reviews_row(request, toolkit):
    return next(row for row in evidence_for(request, toolkit, today=request.created_at.date()) if row.key == "reviews")


def test_one_review_is_not_the_two_a_toolkit_asks_for(in_schema, school_a, people, two_reviews_first, in_b):
    with in_schema(school_a):
        pupil = make_ready_pupil(with_reviews=False)
        plan = pupil.plans.get()
        ReviewFactory(plan=plan, status=ReviewStatus.CLOSED)
        request = request_acts.start_ehc_request(pupil, started_by=people.senco)
        row = _reviews_row(request, two_reviews_first)
        assert not row.held and row.summary == "1 review; Two Cycles Toolkit asks for 2"
        # The national checklist asks for no number, so the one review is evidence there.
        national_row = _reviews_row(request, national_toolkit())
        assert national_row.held and national_row.summary == "1 review"
        second = ReviewFactory(plan=plan, status=ReviewStatus.CLOSED)
        row = _reviews_row(request, two_reviews_first)
        assert row.held and row.summary == "2 reviews"
        # A review still in draft is not yet evidence.
        Review.objects.filter(pk=second.pk).update(status=ReviewStatus.DRAFT)
        assert not _reviews_row(request, two_reviews_first).held
    with in_b():
        assert not Review.objects.exists()


def test_a_toolkit_cannot_ask_for_no_records():
    with pytest.raises(ValueError, match="at least one record"):
        dataclasses.replace(national_toolkit(), ehc_evidence=(EvidenceItem("reviews", "Reviews", minimum=0),))
