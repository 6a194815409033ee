"""Factories for a school's SEND records. Use them inside a school's schema (`in_schema(school_a)`).

They write rows directly, without the services' rules or audit, to set the scene for a test;
the behaviour under test always goes through the services.
"""

from __future__ import annotations

import datetime
import itertools

import factory

from send_core.models import (
    Agency,
    AgencyInvolvement,
    AgencyKind,
    Assessment,
    AssessmentKind,
    CensusCode,
    ClassTeacher,
    Concern,
    Consent,
    ConsentScope,
    Diagnosis,
    Document,
    MedicalCondition,
    NCYear,
    NeedRank,
    NeedType,
    OutcomeProgress,
    ParentCarer,
    ParentMeeting,
    ParentNotification,
    PlanOutcome,
    PlanProvision,
    PlanStatus,
    PlanVersion,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Review,
    ReviewStatus,
    SchoolClass,
    StaffTraining,
    SupportPlan,
)
from send_core.models.needs import AREA_FOR_NEED_TYPE
from send_core.upn import make_upn

# Role sets as `request.roles` carries them.
SENCO = frozenset({"senco"})
HEAD = frozenset({"headteacher"})
TEACHER = frozenset({"teacher"})
TA = frozenset({"teaching_assistant"})
OFFICE = frozenset({"school_admin"})
GOVERNOR = frozenset({"governor"})
BUSINESS = frozenset({"business_manager"})

_serials = itertools.count(1)
STAGE_FOR_CODE = {
    CensusCode.NONE: ("monitoring", "Monitoring (first concerns)"),
    CensusCode.SEN_SUPPORT: ("sen_support", "SEN Support"),
    CensusCode.EHC_PLAN: ("ehc_plan", "EHC plan"),
}


def next_upn(*, temporary: bool = False) -> str:
    """A valid UPN not used before in this test run."""
    serial = next(_serials)
    return make_upn("881", "2101", 10 + serial // 1000, serial % 1000, temporary=temporary)


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    name = factory.Sequence(lambda n: f"Class {n}")
    year_group = NCYear.Y4


class ClassTeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassTeacher

    school_class = factory.SubFactory(SchoolClassFactory)
    role = "teacher"


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    upn = factory.LazyFunction(next_upn)
    legal_first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = datetime.date(2016, 5, 17)
    sex = "F"
    nc_year = NCYear.Y4
    school_class = factory.SubFactory(SchoolClassFactory)
    admission_date = datetime.date(2020, 9, 3)


class ParentCarerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentCarer

    pupil = factory.SubFactory(PupilFactory)
    name = factory.Faker("name", locale="en_GB")
    relationship = "mother"
    parental_responsibility = True
    is_primary_contact = False


class PupilNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilNeed

    pupil = factory.SubFactory(PupilFactory)
    need_type = NeedType.SPLD
    area = factory.LazyAttribute(lambda o: AREA_FOR_NEED_TYPE.get(o.need_type, "cognition_learning"))
    rank = NeedRank.PRIMARY
    started_on = datetime.date(2023, 9, 1)


class RegisterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisterEntry

    pupil = factory.SubFactory(PupilFactory)
    census_code = CensusCode.SEN_SUPPORT
    stage_key = factory.LazyAttribute(lambda o: STAGE_FOR_CODE[o.census_code][0])
    stage_label = factory.LazyAttribute(lambda o: STAGE_FOR_CODE[o.census_code][1])
    started_on = datetime.date(2023, 9, 1)
    reason = "Agreed at a planning meeting"


class SupportPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlan

    pupil = factory.SubFactory(PupilFactory)
    title = "SEN Support Plan"
    toolkit_key = "national"
    status = PlanStatus.DRAFT
    strengths = "Loves drawing and building models."
    strategies = "Short instructions, one at a time; a visual timetable."


class PlanOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanOutcome

    plan = factory.SubFactory(SupportPlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    description = "Read and spell the first 100 high-frequency words."
    measure = "Words read correctly from the list"
    baseline = "42 of 100"
    target = "80 of 100"
    target_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))
    area = "cognition_learning"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    plan = factory.SubFactory(SupportPlanFactory)
    pupil = factory.SelfAttribute("plan.pupil")
    held_on = datetime.date(2024, 1, 15)
    participants = factory.LazyFunction(lambda: [{"role": "parent", "name": "Parent"}])
    decision = "continue"
    status = ReviewStatus.CLOSED


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    pupil = factory.SubFactory(PupilFactory)
    raised_by_kind = "teacher"
    raised_on = datetime.date(2024, 10, 1)
    concern = "Finds it hard to settle after break and struggles with reading."
    area = "cognition_learning"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    kind = AgencyKind.SPEECH_LANGUAGE
    name = factory.Sequence(lambda n: f"Speech and language therapy {n}")


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    pupil = factory.SubFactory(PupilFactory)
    scope = ConsentScope.REFERRAL
    given_by = factory.SubFactory(ParentCarerFactory, pupil=factory.SelfAttribute("..pupil"))
    given_on = datetime.date(2024, 9, 10)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    pupil = factory.SubFactory(PupilFactory)
    kind = AssessmentKind.READING_AGE
    assessed_on = datetime.date(2024, 9, 10)
    score = 84


