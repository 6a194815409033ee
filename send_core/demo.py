"""Demo pupils for the demo schools: fictional children at every stage of the graduated approach.

Every name and detail here is invented. Each school gets classes (the demo teacher and TA work
with one of them), pupils with valid UPNs, and for some of them concerns, needs, register
history, plans with SMART outcomes, reviews (some now overdue), assessments, agency referrals
with consent, meetings with parents, medical conditions and staff training. Everything is made
through the services, so it obeys the same rules and leaves the same audit trail as real use.

Dates are set relative to today, so there is always something due, overdue and recent; names and
choices come from a fixed seed per school, so the cast is the same on every run. A school that
already has pupils is left alone.
"""

from __future__ import annotations

import datetime
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Organisation, User

from .models import AREA_FOR_NEED_TYPE, AssessmentKind, NCYear, NeedType, Pupil, SchoolClass, SupportPlan
from .services.agencies import ensure_agency_catalogue, record_consent, refer_to_agency, update_involvement
from .services.assessments import record_assessment
from .services.concerns import escalate_concern_to_sen_support, raise_concern, record_concern_discussion
from .services.medical import record_medical_condition
from .services.meetings import record_parent_meeting
from .services.needs import add_need, record_diagnosis
from .services.plans import activate_plan, add_outcome, add_provision, create_plan, update_outcome
from .services.pupils import add_parent_carer, assign_class_staff, create_pupil, create_school_class
from .services.register import place_on_register
from .services.reviews import close_review, record_review
from .services.training import record_staff_training
from .upn import is_recognised_la_code, make_upn

logger = logging.getLogger(__name__)

DEMO_EMAIL_DOMAIN = "demo.cairn.test"
# School slug → the prefix of its demo staff's email addresses (senco.<prefix>@…).
DEMO_SCHOOLS: dict[str, str] = {
    "millbrook": "millbrook",
    "oakfield": "oakfield",
    "st-aidans": "staidans",
    "harbourside": "harbourside",
}

GIRLS = [
    "Amelia",
    "Isla",
    "Ava",
    "Freya",
    "Maya",
    "Zara",
    "Aisha",
    "Poppy",
    "Evie",
    "Ruby",
    "Hannah",
    "Leah",
    "Niamh",
    "Chloe",
    "Sofia",
    "Imogen",
    "Grace",
    "Layla",
    "Esme",
    "Phoebe",
    "Mia",
    "Ivy",
    "Nadia",
    "Orla",
    "Priya",
    "Keira",
    "Lily",
    "Rosie",
    "Aaliyah",
    "Eliza",
]
BOYS = [
    "Oliver",
    "Noah",
    "Leo",
    "Arlo",
    "Theo",
    "Jack",
    "Harry",
    "Oscar",
    "Alfie",
    "Kai",
    "Rohan",
    "Yusuf",
    "Finley",
    "Reuben",
    "Callum",
    "Mason",
    "Louis",
    "Ethan",
    "Ibrahim",
    "Toby",
    "Archie",
    "Zain",
    "Ollie",
    "Jayden",
    "Eli",
    "Logan",
    "Dylan",
    "Samuel",
    "Kofi",
    "Tomasz",
]
SURNAMES = [
    "Ashworth",
    "Begum",
    "Bennett",
    "Brennan",
    "Carver",
    "Chowdhury",
    "Dale",
    "Ellery",
    "Farrow",
    "Fenwick",
    "Garside",
    "Hale",
    "Hussain",
    "Ingram",
    "Jarvis",
    "Kaur",
    "Kowalski",
    "Lacey",
    "Marsden",
    "Mensah",
    "Nolan",
    "Okafor",
    "Pemberton",
    "Quinn",
    "Rahman",
    "Rowntree",
    "Sadler",
    "Thorne",
    "Underwood",
    "Vance",
    "Walsh",
    "Whitcombe",
    "Yardley",
    "Adeyemi",
    "Bakshi",
    "Crowther",
    "Doherty",
    "Egan",
    "Frost",
    "Greaves",
]

PRIMARY_CLASSES = (
    ("R Robins", "R"),
    ("1 Wrens", "1"),
    ("2 Finches", "2"),
    ("3 Kestrels", "3"),
    ("4 Owls", "4"),
    ("5 Herons", "5"),
    ("6 Falcons", "6"),
)
SECONDARY_CLASSES = (("7 Tamar", "7"), ("8 Severn", "8"), ("9 Avon", "9"), ("10 Exe", "10"), ("11 Dart", "11"))
TEACHERS_CLASS = {"primary": "4 Owls", "secondary": "8 Severn"}
# Days from a plan starting to its first review (a year over the national cadence of three).
REVIEW_GAP = 365 // 3
OVERDUE_GAP = 115


