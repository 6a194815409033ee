"""The demo provision: rates, catalogue, groups with attendance and measures, a pupil above the threshold; twice safely."""

from __future__ import annotations

from django.utils import timezone

from send_core.demo import seed_demo_pupils
from send_core.provision.demo import seed_demo_provision
from send_core.provision.models import GroupMember, GroupSession, HourlyRate, Intervention, ProvisionGroup
from send_core.provision.selectors import provision_map
from send_core.provision.terms import current_term


def test_the_demo_school_gets_provision_once(in_a, staff, in_b):
    staff("senco", email="senco.millbrook@demo.cairn.test")
    staff("teacher", email="teacher.millbrook@demo.cairn.test")
    ta = staff("teaching_assistant", email="ta.millbrook@demo.cairn.test")
    seed_demo_pupils({"millbrook": in_a})
    seed_demo_provision({"millbrook": in_a})

    assert HourlyRate.objects.count() == 5 and Intervention.objects.count() == 11
    groups = list(ProvisionGroup.objects.all())
    assert len(groups) == 3
    assert ProvisionGroup.objects.filter(staff__user_id=ta.pk).exists()
    assert GroupSession.objects.filter(status="delivered").count() >= 6
    finished = GroupMember.objects.filter(exit_value__isnull=False)
    assert finished.exists() and all(m.exit_on <= timezone.localdate() for m in finished)
    the_map = provision_map(current_term(timezone.localdate()))
    assert the_map.rows and len(the_map.flagged) >= 1

    seed_demo_provision({"millbrook": in_a})
    assert ProvisionGroup.objects.count() == 3 and GroupMember.objects.count() == sum(g.members.count() for g in groups)
    with in_b():
        assert not ProvisionGroup.objects.exists()


def test_the_demo_trust_publishes_interventions_once(trust, member):
    from django.db import connection

    member(trust, "send_lead", email="send.lead@demo.cairn.test")
    seed_demo_provision({"riverstone": trust})
    seed_demo_provision({"riverstone": trust})
    connection.set_tenant(trust)
    try:
        assert set(Intervention.objects.values_list("name", flat=True)) == {"Precision teaching", "Socially Speaking"}
    finally:
        connection.set_schema_to_public()
