"""One scene for the whole matrix: a school with a child whose record has something in every section,
its LA's casework about another child, a trust, and a person in every role.

Built once per test module inside a transaction that is rolled back at the end (each test then runs
in a savepoint of it), so hundreds of requests share one set of objects.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from integrations.ctf import handover
from integrations.exchange import links
from integrations.exchange.models import EnvelopeDocument
from send_core.ehc.casework import annual_reviews as ehc_review_acts
from send_core.ehc.casework import plans as ehc_plan_acts
from send_core.ehc.casework import services as ehc_case_acts
from send_core.ehc.models import EhcPlan, EhcPlanStatus, Reminder
from send_core.ehc.requests import annual_reviews as ehc_school_reviews
from send_core.ehc.requests import services as ehc_services
from send_core.models import ConsentScope, PlanProvision, ReviewStatus
from send_core.services.documents import upload_document
from send_core.transition.models import TransitionGrant
from send_core.transition.services import grant_access
from tenants.models import Membership
from tenants.roles import ROLES_BY_KIND, OrganisationKind
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.organisations import organisation_for_tests
from tests.send_core.factories import (
    AgencyFactory,
    AgencyInvolvementFactory,
    AssessmentFactory,
    ClassTeacherFactory,
    ConcernFactory,
    ConsentFactory,
    DiagnosisFactory,
    MedicalConditionFactory,
    ParentCarerFactory,
    ParentMeetingFactory,
    ParentNotificationFactory,
    PlanProvisionFactory,
    PlanVersionFactory,
    PupilFactory,
    ReviewFactory,
    SchoolClassFactory,
    active_plan_for,
    on_register,
)
from tests.send_core.provision.factories import (
    GroupMemberFactory,
    GroupStaffFactory,
    InterventionFactory,
    ProvisionGroupFactory,
    set_rates,
)
from tests.send_core.transition.conftest import make_year6_pupil

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nSpeech and language therapy report\n%%EOF\n"

# Children's names that must never reach anyone refused a page. Each is unusual enough that a
# match means the name itself leaked, not a coincidence in the page's own wording.
CHILD_NAMES = ("Zinnia", "Quillfeather", "Oriel", "Thistlewood", "Perpetua", "Gallowglass")
# Actors who are never shown a child, whatever they are allowed to open: governors and business
# managers see figures, a trust lead and an operator no child at all, and the three outsiders nothing.
SEES_NO_CHILD = frozenset(
    {"governor", "business_manager", "send_lead", "operator", "anonymous", "non_member", "unverified"}
)

SCHOOL_ROLES = tuple(sorted(ROLES_BY_KIND[OrganisationKind.SCHOOL]))
LA_ROLES = tuple(sorted(ROLES_BY_KIND[OrganisationKind.LOCAL_AUTHORITY]))
TRUST_ROLES = tuple(sorted(ROLES_BY_KIND[OrganisationKind.TRUST]))


@dataclass
class Scene:
    school: Any
    la: Any
    trust: Any
    other_school: Any
    platform: Any
    # people[host kind][role] -> user; plus "non_member" and "unverified" for each host kind.
    people: dict[str, dict[str, Any]]
    # ids[name] -> what a path parameter is filled with, by the scene's own names.
    ids: dict[str, Any] = field(default_factory=dict)
    # (host kind, actor) -> session key, signed in once for the module.
    sessions: dict[tuple[str, str], str] = field(default_factory=dict)
    # host kind -> a personal API token's key.
    tokens: dict[str, str] = field(default_factory=dict)


def _in(organisation, build):
    connection.set_tenant(organisation)
    try:
        return build()
    finally:
        connection.set_schema_to_public()


def _person(organisation, role: str, name: str):
    connection.set_schema_to_public()
    user = UserFactory(full_name=name)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def build_scene() -> Scene:
    # Birchwood is in both the LA (Testshire) and the trust (Northway), so every kind of page has
    # something to show; Ashgrove is "another school", Cedar High the secondary school.
    school = organisation_for_tests("birchwood")
    other = organisation_for_tests("ashgrove")
    secondary = organisation_for_tests("cedar-high")
    la = organisation_for_tests("testshire")
    trust = organisation_for_tests("northway")
    from tenants.bootstrap import ensure_platform

    platform = ensure_platform(template=False)

    people: dict[str, dict[str, Any]] = {"school": {}, "la": {}, "trust": {}, "platform": {}}
    for role in SCHOOL_ROLES:
        people["school"][role] = _person(school, role, f"{role.replace('_', ' ').title()} Staffmember")
    for role in LA_ROLES:
        people["la"][role] = _person(la, role, f"{role.replace('_', ' ').title()} Officer")
    people["trust"]["send_lead"] = _person(trust, "send_lead", "Trust Lead")
    people["platform"]["operator"] = _person(platform, "operator", "Platform Operator")
    # A member of another organisation of the same kind, and a member who has not passed the second factor.
    people["school"]["non_member"] = _person(other, "senco", "Other Senco")
    people["school"]["unverified"] = people["school"]["senco"]
    people["la"]["non_member"] = people["school"]["senco"]
    people["la"]["unverified"] = people["la"]["caseworker"]
    people["trust"]["non_member"] = people["school"]["senco"]
    people["trust"]["unverified"] = people["trust"]["send_lead"]
    # On the base domain, "non_member" is someone signed in who is not an operator.
    people["platform"]["non_member"] = people["school"]["senco"]
    people["platform"]["unverified"] = people["platform"]["operator"]
    _person(secondary, "senco", "Secondary Senco")
    senco_other = people["school"]["non_member"]

    ids: dict[str, Any] = {"slug": school.slug, "table": "schools"}
    senco = people["school"]["senco"]
    today = timezone.localdate()

    def school_records():
        own_class = SchoolClassFactory(name="6 Kestrels", year_group="6")
        ClassTeacherFactory(school_class=own_class, user=people["school"]["teacher"], role="teacher")
        ClassTeacherFactory(
            school_class=own_class, user=people["school"]["teaching_assistant"], role="teaching_assistant"
        )
        # The main child: Year 6, in the teacher's class, bound for Cedar High, with every section filled.
        pupil = make_year6_pupil(
            destination=secondary, school_class=own_class, legal_first_name="Zinnia", last_name="Quillfeather"
        )
        parent = pupil.parents.first()
        plan = pupil.plans.first() or active_plan_for(pupil)
        consent = ConsentFactory(pupil=pupil, given_by=parent, scope=ConsentScope.SHARE_WITH_LA)
        provision_item = PlanProvisionFactory(plan=plan)
        document = upload_document(
            pupil,
            uploaded_by=senco,
            title="Speech and language therapy report",
            kind="report",
            content=io.BytesIO(PDF),
            original_filename="salt-report.pdf",
        )
        ids.update(
            pupil=pupil.pk,
            plan=plan.pk,
            plan_version=PlanVersionFactory(plan=plan).version,
            parent=parent.pk,
            consent=consent.pk,
            concern=ConcernFactory(pupil=pupil).pk,
            review=ReviewFactory(plan=plan, held_on=datetime.date(2024, 12, 2), status=ReviewStatus.DRAFT).pk,
            outcome=plan.outcomes.first().pk,
            need=pupil.needs.first().pk,
            diagnosis=DiagnosisFactory(pupil=pupil).pk,
            assessment=AssessmentFactory(pupil=pupil).pk,
            meeting=ParentMeetingFactory(pupil=pupil).pk,
            involvement=AgencyInvolvementFactory(pupil=pupil, consent=consent).pk,
            medical=MedicalConditionFactory(pupil=pupil).pk,
            document=document.pk,
            entry=pupil.register_entries.first().pk,
            notification=ParentNotificationFactory(pupil=pupil).pk,
            provision_item=provision_item.pk,
            school_class=own_class.pk,
            class_staff=people["school"]["teacher"].pk,
        )
        # Provision: a group the teaching assistant runs, with the child in it.
        set_rates(teaching_assistant="16.00")
        intervention = InterventionFactory(name="Numicon")
        group = ProvisionGroupFactory(
            intervention=intervention,
            name="Numicon, Year 6",
            starts_on=today - datetime.timedelta(days=21),
            ends_on=today + datetime.timedelta(days=49),
        )
        GroupStaffFactory(group=group, user=people["school"]["teaching_assistant"])
        member = GroupMemberFactory(group=group, pupil=pupil)
        ids.update(intervention=intervention.pk, group=group.pk, group_member=member.pk)
        # Transition: the child's record is open to Cedar High.
        ids["grant"] = grant_access(pupil, granted_by=senco).pk

        # A second child with an EHC plan, reviewed this year and sent to the LA; and a request for assessment.
        ehc_pupil = PupilFactory(legal_first_name="Oriel", last_name="Thistlewood", nc_year="4", school_class=own_class)
        on_register(ehc_pupil)
        ehc_plan = active_plan_for(ehc_pupil, outcomes=2)
        ehc_plan.parent_views = "We want Oriel to enjoy reading at home."
        ehc_plan.child_views = "I like the coloured overlay."
        ehc_plan.save()
        PlanProvision.objects.create(
            plan=ehc_plan, description="Toe by Toe, 1:1", frequency="daily", staff_role="TA", weekly_minutes=100
        )
        for held_on in (datetime.date(2025, 1, 20), datetime.date(2025, 4, 28)):
            ReviewFactory(plan=ehc_plan, held_on=held_on, status=ReviewStatus.CLOSED)
        AssessmentFactory(pupil=ehc_pupil, assessed_on=datetime.date(2025, 1, 10), score=78)
        AssessmentFactory(pupil=ehc_pupil, assessed_on=datetime.date(2025, 6, 10), score=80)
        AgencyInvolvementFactory(
            pupil=ehc_pupil,
            agency=AgencyFactory(),
            referred_on=datetime.date(2025, 2, 1),
            report_received_on=datetime.date(2025, 3, 1),
        )
        ehc_parent = ParentCarerFactory(pupil=ehc_pupil, name="Grace Thistlewood")
        ConsentFactory(
            pupil=ehc_pupil, given_by=ehc_parent, scope=ConsentScope.SHARE_WITH_LA, given_on=datetime.date(2025, 9, 1)
        )
        request = ehc_services.start_ehc_request(ehc_pupil, started_by=senco)
        request.reason = "Two years of SEN Support with little progress in reading."
        evidence = upload_document(
            ehc_pupil,
            uploaded_by=senco,
            title="Educational psychology report",
            kind="report",
            content=io.BytesIO(PDF),
            original_filename="ep-report.pdf",
        )
        request.document_ids = [evidence.pk]
        request.save()
        request = ehc_services.submit_ehc_request(request, submitted_by=senco)
        final_plan = EhcPlan.objects.create(
            pupil=ehc_pupil,
            status=EhcPlanStatus.FINAL,
            issued_on=today - datetime.timedelta(days=330),
            section_a="Views",
            section_f="Provision",
            local_authority_name=la.name,
        )
        review = ehc_school_reviews.plan_annual_review(
            ehc_pupil,
            planned_by=senco,
            meeting_on=today - datetime.timedelta(days=3),
            invitations_sent_on=today - datetime.timedelta(days=20),
        )
        ehc_school_reviews.record_annual_review(
            review,
            recorded_by=senco,
            participants="Parent, SENCO, class teacher",
            child_views="I like my reading group.",
            parent_views="Happy with progress.",
            progress="Reading age up 9 months in a year.",
            recommendation="maintain",
        )
        review = ehc_school_reviews.send_annual_review(review, sent_by=senco)
        reminder = Reminder.objects.create(
            user=senco,
            object_type="annual_review",
            object_id=review.pk,
            deadline_key="annual_review",
            due_on=today + datetime.timedelta(days=7),
            days_before=7,
            text="Annual review due",
            link="/ehc-requests/",
        )
        ids.update(
            ehc_pupil=ehc_pupil.pk,
            ehc_request=request.pk,
            request_envelope=request.envelope_id,
            ehc_plan=final_plan.pk,
            annual_review=review.pk,
            annual_review_envelope=review.envelope_id,
            school_reminder=reminder.pk,
        )

    _in(school, school_records)

    # Another primary hands a Year 6 child on to this school: an incoming grant.
    def incoming():
        arriving = make_year6_pupil(destination=school, legal_first_name="Perpetua", last_name="Gallowglass")
        grant = grant_access(arriving, granted_by=senco_other)
        sent = handover.send_transition_file(arriving, organisation=other, sent_by=senco_other)
        return grant.pk, sent.envelope_id

    ids["incoming_grant"], ids["transition_envelope"] = _in(other, incoming)

    # The LA opens the request as a case, asks for advice, drafts a plan; receives the annual review.
    caseworker, manager = people["la"]["caseworker"], people["la"]["sen_manager"]

    def casework():
        case = ehc_case_acts.open_ehc_request(ids["request_envelope"], opened_by=caseworker)
        ehc_case_acts.allocate_case(case, caseworker=caseworker, allocated_by=manager)
        ehc_case_acts.decide_whether_to_assess(
            case, decided_by=caseworker, agree=True, reasons="Needs beyond SEN Support.", on=today
        )
        advice = ehc_case_acts.request_advice(
            case, requested_by=caseworker, source="educational_psychology", requested_from="EP service", on=today
        )
        plan = ehc_plan_acts.save_plan_draft(case, written_by=caseworker, sections={"a": "Views", "f": "Provision"})
        received = ehc_review_acts.receive_annual_review(ids["annual_review_envelope"], received_by=caseworker)
        reminder = Reminder.objects.create(
            user=caseworker,
            object_type="case",
            object_id=case.pk,
            deadline_key="decision",
            due_on=today + datetime.timedelta(days=7),
            days_before=7,
            text="Decision due",
            link=f"/casework/cases/{case.pk}/",
        )
        ids.update(
            case=case.pk,
            advice=advice.pk,
            case_plan_version=plan.version,
            case_annual_review=received.pk,
            la_reminder=reminder.pk,
        )

    _in(la, casework)

    # A five-minute download link for the request's evidence, made for the school's SENCO.
    document = EnvelopeDocument.objects.filter(envelope_id=ids["request_envelope"]).first()
    ids["download_token"] = (
        links.document_token(document, senco, school) if document is not None else "no-document-in-envelope"
    )
    ids["reporting_key"] = _reporting_key(school, senco)
    ids["invitation_token"] = "not-a-real-code"
    InvitationFactory(organisation=school, invited_by=senco)
    connection.set_schema_to_public()
    assert Membership.objects.filter(organisation=school).count() >= len(SCHOOL_ROLES)
    assert TransitionGrant.objects.filter(pk=ids["grant"]).exists()
    return Scene(school=school, la=la, trust=trust, other_school=other, platform=platform, people=people, ids=ids)


def _reporting_key(school, senco) -> int:
    from send_graphql.services import create_reporting_token

    made = create_reporting_token(organisation=school, name="Power BI", by=senco, roles=frozenset({"senco"}))
    return made.token.pk
