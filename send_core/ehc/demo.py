"""Demo EHC work: plans for the demo pupils at the EHC plan stage, and live requests and cases at Westmere.

- Every demo pupil at the EHC plan stage gets the plan the school holds (sections A–K), and
  Westmere keeps a matching case, its plan issued, with an annual review due within the year.
- Pupils whose last review decided to ask for an EHC needs assessment have their request built
  and sent through the exchange by their SENCO: Millbrook's waits in Westmere's inbox; the
  others are open cases at different points of the clock (one with advice asked for, one with a
  draft plan out), so the casework pages show deadlines this week and overdue.

Runs after the pupils seeder; does nothing if Westmere already has cases.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from send_core.demo import DEMO_SCHOOLS
from send_core.models import Agency, AgencyInvolvement, ConsentScope, Pupil, RegisterEntry, Review
from send_core.services.agencies import record_consent
from tenants.demo import DEMO_EMAIL_DOMAIN
from tenants.models import Organisation, User

from .casework import plans as casework_plans
from .casework import services as casework
from .models import EhcCase, EhcPlan, EhcPlanStatus, EhcRequest
from .requests import services as school_requests

logger = logging.getLogger(__name__)


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _case_sections(case: EhcCase, school: Organisation) -> dict[str, str]:
    needs = "; ".join(f"{need.get('type_label')} ({need.get('rank')})" for need in case.evidence.get("needs", []))
    return _sections(case.first_name, needs, school)


def _plan_sections(pupil: Pupil, school: Organisation) -> dict[str, str]:
    needs = "; ".join(
        f"{need.get_need_type_display()} ({need.rank})" for need in pupil.needs.filter(ended_on__isnull=True)
    )
    return _sections(pupil.display_name.split(" ")[0], needs, school)


def _sections(first_name: str, needs: str, school: Organisation) -> dict[str, str]:
    return {
        "a": f"{first_name} enjoys practical work and wants to make friends; the family want steady progress in reading.",
        "b": needs or "Needs described in the advice gathered.",
        "c": "No health needs related to special educational needs.",
        "d": "No social care needs.",
        "e": "By the end of the key stage, read and follow a short text independently; manage changes of routine with a visual timetable.",
        "f": "Daily structured literacy (20 minutes, 1:1 with a trained teaching assistant); a visual timetable; a quiet space when needed.",
        "g": "",
        "h1": "",
        "h2": "",
        "i": school.name,
        "j": "No personal budget requested.",
        "k": "Educational psychology advice; school's SEN Support Plans and reviews; parents' views.",
    }


def school_plan_copy(school: Organisation, pupil: Pupil, issued_on: datetime.date) -> None:
    """The school's copy of the LA's final EHC plan for a demo pupil at the EHC plan stage."""
    la = school.local_authority
    EhcPlan.objects.create(
        pupil=pupil,
        status=EhcPlanStatus.FINAL,
        issued_on=issued_on,
        local_authority_name=la.name if la else "",
        issued_by_name="Tom Hollis",
        **{f"section_{key}": text for key, text in _plan_sections(pupil, school).items()},
    )


def seed_demo_ehc(organisations: dict[str, Organisation]) -> None:
    la = organisations.get("westmere")
    manager = _user(f"sen.manager@{DEMO_EMAIL_DOMAIN}")
    caseworker = _user(f"caseworker@{DEMO_EMAIL_DOMAIN}")
    if la is None or manager is None or caseworker is None:
        return
    with tenant_context(la):
        if EhcCase.objects.exists():
            return
    today = timezone.localdate()
    requests: list[tuple[str, EhcRequest]] = []
    for slug, prefix in DEMO_SCHOOLS.items():
        school = organisations.get(slug)
        senco = _user(f"senco.{prefix}@{DEMO_EMAIL_DOMAIN}")
        if school is None or senco is None:
            continue
        with tenant_context(school):
            _plans_for_ehc_pupils(school, la, today)
            request = _send_request(school, senco, today)
            if request is not None:
                requests.append((slug, request))
    opened = [request for slug, request in requests if slug != "millbrook"]  # Millbrook's waits in the inbox
    for index, request in enumerate(opened):
        with tenant_context(la):
            case = casework.open_ehc_request(request.envelope_id, opened_by=caseworker)
            casework.allocate_case(case, caseworker=caseworker, allocated_by=manager)
            # As if the request had come in weeks ago, so the clock shows dates due and passed.
            story = index % 3
            received = today - datetime.timedelta(days=(38, 45, 100)[story])
            EhcCase.objects.filter(pk=case.pk).update(received_on=received)
            case.refresh_from_db()
            if story == 1:
                continue  # the decision is overdue
            casework.decide_whether_to_assess(
                case,
                decided_by=caseworker,
                agree=True,
                reasons="The evidence shows needs beyond SEN Support.",
                on=today,
            )
            for source, service in (
                ("educational_psychology", "Westmere EP service"),
                ("health", "Community paediatrics"),
            ):
                casework.request_advice(
                    case,
                    requested_by=caseworker,
                    source=source,
                    requested_from=service,
                    on=today - datetime.timedelta(days=1),
                )
            if story == 2:
                school = Organisation.objects.get(pk=case.school_id)
                casework_plans.save_plan_draft(case, written_by=caseworker, sections=_case_sections(case, school))
                casework_plans.issue_draft_plan(case, issued_by=caseworker)
                logger.info("Demo draft plan issued for case %s", case.reference)


def _plans_for_ehc_pupils(school: Organisation, la: Organisation, today: datetime.date) -> None:
    """The plan each pupil at the EHC plan stage holds, and Westmere's matching case."""
    entries = list(RegisterEntry.objects.filter(census_code="E", ended_on__isnull=True).select_related("pupil"))
    for entry in entries:
        pupil = entry.pupil
        sections = _plan_sections(pupil, school)
        # The school's copy is made before the pupil is placed at E (E needs a plan on record).
        if not EhcPlan.objects.filter(pupil=pupil).exists():
            EhcPlan.objects.create(
                pupil=pupil,
                status=EhcPlanStatus.FINAL,
                issued_on=entry.started_on,
                local_authority_name=la.name,
                issued_by_name="Tom Hollis",
                **{f"section_{key}": text for key, text in sections.items()},
            )
        with tenant_context(la):
            if EhcCase.objects.filter(school_id=school.pk, school_pupil_id=pupil.pk).exists():
                continue
            case = EhcCase.objects.create(
                reference=casework.next_reference(entry.started_on.year),
                school_id=school.pk,
                school_name=school.name,
                school_pupil_id=pupil.pk,
                status="plan_issued",
                first_name=pupil.display_name.split(" ")[0],
                last_name=pupil.last_name,
                date_of_birth=pupil.date_of_birth,
                upn=pupil.upn,
                sex=pupil.sex,
                nc_year=pupil.nc_year,
                final_issued_on=entry.started_on,
            )
            EhcPlan.objects.create(
                case=case,
                status=EhcPlanStatus.FINAL,
                issued_on=entry.started_on,
                **{f"section_{key}": text for key, text in sections.items()},
            )