def on_register(
    pupil: Pupil,
    *,
    census_code: str = CensusCode.SEN_SUPPORT,
    since: datetime.date = datetime.date(2023, 9, 1),
    need_type: str = NeedType.SPLD,
) -> RegisterEntry:
    """Give a pupil a primary need and an open register entry (no services, no audit)."""
    if not PupilNeed.objects.filter(pupil=pupil, rank=NeedRank.PRIMARY, ended_on__isnull=True).exists():
        PupilNeedFactory(pupil=pupil, need_type=need_type, started_on=since)
    return RegisterEntryFactory(pupil=pupil, census_code=census_code, started_on=since)


def active_plan_for(pupil: Pupil, *, outcomes: int = 2, review_due_on: datetime.date | None = None) -> SupportPlan:
    """An active plan with SMART outcomes (no services, no audit)."""
    plan = SupportPlanFactory(
        pupil=pupil,
        status=PlanStatus.ACTIVE,
        starts_on=datetime.date(2024, 9, 1),
        activated_on=datetime.date(2024, 9, 1),
        review_due_on=review_due_on or datetime.date.today() + datetime.timedelta(days=60),
    )
    for order in range(1, outcomes + 1):
        PlanOutcomeFactory(plan=plan, order=order)
    return plan


def bulk_pupils(count: int, *, school_class: SchoolClass | None = None, nc_year: str = NCYear.Y4) -> list[Pupil]:
    """Many pupils in one insert (for list and query-count tests)."""
    pupils = [
        Pupil(
            upn=next_upn(),
            legal_first_name=f"Pupil{index}",
            last_name=f"Surname{index:04d}",
            date_of_birth=datetime.date(2016, 1, 1) + datetime.timedelta(days=index % 300),
            sex="F" if index % 2 else "M",
            nc_year=nc_year,
            school_class=school_class,
        )
        for index in range(count)
    ]
    return Pupil.objects.bulk_create(pupils)


def bulk_on_register(pupils: list[Pupil], *, since: datetime.date, census_code: str = CensusCode.SEN_SUPPORT) -> None:
    """Give many pupils a primary need and an open register entry, in two inserts."""
    key, label = STAGE_FOR_CODE[census_code]
    PupilNeed.objects.bulk_create(
        [
            PupilNeed(
                pupil=p, need_type=NeedType.SPLD, area="cognition_learning", rank=NeedRank.PRIMARY, started_on=since
            )
            for p in pupils
        ]
    )
    RegisterEntry.objects.bulk_create(
        [
            RegisterEntry(
                pupil=p, stage_key=key, stage_label=label, census_code=census_code, started_on=since, reason="x"
            )
            for p in pupils
        ]
    )


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnosis

    pupil = factory.SubFactory(PupilFactory)
    name = "Autism spectrum condition"
    diagnosed_on = datetime.date(2023, 5, 2)
    source = "paediatrics"


class ParentNotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentNotification

    pupil = factory.SubFactory(PupilFactory)
    kind = "sen_provision_started"
    sent_on = datetime.date(2024, 11, 4)
    method = "letter"


class PlanProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanProvision

    plan = factory.SubFactory(SupportPlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    description = "Toe by Toe"
    frequency = "Daily, 15 minutes"
    staff_role = "Teaching assistant"
    weekly_minutes = 75


class PlanVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(SupportPlanFactory)
    version = factory.SelfAttribute("plan.version")
    snapshot = factory.LazyFunction(lambda: {"outcomes": [], "provision": []})
    summary = "Drafted"


class OutcomeProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeProgress

    review = factory.SubFactory(ReviewFactory)
    outcome = factory.SubFactory(PlanOutcomeFactory, plan=factory.SelfAttribute("..review.plan"))
    progress = "partly_met"


class ParentMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentMeeting

    pupil = factory.SubFactory(PupilFactory)
    held_on = datetime.date(2024, 11, 4)
    kind = "termly"
    attendees = factory.LazyFunction(lambda: [{"role": "parent", "name": "Parent"}])


class AgencyInvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyInvolvement

    pupil = factory.SubFactory(PupilFactory)
    agency = factory.SubFactory(AgencyFactory)
    referred_on = datetime.date(2024, 10, 1)
    consent = factory.SubFactory(ConsentFactory, pupil=factory.SelfAttribute("..pupil"))


class MedicalConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MedicalCondition

    pupil = factory.SubFactory(PupilFactory)
    condition = "Asthma"
    medication = "Reliever inhaler"


class StaffTrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffTraining

    course = "Zones of Regulation"
    completed_on = datetime.date(2024, 11, 5)
    area = "semh"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    pupil = factory.SubFactory(PupilFactory)
    title = "Speech and language therapy report"
    kind = "report"
    original_filename = "salt-report.pdf"
    content_type = "application/pdf"
    size = 48213
    sha256 = "0" * 64
    wrapped_key = b"wrapped"
    storage_name = factory.Sequence(lambda n: f"documents/{n:08d}.bin")
