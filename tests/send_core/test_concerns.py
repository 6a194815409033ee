"""Concerns: raised, discussed, closed or escalated to SEN Support in one act."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from send_core.models import CensusCode, Concern, ConcernStatus, NeedRank, ParentNotification, PupilNeed, RegisterEntry
from send_core.selectors import concerns_due_for_review, current_stage, open_concerns
from send_core.services.concerns import (
    close_concern,
    escalate_concern_to_sen_support,
    raise_concern,
    record_concern_discussion,
)
from send_core.services.register import place_on_register
from tests.send_core.factories import (
    SENCO,
    TEACHER,
    ClassTeacherFactory,
    ConcernFactory,
    PupilFactory,
    PupilNeedFactory,
)

D = datetime.date


@pytest.fixture
def taught(in_a, staff):
    """A teacher, and a pupil in their class."""
    teacher = staff("teacher")
    link = ClassTeacherFactory(user=teacher)
    return teacher, PupilFactory(school_class=link.school_class)


def test_a_teacher_raises_and_discusses_a_concern_about_their_pupil(taught, staff, in_b):
    teacher, pupil = taught
    concern = raise_concern(
        pupil,
        raised_by=teacher,
        concern="Not yet blending CVC words",
        area="cognition_learning",
        raised_on=D(2024, 10, 1),
    )
    assert concern.status == ConcernStatus.OPEN and concern.raised_by_id == teacher.pk
    concern = record_concern_discussion(
        concern,
        recorded_by=teacher,
        discussed_on=D(2024, 10, 8),
        participants=[{"role": "parent", "name": "Mrs Okoro"}, {"role": "teacher", "name": "Mr Hale"}],
        discussion="Mum sees the same at home with reading books.",
        next_steps="Daily phonics catch-up for six weeks; share sounds to practise at home.",
        review_on=D(2024, 11, 19),
    )
    assert concern.discussion_participants[0] == {"role": "parent", "name": "Mrs Okoro"}
    assert list(open_concerns(user=teacher, roles=TEACHER)) == [concern]
    assert list(concerns_due_for_review(D(2024, 11, 19), user=teacher, roles=TEACHER)) == [concern]
    assert not concerns_due_for_review(D(2024, 11, 18), user=teacher, roles=TEACHER).exists()
    with in_b():
        assert not Concern.objects.exists()
        assert not open_concerns(user=teacher, roles=TEACHER).exists()


def test_a_parent_or_the_child_can_raise_it_recorded_by_staff(taught):
    teacher, pupil = taught
    concern = raise_concern(pupil, raised_by=teacher, raised_by_kind="parent", concern="Worried about friendships")
    assert concern.get_raised_by_kind_display() == "A parent or carer"


def test_teachers_cannot_raise_concerns_about_pupils_they_do_not_teach(taught, staff):
    teacher, _ = taught
    stranger = PupilFactory()
    with pytest.raises(PermissionDenied):
        raise_concern(stranger, raised_by=teacher, concern="x")
    for role in ("school_admin", "governor", "business_manager"):
        with pytest.raises(PermissionDenied):
            raise_concern(stranger, raised_by=staff(role), concern="x")


def test_a_discussion_needs_what_was_said_and_next_steps(taught):
    teacher, pupil = taught
    concern = ConcernFactory(pupil=pupil)
    with pytest.raises(ValidationError, match="Record the next steps agreed"):
        record_concern_discussion(concern, recorded_by=teacher, discussion="Talked", next_steps=" ")
    with pytest.raises(ValidationError, match="Say what part each person played"):
        record_concern_discussion(
            concern,
            recorded_by=teacher,
            discussion="Talked",
            next_steps="Try X",
            participants=[{"role": "uncle", "name": "Bob"}],
        )


def test_closing_a_concern(in_a, staff):
    senco = staff("senco")
    concern = ConcernFactory()
    close_concern(concern, closed_by=senco, outcome="Settled after adapted seating plan", closed_on=D(2024, 12, 1))
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED and concern.closed_by_id == senco.pk
    with pytest.raises(ValidationError, match="already closed"):
        close_concern(concern, closed_by=senco, outcome="again")
    with pytest.raises(PermissionDenied):
        close_concern(ConcernFactory(), closed_by=staff("teacher"), outcome="x")


def test_escalating_records_the_primary_need_and_places_at_sen_support_in_one_act(in_a, staff, in_b):
    senco = staff("senco")
    pupil = PupilFactory()
    place_on_register(pupil, "monitoring", reason="Concern raised", decided_by=senco, on=D(2024, 10, 1))
    concern = ConcernFactory(pupil=pupil, raised_on=D(2024, 10, 1), area="cognition_learning")
    escalated = escalate_concern_to_sen_support(
        concern,
        decided_by=senco,
        reason="Gap widening despite six weeks of catch-up",
        notification_method="meeting",
        on=D(2024, 11, 20),
        need_type="SPLD",
    )
    assert escalated.status == ConcernStatus.ESCALATED and escalated.closed_on == D(2024, 11, 20)
    stage = current_stage(pupil)
    assert stage.census_code == CensusCode.SEN_SUPPORT and escalated.register_entry == stage
    need = PupilNeed.objects.get(pupil=pupil)
    assert need.rank == NeedRank.PRIMARY and need.need_type == "SPLD" and need.area == "cognition_learning"
    assert ParentNotification.objects.filter(pupil=pupil, kind="sen_provision_started").count() == 1
    with in_b():
        assert not RegisterEntry.objects.exists() and not Concern.objects.exists()


def test_escalating_without_a_primary_need_or_a_type_is_refused_and_changes_nothing(in_a, staff):
    senco = staff("senco")
    concern = ConcernFactory()
    with pytest.raises(ValidationError) as error:
        escalate_concern_to_sen_support(concern, decided_by=senco, reason="Needs more", notification_method="letter")
    assert "Record the pupil's primary need to place them at SEN Support" in str(error.value)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN
    assert not RegisterEntry.objects.filter(pupil=concern.pupil).exists()


def test_escalating_uses_an_existing_primary_need(in_a, staff):
    senco = staff("senco")
    concern = ConcernFactory()
    PupilNeedFactory(pupil=concern.pupil, need_type="SEMH", area="semh")
    escalate_concern_to_sen_support(concern, decided_by=senco, reason="Needs more", notification_method="letter")
    assert current_stage(concern.pupil).stage_key == "sen_support"
    assert PupilNeed.objects.filter(pupil=concern.pupil).count() == 1


def test_a_failed_escalation_rolls_back_the_need_it_recorded(in_a, staff):
    senco = staff("senco")
    concern = ConcernFactory()
    # No notification method: the register move is refused after the need was written, so both go.
    with pytest.raises(ValidationError, match="Parents must be told"):
        escalate_concern_to_sen_support(concern, decided_by=senco, reason="x", notification_method="", need_type="MLD")
    assert not PupilNeed.objects.filter(pupil=concern.pupil).exists()


def test_a_pupil_already_on_the_register_is_not_escalated_again(in_a, staff):
    senco = staff("senco")
    concern = ConcernFactory()
    PupilNeedFactory(pupil=concern.pupil)
    place_on_register(concern.pupil, "sen_support", reason="x", decided_by=senco, notification_method="letter")
    with pytest.raises(ValidationError, match="already on the SEN register at SEN Support"):
        escalate_concern_to_sen_support(concern, decided_by=senco, reason="x", notification_method="letter")
    assert list(open_concerns(user=senco, roles=SENCO)) == [concern]