@dataclass(frozen=True)
class NeedStory:
    need_type: str
    concern: str
    strengths: str
    needs_summary: str
    strategies: str
    outcomes: tuple[tuple[str, str, str, str], ...]  # description, measure, baseline, target
    provision: tuple[tuple[str, str, str, int], ...]  # description, frequency, staff role, weekly minutes
    assessment: str
    agency: str | None
    diagnosis: str | None = None


STORIES = (
    NeedStory(
        NeedType.SPLD,
        "Reading and spelling are well behind the rest of the class despite adapted phonics teaching.",
        "Articulate in discussion; great general knowledge; loves building and drawing.",
        "Slow, effortful decoding; spelling does not stick from week to week; tires quickly when reading.",
        "Coloured overlay; key words on a desk mat; extra time; questions read aloud; work chunked into short tasks.",
        (
            (
                "Read the first 100 high-frequency words on sight.",
                "Words read correctly from the HFW list",
                "38 of 100",
                "75 of 100",
            ),
            (
                "Spell common CVCC words using known sounds.",
                "Words spelt correctly in a 20-word dictation",
                "6 of 20",
                "14 of 20",
            ),
            (
                "Read a book-banded text with 95% accuracy.",
                "Running record accuracy",
                "88% at orange band",
                "95% at orange band",
            ),
            (
                "Write three sentences independently with capital letters and full stops.",
                "Independent writing sample",
                "One sentence",
                "Three sentences",
            ),
        ),
        (
            ("Toe by Toe", "Daily, 15 minutes", "Teaching assistant", 75),
            ("Precision teaching of key words", "Three times a week", "Teaching assistant", 30),
        ),
        AssessmentKind.READING_AGE,
        "specialist_teacher",
    ),
    NeedStory(
        NeedType.SLCN,
        "Finds it hard to follow instructions with more than one step and is often unsure what to do.",
        "Friendly, keen to help, good at practical tasks and PE.",
        "Difficulties understanding longer spoken instructions and finding the words to explain ideas.",
        "Instructions one step at a time with a visual; key vocabulary pre-taught; time to answer; check understanding.",
        (
            (
                "Follow two-step classroom instructions without an adult prompt.",
                "Instructions followed in five observed tasks",
                "1 of 5",
                "4 of 5",
            ),
            (
                "Use five new topic words correctly when talking about learning.",
                "Topic words used in a recorded discussion",
                "1",
                "5",
            ),
            (
                "Retell a short story in the right order using story maps.",
                "Story parts retold in order",
                "2 of 5",
                "5 of 5",
            ),
        ),
        (("Language group (ELKLAN strategies)", "Twice a week, 30 minutes", "Teaching assistant", 60),),
        AssessmentKind.STANDARDISED_SCORE,
        "speech_language_therapy",
    ),
    NeedStory(
        NeedType.ASD,
        "Very distressed by changes to routine; leaves the classroom at transitions.",
        "Excellent memory for facts; strong in maths; deep interest in trains and maps.",
        "Social communication differences; anxiety at transitions and in noisy spaces; sensory sensitivity to noise.",
        "Visual timetable and now/next board; warning before changes; ear defenders available; quiet space agreed.",
        (
            (
                "Move between lessons using the visual timetable without leaving the group.",
                "Transitions managed calmly (daily log)",
                "2 of 10",
                "8 of 10",
            ),
            (
                "Ask an adult for help using a help card.",
                "Times help card used instead of leaving",
                "0 a week",
                "3 a week",
            ),
            (
                "Take part in a structured paired game for ten minutes.",
                "Minutes in paired play (observed)",
                "2 minutes",
                "10 minutes",
            ),
        ),
        (
            ("Lego-based social skills group", "Weekly, 45 minutes", "Teaching assistant", 45),
            ("Sensory circuit", "Daily, 10 minutes", "Teaching assistant", 50),
        ),
        AssessmentKind.STANDARDISED_SCORE,
        "paediatrics",
        "Autism spectrum condition",
    ),
    NeedStory(
        NeedType.SEMH,
        "Often tearful in the morning, struggles to settle and has had several angry outbursts at lunchtime.",
        "Creative, funny, kind to younger children; loves art and caring for the class pets.",
        "Anxiety and difficulty managing big feelings, especially at unstructured times.",
        "Meet and greet at the door; zones of regulation check-in; calm box; a lunchtime job; praise in private.",
        (
            (
                "Name the zone they are in and choose a calming strategy.",
                "Check-ins where a strategy is chosen",
                "1 of 5",
                "4 of 5",
            ),
            (
                "Settle to learning within five minutes of arriving.",
                "Mornings settled within 5 minutes",
                "2 of 5",
                "5 of 5",
            ),
            ("Spend lunchtime without an incident.", "Lunchtimes without an incident", "3 of 5", "5 of 5"),
        ),
        (
            ("Thrive sessions", "Weekly, 30 minutes", "Thrive practitioner", 30),
            ("Zones of Regulation group", "Weekly, 30 minutes", "Teaching assistant", 30),
        ),
        AssessmentKind.TEACHER_ASSESSMENT,
        "camhs",
    ),
    NeedStory(
        NeedType.MLD,
        "Working well below age-related expectations across subjects and forgets learning quickly.",
        "Works hard, cheerful, enjoys music and helping in the garden.",
        "Learns more slowly than peers across the curriculum; needs lots of repetition and concrete resources.",
        "Concrete resources (Numicon); pre-teaching; overlearning; small steps with visual success criteria.",
        (
            ("Recall number bonds to 10.", "Bonds recalled in a one-minute check", "4 of 10", "10 of 10"),
            (
                "Count on and back in tens from any number to 100.",
                "Correct sequences in 5 attempts",
                "1 of 5",
                "4 of 5",
            ),
            ("Read and write numbers to 100.", "Numbers read and written correctly", "12 of 20", "18 of 20"),
        ),
        (("Numicon intervention", "Three times a week, 20 minutes", "Teaching assistant", 60),),
        AssessmentKind.STANDARDISED_SCORE,
        "educational_psychology",
    ),
    NeedStory(
        NeedType.HI,
        "Often misses instructions and asks peers what to do; parent reports glue ear.",
        "Observant, good at reading faces, loves football.",
        "Moderate hearing loss; hears less in group work and noisy rooms; wears hearing aids.",
        "Sit near the front, facing the teacher; radio aid; subtitles on videos; check understanding privately.",
        (
            (
                "Use the radio aid independently in every lesson.",
                "Lessons with radio aid set up unprompted",
                "2 of 10",
                "9 of 10",
            ),
            (
                "Tell an adult when they have not heard.",
                "Times they ask for repetition (observed)",
                "0 a week",
                "3 a week",
            ),
        ),
        (("Specialist teacher for the deaf visit", "Half-termly", "Specialist teacher", 10),),
        AssessmentKind.READING_AGE,
        "specialist_teacher",
        "Moderate bilateral hearing loss",
    ),
)


