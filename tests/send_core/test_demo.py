"""The demo seeder gives each demo school a true picture at every stage, and runs twice safely."""

import time

from django.db import connection
from django.utils import timezone
from send_platform.audit.models import AuditEvent

from send_core.demo import seed_demo_pupils
from send_core.ehc.demo import school_plan_copy
from send_core.models import (
    AgencyInvolvement,
    Assessment,
    Concern,
    ParentMeeting,
    PlanStatus,
    Pupil,
    RegisterEntry,
    Review,
    SupportPlan,
)
from send_core.selectors import (
    current_stage,
    pupils_with_fewer_than_three_reviews,
    register_summary,
    reviews_overdue,
    visible_pupils,
)
from send_core.upn import validate_upn
from tenants.services import add_membership


def test_the_demo_school_shows_something_true_on_every_page(in_a, staff, in_b):
    senco = staff("senco", email="senco.millbrook@demo.cairn.test")
    teacher = staff("teacher", email="teacher.millbrook@demo.cairn.test")
    staff("teaching_assistant", email="ta.millbrook@demo.cairn.test")
    today = timezone.localdate()

    started = time.perf_counter()
    seed_demo_pupils({"millbrook": in_a, "westmere": None}, ehc_plan_copy=school_plan_copy)
    seconds = time.perf_counter() - started

    pupils = list(Pupil.objects.all())
    assert 30 <= len(pupils) <= 60
    for pupil in pupils:
        validate_upn(pupil.upn)
    assert len({p.upn for p in pupils}) == len(pupils)

    summary = register_summary(today)
    stages = {c.stage_key: c.count for c in summary.by_stage}
    assert stages["monitoring"] >= 3 and stages["sen_support"] >= 8 and stages["ehc_plan"] >= 2
    assert summary.by_primary_need and all(n.need_type != "NSA" for n in summary.by_primary_need)

    active = SupportPlan.objects.filter(status=PlanStatus.ACTIVE)
    assert active.count() >= 10
    for plan in active:
        assert 1 <= plan.outcomes.count() <= 4
        assert all(not o.missing_smart_parts for o in plan.outcomes.all())
    assert SupportPlan.objects.filter(status=PlanStatus.REVIEWED).exists()  # a revised plan
    assert SupportPlan.objects.filter(ehc_request_recommended=True).exists()
    assert Review.objects.filter(status="closed").count() >= 10
    assert reviews_overdue(today, user=senco, roles=frozenset({"senco"})).count() >= 2
    assert pupils_with_fewer_than_three_reviews(today, user=senco, roles=frozenset({"senco"}))
    assert Concern.objects.filter(status="open").exists() and Concern.objects.filter(status="escalated").exists()
    assert Assessment.objects.values("pupil").distinct().count() >= 8
    assert AgencyInvolvement.objects.filter(consent__isnull=False).exists()
    assert ParentMeeting.objects.exists()
    # Someone has left SEN Support and is back at monitoring, with their history kept.
    exited = [
        p
        for p in pupils
        if (s := current_stage(p)) and s.stage_key == "monitoring" and RegisterEntry.objects.filter(pupil=p).count() > 2
    ]
    assert exited

    # The demo teacher sees their own class, which has pupils at every stage.
    mine = visible_pupils(teacher, frozenset({"teacher"}))
    assert 0 < mine.count() < len(pupils)
    assert {current_stage(p).census_code for p in mine if current_stage(p)} == {"N", "K", "E"}
    assert AuditEvent.objects.filter(actor_id=senco.pk).exists()
    assert seconds < 60

    # A second run changes nothing.
    counts = (Pupil.objects.count(), Review.objects.count(), AuditEvent.objects.count())
    seed_demo_pupils({"millbrook": in_a})
    assert (Pupil.objects.count(), Review.objects.count(), AuditEvent.objects.count()) == counts
    with in_b():
        assert not Pupil.objects.exists()


def test_a_school_without_its_demo_senco_is_skipped(in_a):
    seed_demo_pupils({"oakfield": in_a})
    assert not Pupil.objects.exists()


def test_the_same_cast_every_time(in_a, staff, school_b, in_b):
    senco = staff("senco", email="senco.oakfield@demo.cairn.test")
    connection.set_schema_to_public()
    add_membership(user=senco, organisation=school_b, role="senco")
    connection.set_tenant(in_a)
    seed_demo_pupils({"oakfield": in_a})
    names_a = sorted((p.legal_first_name, p.last_name) for p in Pupil.objects.all())
    assert names_a
    # Same seed and dates in another schema give the same children.
    seed_demo_pupils({"oakfield": school_b})
    with in_b():
        assert sorted((p.legal_first_name, p.last_name) for p in Pupil.objects.all()) == names_a


def test_with_the_real_demo_organisations_primary_and_secondary(db, in_schema):
    from tenants.demo import seed_demo_organisations

    organisations = seed_demo_organisations()
    wanted = {slug: organisations[slug] for slug in ("st-aidans", "harbourside")}
    seed_demo_pupils({**organisations, "millbrook": None, "oakfield": None, **wanted})
    for slug in ("st-aidans", "harbourside"):
        with in_schema(organisations[slug]):
            pupils = list(Pupil.objects.select_related("school_class"))
            assert 30 <= len(pupils) <= 60
            if slug == "harbourside":
                assert {p.nc_year for p in pupils} <= {"7", "8", "9", "10", "11"}
                assert all(p.school_class.name[0].isdigit() for p in pupils)
            assert SupportPlan.objects.filter(status=PlanStatus.ACTIVE).exists()
    with in_schema(organisations["millbrook"]):
        assert not Pupil.objects.exists()
