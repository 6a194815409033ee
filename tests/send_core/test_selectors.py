"""List reads cost a fixed number of queries, with 50 pupils or 600."""

import datetime

import pytest

from send_core.models import CensusCode, PlanOutcome, PlanStatus, Review, ReviewStatus, SupportPlan
from send_core.selectors import (
    draft_plans,
    medical_register,
    open_concerns,
    pupil_list,
    pupils_with_fewer_than_three_reviews,
    register_on,
    register_summary,
    reviews_due,
    reviews_overdue,
    school_classes,
)
from tests.send_core.factories import (
    SENCO,
    TEACHER,
    ClassTeacherFactory,
    SchoolClassFactory,
    bulk_on_register,
    bulk_pupils,
)

D = datetime.date
ON = D(2025, 3, 3)


def _school_of(count, teacher):
    school_class = SchoolClassFactory()
    ClassTeacherFactory(school_class=school_class, user=teacher)
    pupils = bulk_pupils(count, school_class=school_class)
    bulk_on_register(pupils, since=D(2023, 9, 1))
    plans = SupportPlan.objects.bulk_create(
        [
            SupportPlan(
                pupil=p,
                title="SEN Support Plan",
                status=PlanStatus.ACTIVE,
                starts_on=D(2024, 9, 1),
                activated_on=D(2024, 9, 1),
                review_due_on=ON + datetime.timedelta(days=(i % 40) - 20),
            )
            for i, p in enumerate(pupils)
        ]
    )
    PlanOutcome.objects.bulk_create([PlanOutcome(plan=plan, order=1, description="x") for plan in plans])
    Review.objects.bulk_create(
        [
            Review(plan=plan, pupil_id=plan.pupil_id, held_on=D(2024, 12, 1), status=ReviewStatus.CLOSED)
            for plan in plans[::2]
        ]
    )
    return pupils


@pytest.mark.parametrize("count", [50, 600])
def test_list_selectors_cost_the_same_whatever_the_number_of_pupils(in_a, staff, in_b, count, max_queries):
    senco, teacher = staff("senco"), staff("teacher")
    _school_of(count, teacher)
    for user, roles in ((senco, SENCO), (teacher, TEACHER)):
        with max_queries(1):
            rows = list(pupil_list(user, roles, on=ON))
            assert len(rows) == count and all(r.school_class.name for r in rows)
            assert {r.current_census_code for r in rows} == {CensusCode.SEN_SUPPORT}
        with max_queries(1):
            entries = list(register_on(ON, user=user, roles=roles))
            assert len(entries) == count and all(e.pupil.school_class_id for e in entries)
        with max_queries(1):
            due = list(reviews_due(ON, user=user, roles=roles))
            assert due and all(p.pupil.last_name and p.pupil.school_class.name for p in due)
        with max_queries(1):
            overdue = list(reviews_overdue(ON, user=user, roles=roles))
            assert overdue and all(p.pupil.school_class.name for p in overdue)
        # Three reads, plus the school's LA (for its toolkit's review cadence).
        with max_queries(4):
            shortfalls = pupils_with_fewer_than_three_reviews(ON, user=user, roles=roles)
            assert len(shortfalls) == count and all(s.pupil.school_class.name for s in shortfalls)
        with max_queries(1):
            list(open_concerns(user=user, roles=roles))
        with max_queries(1):
            list(draft_plans(user=user, roles=roles))
        with max_queries(1):
            list(medical_register(user=user, roles=roles))
    # Two counts, plus the toolkit lookup.
    with max_queries(3):
        summary = register_summary(ON)
        assert summary.on_register == count
    with max_queries(2):
        classes = list(school_classes())
        assert [c.pupil_count for c in classes] == [count]
        assert [link.user.email for c in classes for link in c.staff.all()] == [teacher.email]
    with in_b():
        assert not pupil_list(senco, SENCO, on=ON).exists()
        assert register_summary(ON).on_register == 0