def _email(role: str, prefix: str) -> str:
    return f"{role}.{prefix}@{DEMO_EMAIL_DOMAIN}"


@dataclass
class _Cast:
    senco: Any
    teacher: Any | None
    ta: Any | None
    business: Any | None


def _cast(prefix: str) -> _Cast | None:
    people = {u.email: u for u in User.objects.filter(email__endswith=f".{prefix}@{DEMO_EMAIL_DOMAIN}")}
    senco = people.get(_email("senco", prefix))
    if senco is None:
        return None
    return _Cast(
        senco=senco,
        teacher=people.get(_email("teacher", prefix)),
        ta=people.get(_email("ta", prefix)),
        business=people.get(_email("business", prefix)),
    )


# The school's copy of the LA's final EHC plan for a pupil, issued on a day (the EHC app's demo makes it).
EhcPlanCopy = Callable[[Organisation, Pupil, datetime.date], None]


def seed_demo_pupils(organisations: dict[str, Organisation], *, ehc_plan_copy: EhcPlanCopy | None = None) -> None:
    """Add demo pupils and their SEND records to each demo school that has none yet (idempotent).

    `ehc_plan_copy` records the plan a pupil at the EHC plan stage holds (the demo is composed in
    `send_platform.demo`); without it those pupils stay at SEN Support, as the register needs a plan for E.
    """
    for slug, prefix in DEMO_SCHOOLS.items():
        organisation = organisations.get(slug)
        if organisation is None:
            continue
        cast = _cast(prefix)
        if cast is None:
            logger.warning("No demo SENCO for %s; skipping its pupils.", slug)
            continue
        with tenant_context(organisation):
            if Pupil.objects.exists():
                continue
            with transaction.atomic():
                _School(organisation, cast, random.Random(f"cairn-demo-{slug}"), ehc_plan_copy).build()


