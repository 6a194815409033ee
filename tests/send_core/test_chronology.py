"""One chronology per pupil, in time order, filterable, at a fixed number of queries."""

import datetime

import pytest

from send_core.chronology import ChronologyKind, pupil_chronology
from send_core.models import Document, Pupil
from send_core.services.agencies import record_consent, refer_to_agency, withdraw_consent
from send_core.services.assessments import record_assessment
from send_core.services.concerns import escalate_concern_to_sen_support, raise_concern, record_concern_discussion
from send_core.services.meetings import record_parent_meeting
from send_core.services.plans import activate_plan, add_outcome, create_plan
from send_core.services.register import place_on_register
from send_core.services.reviews import close_review, record_review
from tests.send_core.factories import AgencyFactory, ParentCarerFactory, PupilFactory

D = datetime.date
SMART = {"measure": "Sounds read", "baseline": "12 of 44", "target": "30 of 44", "target_date": D(2025, 7, 1)}


@pytest.fixture
def story(in_a, staff):
    """A year of one pupil's record, made through the services."""
    senco = staff("senco")
    pupil = PupilFactory()
    mum = ParentCarerFactory(pupil=pupil)
    place_on_register(pupil, "monitoring", reason="Teacher concern", decided_by=senco, on=D(2024, 9, 16))
    concern = raise_concern(
        pupil, raised_by=senco, concern="Not blending", area="cognition_learning", raised_on=D(2024, 9, 16)
    )
    record_concern_discussion(
        concern, recorded_by=senco, discussion="Agreed", next_steps="Phonics catch-up", discussed_on=D(2024, 9, 20)
    )
    escalate_concern_to_sen_support(
        concern,
        decided_by=senco,
        reason="Gap widening",
        notification_method="letter",
        on=D(2024, 11, 4),
        need_type="SPLD",
    )
    plan = create_plan(pupil, created_by=senco)
    add_outcome(plan, changed_by=senco, description="Blend CVC words", **SMART)
    activate_plan(plan, activated_by=senco, on=D(2024, 11, 11))
    record_assessment(pupil, recorded_by=senco, kind="phonics_phase", assessed_on=D(2024, 9, 18), score=2)
    record_assessment(pupil, recorded_by=senco, kind="phonics_phase", assessed_on=D(2025, 1, 20), score=3)
    consent = record_consent(pupil, scope="referral", given_by=mum, given_on=D(2024, 11, 20), recorded_by=senco)
    refer_to_agency(pupil, agency=AgencyFactory(name="Westmere SALT"), referred_by=senco, referred_on=D(2024, 11, 25))
    record_parent_meeting(pupil, recorded_by=senco, held_on=D(2025, 2, 3), kind="review", agreed_actions="Keep going")
    review = record_review(
        plan,
        recorded_by=senco,
        held_on=D(2025, 2, 3),
        participants=[{"role": "parent", "name": "Mum"}],
        progress={plan.outcomes.get().pk: "partly_met"},
        decision="continue",
        next_review_on=D(2025, 5, 12),
    )
    close_review(review, closed_by=senco, on=D(2025, 2, 4))
    withdraw_consent(consent, withdrawn_on=D(2025, 3, 3), recorded_by=senco)
    Document.objects.create(
        pupil=pupil,
        title="SALT report",
        kind="report",
        original_filename="salt.pdf",
        content_type="application/pdf",
        size=1000,
        sha256="a" * 64,
        wrapped_key=b"k",
        storage_name="x/y.bin",
    )
    return pupil


def test_everything_in_time_order(story, in_b):
    entries = pupil_chronology(story, until=D(2025, 12, 31))
    dates = [e.date for e in entries]
    assert dates == sorted(dates)
    titles = [e.title for e in entries]
    for expected in (
        "Register: Monitoring (first concerns)",
        "Concern raised by a member of staff",
        "Concern discussed",
        "Need recorded: Specific learning difficulty (primary need)",
        "Register: SEN Support",
        "Concern escalated to SEN Support",
        "Parents told: SEN provision started",
        "SEN Support Plan made active",
        "Phonics phase: 2",
        "Consent given: referral to an outside agency",
        "Referred to Westmere SALT",
        "Meeting with parents: review meeting",
        "Review held: Continue the plan",
        "Consent withdrawn: referral to an outside agency",
    ):
        assert expected in titles, expected
    assert titles.index("Register: Monitoring (first concerns)") < titles.index("Register: SEN Support")
    assert (
        titles.index("Register: SEN Support")
        < titles.index("SEN Support Plan made active")
        < titles.index("Review held: Continue the plan")
    )
    # Every source appears (the document was uploaded today, so it needs no date limit).
    assert {e.kind for e in pupil_chronology(story)} == set(ChronologyKind.values)
    review = next(e for e in entries if e.kind == "review")
    assert review.url_name == "send_core:review" and review.object_id
    with in_b():
        assert not Pupil.objects.filter(upn=story.upn).exists()


def test_filter_by_kind_and_dates(story):
    reviews_and_meetings = pupil_chronology(story, kinds=["review", "meeting"])
    assert {e.kind for e in reviews_and_meetings} == {"review", "meeting"}
    autumn = pupil_chronology(story, since=D(2024, 11, 1), until=D(2024, 11, 30))
    assert autumn and all(D(2024, 11, 1) <= e.date <= D(2024, 11, 30) for e in autumn)
    assert pupil_chronology(story, newest_first=True)[0].date >= pupil_chronology(story)[-1].date
    with pytest.raises(ValueError, match="Unknown chronology kind"):
        pupil_chronology(story, kinds=["gossip"])


def test_one_query_per_source_whatever_the_length(story, max_queries):
    for n in range(30):
        record_assessment_direct = story.assessments.create(kind="reading_age", assessed_on=D(2025, 1, 1), score=80 + n)
        assert record_assessment_direct.pk
    with max_queries(12):
        everything = pupil_chronology(story)
    assert sum(1 for e in everything if e.kind == "assessment") == 32
    with max_queries(1):
        pupil_chronology(story, kinds=["assessment"])
