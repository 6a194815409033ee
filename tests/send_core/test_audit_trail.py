"""Every change to a pupil's record is in the school's own trail; views are recorded; nothing personal in details."""

import datetime

from send_platform.audit.models import AuditEvent

from send_core.selectors import record_trail, who_viewed
from send_core.services.concerns import raise_concern
from send_core.services.needs import add_need
from send_core.services.pupils import update_pupil
from send_core.services.register import place_on_register
from send_core.services.viewing import record_pupil_view
from tests.send_core.factories import PupilFactory


def test_views_are_recorded_and_the_senco_sees_who_looked(in_a, staff, in_b):
    senco, head = staff("senco"), staff("headteacher")
    pupil = PupilFactory()
    record_pupil_view(head, pupil, in_a, "plan")
    record_pupil_view(senco, pupil, in_a, "chronology")
    views = list(who_viewed(pupil))
    assert [(v.actor_id, v.detail["what"], v.acting_organisation_id) for v in views] == [
        (senco.pk, "chronology", in_a.pk),
        (head.pk, "plan", in_a.pk),
    ]
    assert all(v.pupil_id == pupil.pk and v.action == "view" for v in views)
    with in_b():
        assert not who_viewed(pupil).exists()  # school A's trail stays in school A


def test_changes_name_fields_not_values(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory(legal_first_name="Persephone", last_name="Aldous-Wright")
    update_pupil(pupil, changed_by=senco, preferred_name="Percy", eal=True)
    add_need(pupil, need_type="SEMH", rank="primary", recorded_by=senco, notes="Anxiety about lunchtimes")
    raise_concern(pupil, raised_by=senco, concern="Hiding in the toilets at lunch")
    place_on_register(
        pupil,
        "sen_support",
        reason="Anxiety affecting learning",
        decided_by=senco,
        notification_method="phone",
        on=datetime.date.today(),
    )
    events = list(record_trail(pupil))
    assert {e.object_type for e in events} == {"pupil", "pupilneed", "concern", "registerentry", "parentnotification"}
    update = next(e for e in events if e.object_type == "pupil")
    assert update.detail == {"fields": ["eal", "preferred_name"]} and update.actor_id == senco.pk
    everything = " ".join(f"{e.summary} {e.detail} {e.actor_label}" for e in AuditEvent.objects.all())
    for personal in ("Persephone", "Aldous", "Percy", "Anxiety", "lunch", "toilets"):
        assert personal not in everything