class _School:
    def __init__(self, organisation: Organisation, cast: _Cast, rng: random.Random, ehc_plan_copy: EhcPlanCopy | None):
        self.organisation = organisation
        self.ehc_plan_copy = ehc_plan_copy
        self.cast = cast
        self.rng = rng
        self.today = timezone.localdate()
        self.senco = cast.senco
        self.serial = 0
        self.secondary = organisation.phase == "secondary"

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    # --- Setting the scene ------------------------------------------------------------------

    def build(self) -> None:
        self.agencies = {a.kind: a for a in ensure_agency_catalogue(by=self.senco)}
        classes = self.make_classes()
        teachers_class = classes[TEACHERS_CLASS["secondary" if self.secondary else "primary"]]
        pupils: list[Pupil] = []
        count = self.rng.randint(36, 52)
        names = list(classes.values())
        for index in range(count):
            # The teacher's class gets a fuller share, so their pages show every stage.
            school_class = teachers_class if index % 5 == 0 else names[index % len(names)]
            pupils.append(self.make_pupil(school_class))
        mine = [p for p in pupils if p.school_class_id == teachers_class.pk]
        others = [p for p in pupils if p.school_class_id != teachers_class.pk]
        self.rng.shuffle(others)
        # Every stage in the teacher's class, and across the school.
        plan = [("ehc", mine[0]), ("sen_support", mine[1]), ("sen_support_overdue", mine[2]), ("monitoring", mine[3])]
        plan += [("ehc", p) for p in others[:2]]
        plan += [("sen_support", p) for p in others[2:8]]
        plan += [("sen_support_overdue", p) for p in others[8:10]]
        plan += [("revised", others[10]), ("ehc_recommended", others[11]), ("exited", others[12])]
        plan += [("monitoring", p) for p in others[13:17]]
        for index, (kind, pupil) in enumerate(plan):
            story = STORIES[index % len(STORIES)]
            if kind == "monitoring":
                self.monitoring(pupil, story)
            else:
                self.on_register(pupil, story, kind)
        for pupil in self.rng.sample(pupils, 3):
            condition = self.rng.choice(("Asthma", "Epilepsy", "Type 1 diabetes", "Severe nut allergy"))
            record_medical_condition(
                pupil,
                recorded_by=self.senco,
                condition=condition,
                has_care_plan=condition != "Asthma",
                medication={
                    "Asthma": "Reliever inhaler",
                    "Type 1 diabetes": "Insulin pump",
                    "Severe nut allergy": "Adrenaline auto-injector",
                }.get(condition, ""),
            )
        self.training()

    def make_classes(self) -> dict[str, SchoolClass]:
        classes = {}
        for name, year in SECONDARY_CLASSES if self.secondary else PRIMARY_CLASSES:
            classes[name] = create_school_class(name=name, year_group=year, created_by=self.senco)
        mine = classes[TEACHERS_CLASS["secondary" if self.secondary else "primary"]]
        if self.cast.teacher is not None:
            assign_class_staff(mine, user=self.cast.teacher, assigned_by=self.senco, role="teacher")
        if self.cast.ta is not None:
            assign_class_staff(mine, user=self.cast.ta, assigned_by=self.senco, role="teaching_assistant")
        return classes

    def _upn_la_code(self) -> str:
        # The demo's organisations carry a made-up LA number (990), which no real UPN can hold (DfE
        # rule 1530): their pupils' UPNs use Essex's number, as if allocated there before moving.
        code = self.organisation.la_code or ""
        return code if is_recognised_la_code(code) else "881"

    def make_pupil(self, school_class: SchoolClass) -> Pupil:
        rng = self.rng
        girl = rng.random() < 0.5
        first = rng.choice(GIRLS if girl else BOYS)
        last = rng.choice(SURNAMES)
        year = int(school_class.year_group) if school_class.year_group.isdigit() else 0
        # Age on 1 September of this school year: 4 in Reception, 5 in Year 1, ...
        school_year_start = self.today.year if self.today.month >= 9 else self.today.year - 1
        born = datetime.date(school_year_start - 4 - year, 9, 1) + datetime.timedelta(days=rng.randint(0, 364))
        self.serial += 1
        entry_year = 7 if self.secondary else 0
        admitted = datetime.date(school_year_start - (year - entry_year), 9, rng.randint(3, 8))
        pupil = create_pupil(
            created_by=self.senco,
            upn=make_upn(
                self._upn_la_code(),
                self.organisation.establishment_number or "0000",
                born.year + 4,
                self.serial,
            ),
            legal_first_name=first,
            preferred_name="" if rng.random() < 0.85 else first[:3],
            last_name=last,
            date_of_birth=born,
            sex="F" if girl else "M",
            nc_year=school_class.year_group or NCYear.RECEPTION,
            school_class=school_class,
            admission_date=admitted,
            eal=rng.random() < 0.2,
            pupil_premium=rng.random() < 0.25,
            looked_after=rng.random() < 0.03,
            service_child=rng.random() < 0.04,
            young_carer=rng.random() < 0.03,
            attendance_percentage=round(rng.uniform(86, 99.5), 1),
        )
        add_parent_carer(
            pupil,
            added_by=self.senco,
            name=f"{rng.choice(GIRLS)} {last}",
            relationship="mother",
            phone=f"07700 900{rng.randint(100, 999)}",
            email=f"parent.{self.serial}@example.org",
            preferred_contact="phone",
        )
        if rng.random() < 0.6:
            add_parent_carer(
                pupil,
                added_by=self.senco,
                name=f"{rng.choice(BOYS)} {last}",
                relationship="father",
                preferred_contact="email",
            )
        return pupil

    # --- Stories ----------------------------------------------------------------------------

    def monitoring(self, pupil: Pupil, story: NeedStory) -> None:
        raised = self.days_ago(self.rng.randint(10, 50))
        place_on_register(
            pupil,
            "monitoring",
            reason="Concern raised; adapted teaching and close monitoring agreed",
            decided_by=self.senco,
            on=raised,
        )
        concern = raise_concern(
            pupil,
            raised_by=self.senco,
            raised_by_kind=self.rng.choice(("teacher", "parent")),
            concern=story.concern,
            area=_area(story),
            raised_on=raised,
        )
        record_concern_discussion(
            concern,
            recorded_by=self.senco,
            discussed_on=raised + datetime.timedelta(days=5),
            participants=[
                {"role": "parent", "name": pupil.parents.first().name},
                {"role": "teacher", "name": "Class teacher"},
                {"role": "senco", "name": "SENCO"},
            ],
            discussion="Shared what school and home see. Agreed to try adapted teaching for six weeks before deciding on SEN Support.",
            next_steps=story.strategies,
            review_on=raised + datetime.timedelta(days=42),
        )

    def on_register(self, pupil: Pupil, story: NeedStory, kind: str) -> None:
        rng = self.rng
        if kind == "sen_support_overdue":
            # One review held, the next one missed: due 3 to 7 weeks ago.
            sen_start = self.days_ago(14 + REVIEW_GAP + OVERDUE_GAP + rng.randint(20, 50))
        else:
            sen_start = self.days_ago(rng.randint(260, 520))
        monitoring_start = sen_start - datetime.timedelta(days=rng.randint(45, 90))
        place_on_register(
            pupil, "monitoring", reason="Concern raised by class teacher", decided_by=self.senco, on=monitoring_start
        )
        concern = raise_concern(
            pupil, raised_by=self.senco, concern=story.concern, area=_area(story), raised_on=monitoring_start
        )
        parent = pupil.parents.first()
        record_concern_discussion(
            concern,
            recorded_by=self.senco,
            discussed_on=monitoring_start + datetime.timedelta(days=7),
            participants=[{"role": "parent", "name": parent.name}, {"role": "teacher", "name": "Class teacher"}],
            discussion="Agreed that the difficulties are persistent despite adapted teaching.",
            next_steps="Six weeks of targeted support, then decide together about SEN Support.",
            review_on=sen_start,
        )
        escalate_concern_to_sen_support(
            concern,
            decided_by=self.senco,
            reason="Progress remains well below peers after a cycle of targeted support.",
            notification_method="meeting",
            on=sen_start,
            need_type=story.need_type,
        )
        if story.diagnosis:
            record_diagnosis(
                pupil,
                recorded_by=self.senco,
                name=story.diagnosis,
                source="paediatrics",
                diagnosed_on=sen_start - datetime.timedelta(days=200),
            )
        if rng.random() < 0.4:
            secondary = NeedType.SEMH if story.need_type != NeedType.SEMH else NeedType.SLCN
            add_need(pupil, need_type=secondary, rank="secondary", recorded_by=self.senco, started_on=sen_start)

        plan = create_plan(
            pupil,
            created_by=self.senco,
            child_views=rng.choice(
                (
                    "I like it when I can show what I know by drawing.",
                    "I find it hard when it is noisy.",
                    "I want to get better at reading to my little sister.",
                    "I like working with Miss in the small group.",
                )
            ),
            parent_views=rng.choice(
                (
                    "We want them to feel confident and happy at school.",
                    "Homework is a battle at the moment; we'd like ideas to help.",
                    "They are much happier since the small group started.",
                )
            ),
            strengths=story.strengths,
            needs_summary=story.needs_summary,
            strategies=story.strategies,
        )
        starts = sen_start + datetime.timedelta(days=14)
        for description, measure, baseline, target in story.outcomes[: rng.randint(2, min(4, len(story.outcomes)))]:
            add_outcome(
                plan,
                changed_by=self.senco,
                description=description,
                measure=measure,
                baseline=baseline,
                target=target,
                target_date=starts + datetime.timedelta(days=110),
                area=_area(story),
            )
        for description, frequency, role, minutes in story.provision:
            add_provision(
                plan,
                changed_by=self.senco,
                description=description,
                frequency=frequency,
                staff_role=role,
                weekly_minutes=minutes,
            )
        plan = activate_plan(plan, activated_by=self.senco, on=starts)

        if kind == "ehc" and self.ehc_plan_copy is not None:
            issued_on = starts + datetime.timedelta(days=100)
            # E needs the plan on record first (school census guide): the school's copy of the LA's final plan.
            self.ehc_plan_copy(self.organisation, pupil, issued_on)
            place_on_register(
                pupil,
                "ehc_plan",
                reason="EHC plan issued by the local authority.",
                decided_by=self.senco,
                on=issued_on,
            )
        self.reviews(plan, kind)
        self.assessments(pupil, story, sen_start)
        self.meetings(pupil, sen_start)
        if story.agency and rng.random() < 0.7:
            self.referral(pupil, story, sen_start)

    def reviews(self, plan: SupportPlan, kind: str) -> None:
        rng = self.rng
        overdue = kind == "sen_support_overdue"
        while plan.status == "active" and plan.review_due_on and plan.review_due_on <= self.today:
            due = plan.review_due_on
            if overdue and due < self.days_ago(3) and due + datetime.timedelta(days=100) > self.today:
                break  # the latest review was missed: the plan is now overdue
            held_on = min(self.today, due + datetime.timedelta(days=rng.randint(-5, 5)))
            gap = OVERDUE_GAP if overdue else rng.randint(105, 125)
            next_review = held_on + datetime.timedelta(days=gap)
            last = next_review > self.today
            decision = "continue"
            if last and kind == "revised":
                decision = "revise"
            elif last and kind == "ehc_recommended":
                decision = "request_ehc_needs_assessment"
            elif last and kind == "exited":
                decision, next_review = "exit_register", None
            outcomes = list(plan.outcomes.order_by("order"))
            progress = {o.pk: (rng.choice(("partly_met", "met", "met", "not_met", "exceeded")), "") for o in outcomes}
            review = record_review(
                plan,
                recorded_by=self.senco,
                held_on=held_on,
                participants=[
                    {"role": "parent", "name": plan.pupil.parents.first().name},
                    {"role": "child", "name": ""},
                    {"role": "teacher", "name": "Class teacher"},
                    {"role": "senco", "name": "SENCO"},
                ],
                child_views=rng.choice(
                    ("I can read more words now.", "The calm box helps.", "I still find writing hard.")
                ),
                parent_views=rng.choice(
                    ("Pleased with progress.", "Seeing a difference at home.", "Still worried about friendships.")
                ),
                notes="Progress against each outcome discussed; strategies reviewed.",
                progress=progress,
                decision=decision,
                next_review_on=next_review,
            )
            review = close_review(review, closed_by=self.senco, on=held_on)
            plan.refresh_from_db()
            if decision == "revise":
                self.activate_revision(review.next_plan, held_on)
                break

    def activate_revision(self, plan: SupportPlan, held_on: datetime.date) -> None:
        for outcome in plan.outcomes.all():
            update_outcome(
                outcome,
                changed_by=self.senco,
                target_date=held_on + datetime.timedelta(days=110),
                baseline="As at the last review",
            )
        if not plan.outcomes.exists():
            add_outcome(
                plan,
                changed_by=self.senco,
                description="Build on the progress made: apply the strategy across lessons.",
                measure="Lessons where used (weekly log)",
                baseline="2 of 5",
                target="5 of 5",
                target_date=held_on + datetime.timedelta(days=110),
            )
        activate_plan(plan, activated_by=self.senco, on=held_on)

    def assessments(self, pupil: Pupil, story: NeedStory, since: datetime.date) -> None:
        rng = self.rng
        points = [
            since + datetime.timedelta(days=d)
            for d in (0, 120, 240, 360)
            if since + datetime.timedelta(days=d) <= self.today
        ]
        if story.assessment == AssessmentKind.READING_AGE:
            age_months = (since - pupil.date_of_birth).days // 30
            value = max(48, age_months - rng.randint(18, 30))
            for on in points:
                record_assessment(
                    pupil,
                    recorded_by=self.senco,
                    kind=story.assessment,
                    assessed_on=on,
                    score=value,
                    instrument="Salford Sentence Reading Test",
                )
                value += rng.randint(3, 8)
        elif story.assessment == AssessmentKind.STANDARDISED_SCORE:
            value = rng.randint(72, 84)
            for on in points:
                record_assessment(
                    pupil,
                    recorded_by=self.senco,
                    kind=story.assessment,
                    assessed_on=on,
                    score=value,
                    instrument="Standardised maths test",
                    subject="Maths",
                )
                value += rng.randint(-1, 4)
        else:
            for on, result in zip(
                points,
                ("Working towards", "Working towards", "Working towards", "Working at the expected standard"),
                strict=False,
            ):
                record_assessment(
                    pupil,
                    recorded_by=self.senco,
                    kind=story.assessment,
                    assessed_on=on,
                    result=result,
                    subject="Writing",
                )

    def meetings(self, pupil: Pupil, since: datetime.date) -> None:
        for days in (0, 120, 240):
            held_on = since + datetime.timedelta(days=days + 3)
            if held_on > self.today:
                break
            record_parent_meeting(
                pupil,
                recorded_by=self.senco,
                held_on=held_on,
                kind="plan" if days == 0 else "termly",
                attendees=[{"role": "parent", "name": pupil.parents.first().name}, {"role": "senco", "name": "SENCO"}],
                notes="Talked through the plan and how things are at home.",
                agreed_actions="Share the strategies that work at home; reading diary each evening.",
            )

    def referral(self, pupil: Pupil, story: NeedStory, since: datetime.date) -> None:
        given_on = since + datetime.timedelta(days=20)
        referred_on = given_on + datetime.timedelta(days=3)
        record_consent(
            pupil, scope="referral", given_by=pupil.parents.first(), given_on=given_on, recorded_by=self.senco
        )
        involvement = refer_to_agency(
            pupil,
            agency=self.agencies[story.agency],
            referred_by=self.senco,
            referred_on=referred_on,
            reason=story.needs_summary,
        )
        report_on = referred_on + datetime.timedelta(days=self.rng.randint(60, 120))
        if report_on <= self.today:
            update_involvement(
                involvement,
                changed_by=self.senco,
                status="active",
                report_received_on=report_on,
                notes="Report received; recommendations added to the plan.",
            )

    def training(self) -> None:
        completed = self.days_ago(300)
        for user, course, area in (
            (self.cast.teacher, "Supporting autistic pupils in the classroom", "communication_interaction"),
            (self.cast.ta, "Zones of Regulation", "semh"),
            (self.cast.ta, "Precision teaching", "cognition_learning"),
            (self.senco, "National Award for SEN Co-ordination", ""),
        ):
            if user is not None:
                record_staff_training(
                    user=user,
                    course=course,
                    provider="Westmere Inclusion Service",
                    completed_on=completed,
                    area=area,
                    expires_on=completed + datetime.timedelta(days=730) if area else None,
                    recorded_by=self.senco,
                )


def _area(story: NeedStory) -> str:
    return AREA_FOR_NEED_TYPE.get(story.need_type, "cognition_learning")
