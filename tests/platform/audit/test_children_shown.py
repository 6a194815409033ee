"""One audit row per response listing the children shown; refusals in the actor's own trail, throttled."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context
from send_platform.audit.models import AuditEvent
from send_platform.audit.services import REFUSALS_PER_MINUTE, record_children_shown, record_refusal

from send_core.selectors.audit import record_trail, who_viewed
from tests.send_core.factories import PupilFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_one_row_lists_each_child_once_in_order(member, school_a, school_b, in_schema):
    senco = member(school_a, "senco")
    with in_schema(school_a):
        event = record_children_shown(
            actor=senco, acting_organisation=school_a, pupil_ids=[9, 3, 9, 5], what="pupil list"
        )
        assert AuditEvent.objects.count() == 1
        assert event.pupil_ids == [3, 5, 9] and event.pupil_id is None
        assert event.summary == "Viewed pupil list" and event.detail == {"what": "pupil list", "count": 3}
    with in_schema(school_b):
        assert not AuditEvent.objects.exists()


def test_a_response_that_showed_no_child_writes_nothing(member, school_a, in_schema):
    senco = member(school_a, "senco")
    with in_schema(school_a):
        assert record_children_shown(actor=senco, acting_organisation=school_a, pupil_ids=[], what="x") is None
        assert not AuditEvent.objects.exists()


def test_who_viewed_finds_a_child_in_a_list_row_and_only_that_child(member, school_a, in_schema):
    senco = member(school_a, "senco")
    with in_schema(school_a):
        shown, other = PupilFactory(), PupilFactory()
        record_children_shown(actor=senco, acting_organisation=school_a, pupil_ids=[shown.pk], what="pupil list")
        assert [e.summary for e in who_viewed(shown)] == ["Viewed pupil list"]
        assert [e.summary for e in record_trail(shown)] == ["Viewed pupil list"]
        assert not who_viewed(other).exists()


def test_a_non_members_refusal_goes_in_their_own_public_trail_not_the_targets(member, school_a, school_b, in_schema):
    outsider = member(school_b, "senco")
    event = record_refusal(
        actor=outsider, refused_at=school_a, reason="not a member", route="send_core:pupils", method="GET"
    )
    assert event is not None
    with schema_context("public"):
        row = AuditEvent.objects.get(actor_id=outsider.pk)
        assert row.action == "denied" and row.summary == "Refused: not a member"
        assert row.detail == {"refused_organisation_id": school_a.pk, "route": "send_core:pupils", "method": "GET"}
    with in_schema(school_a):
        assert not AuditEvent.objects.exists()


def test_text_from_the_caller_never_reaches_a_trail(member, school_a):
    outsider = member(school_a, "governor")
    record_refusal(actor=outsider, refused_at=school_a, reason="exchange API", route="x", method="<script>")
    with schema_context("public"):
        assert AuditEvent.objects.get(actor_id=outsider.pk).detail["method"] == "other"


def test_refusals_stop_being_written_after_the_throttle(member, school_a, school_b):
    outsider = member(school_b, "senco")
    written = [
        record_refusal(actor=outsider, refused_at=organisation, reason="not a member")
        for organisation in [school_a, school_b] * REFUSALS_PER_MINUTE
    ]
    # The count is the person's, whichever organisation they knock at.
    assert sum(event is not None for event in written) == REFUSALS_PER_MINUTE == 10
    with schema_context("public"):
        assert AuditEvent.objects.filter(actor_id=outsider.pk, action="denied").count() == 10
    # Someone else is not held back by it.
    assert record_refusal(actor=member(school_a), refused_at=school_b, reason="not a member") is not None