def _send_request(school: Organisation, senco: User, today: datetime.date) -> EhcRequest | None:
    """Build and send the request for the pupil whose review asked for one; None if there is none or it is refused."""
    review = (
        Review.objects.filter(decision="request_ehc_needs_assessment", status="closed")
        .select_related("pupil")
        .order_by("-held_on")
        .first()
    )
    if review is None:
        return None
    pupil = review.pupil
    try:
        # Started first: a pupil whose request has gone already is refused here, before anything is recorded.
        request = school_requests.start_ehc_request(pupil, started_by=senco)
        with transaction.atomic():
            parent = pupil.parents.filter(parental_responsibility=True).first()
            record_consent(pupil, scope=ConsentScope.SHARE_WITH_LA, given_by=parent, recorded_by=senco, given_on=today)
            if not AgencyInvolvement.objects.filter(pupil=pupil).exists():
                agency = Agency.objects.filter(kind="educational_psychology").first()
                AgencyInvolvement.objects.create(
                    pupil=pupil,
                    agency=agency,
                    referred_on=review.held_on - datetime.timedelta(days=120),
                    status="closed",
                    report_received_on=review.held_on - datetime.timedelta(days=60),
                    notes="Consultation with the educational psychologist; report received.",
                )
            request.reason = (
                "Three cycles of assess, plan, do, review at SEN Support with targeted provision; progress remains "
                "well below that of peers and the gap is widening. The review agreed to ask for an assessment."
            )
            request.parent_views = request.parent_views or "We are worried that the gap is growing and want more help."
            request.child_views = request.child_views or "Reading is hard. I like it when an adult helps me."
            request.save()
        return school_requests.submit_ehc_request(request, submitted_by=senco)
    except (ValidationError, AttributeError) as error:
        logger.warning("Demo EHC request for %s not sent: %s", school.slug, error)
        return None
