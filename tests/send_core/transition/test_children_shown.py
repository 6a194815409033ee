"""The Year 6 transition board is one audit row per response, naming each child on it."""

from __future__ import annotations

from send_platform.audit.models import AuditEvent

from tests.send_core.transition.conftest import make_year6_pupil


def test_the_board_is_one_row_naming_each_child(transition, client_for, in_schema):
    with in_schema(transition.primary):
        more = [make_year6_pupil(destination=transition.secondary) for _ in range(3)]
        AuditEvent.objects.all().delete()
    assert client_for(transition.senco_a, transition.primary).get("/transition/").status_code == 200
    with in_schema(transition.primary):
        [row] = AuditEvent.objects.all()
        assert row.pupil_ids == sorted([transition.pupil.pk, *(pupil.pk for pupil in more)])
    for other in (transition.other, transition.secondary):
        with in_schema(other):
            assert not AuditEvent.objects.filter(actor_id=transition.senco_a.pk).exists()
