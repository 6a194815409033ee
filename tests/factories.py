"""A factory for every model of Cairn's own apps, and `FACTORIES`, the model-to-factory map.

Public-schema factories (organisations, people, the exchange, transition grants, reporting) are
used in the public schema; the rest inside an organisation's schema (`in_schema(school_a)`). They
write rows directly, without the services' rules or audit, to set the scene for a test; the
behaviour under test always goes through the services. A school's records have their own modules
(tests/send_core/factories.py, tests/send_core/provision/factories.py); `FACTORIES` gathers them all,
and tests/test_factories.py fails when a model has none.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import factory
from django.db.models import Model
from django.utils import timezone
from send_graphql.models import EhcTimeliness, RefreshRun, ReportingToken, SchoolFigures
from send_platform.audit.models import AuditEvent

from integrations.exchange.models import Envelope, EnvelopeDocument, EnvelopeKind, ScanStatus
from send_core.ehc.models import (
    AdviceRequest,
    AnnualReview,
    CaseAnnualReview,
    ClockException,
    EhcCase,
    EhcPlan,
    EhcRequest,
    Reminder,
)
from send_core.models import NeedDescriptorLevel, PendingImport, Submission, TransferFileSequence
from send_core.provision import models as provision
from send_core.transition.models import HandoverMethod, TransitionFile, TransitionGrant
from tenants.models import (
    ApiToken,
    AuthenticatorDevice,
    Domain,
    EnrolmentLink,
    HandoffTicket,
    Invitation,
    Membership,
    Organisation,
    User,
)
from tenants.roles import OrganisationKind
from tests.send_core import factories as school
from tests.send_core.provision import factories as provision_factories

TEST_PASSWORD = "a-long-test-password-1"


def _hash(n: int) -> str:
    """A distinct SHA-256 hex digest per sequence number (for key and ticket hashes)."""
    return hashlib.sha256(f"test-{n}".encode()).hexdigest()


def _in(**delta: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


# Organisations and people (public schema).


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    """An organisation row only: no schema is made (tests/organisations.py has the provisioned ones)."""

    class Meta:
        model = Organisation

    kind = OrganisationKind.LOCAL_AUTHORITY
    name = factory.Sequence(lambda n: f"Factory Council {n}")
    slug = factory.Sequence(lambda n: f"factory-org-{n}")
    schema_name = factory.LazyAttribute(lambda o: "org_" + o.slug.replace("-", "_"))
    la_code = "992"


class OrganisationFactory(LocalAuthorityFactory):
    """A school in a local authority (rows only, like `LocalAuthorityFactory`)."""

    kind = OrganisationKind.SCHOOL
    name = factory.Sequence(lambda n: f"Factory Primary School {n}")
    local_authority = factory.SubFactory(LocalAuthorityFactory)
    la_code = factory.SelfAttribute("local_authority.la_code")
    urn = factory.Sequence(lambda n: f"{800000 + n}")
    establishment_number = factory.Sequence(lambda n: f"{2000 + n % 8000:04d}")
    phase = "primary"


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    tenant = factory.SubFactory(OrganisationFactory)
    domain = factory.LazyAttribute(lambda o: f"{o.tenant.slug}.cairn.test")
    is_primary = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "senco"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    role = "teacher"
    expires_at = factory.LazyFunction(lambda: _in(days=7))


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "MIS sync"
    prefix = factory.Sequence(lambda n: f"cairn_{n:06d}")
    key_hash = factory.Sequence(_hash)


class HandoffTicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandoffTicket

    ticket_hash = factory.Sequence(_hash)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    expires_at = factory.LazyFunction(lambda: _in(minutes=1))


class EnrolmentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrolmentLink

    ticket_hash = factory.Sequence(_hash)
    user = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: _in(minutes=30))


class AuthenticatorDeviceFactory(factory.django.DjangoModelFactory):
    """A device row with placeholder sealed bytes (tenants.authenticators seals a real secret)."""

    class Meta:
        model = AuthenticatorDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True
    sealed_secret = b"sealed"
    wrapped_key = b"wrapped"


class AuditEventFactory(factory.django.DjangoModelFactory):
    """An audit row in whichever schema is active (the table is in public and in every organisation's)."""

    class Meta:
        model = AuditEvent

    actor_label = "A member of staff"
    action = "view"
    object_type = "pupil"
    object_id = "1"
    summary = "Viewed a pupil's record"


# The exchange and transition (public schema).


class EnvelopeFactory(factory.django.DjangoModelFactory):
    """An envelope with placeholder sealed bytes, from a school to its local authority."""

    class Meta:
        model = Envelope

    sender = factory.SubFactory(OrganisationFactory)
    recipient = factory.SelfAttribute("sender.local_authority")
    kind = EnvelopeKind.EHC_REQUEST
    subject = "EHC needs assessment request"
    payload_sealed = b"sealed"
    wrapped_key_sender = b"wrapped-for-sender"
    wrapped_key_recipient = b"wrapped-for-recipient"
    sender_pupil_id = 1
    expires_at = factory.LazyFunction(lambda: _in(days=90))


class EnvelopeDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnvelopeDocument

    envelope = factory.SubFactory(EnvelopeFactory)
    title = "Educational psychology report"
    original_filename = "ep-report.pdf"
    content_type = "application/pdf"
    size = 48213
    sha256 = "0" * 64
    storage_name = factory.Sequence(lambda n: f"exchange/{n:08d}.bin")
    wrapped_key_sender = b"wrapped-for-sender"
    wrapped_key_recipient = b"wrapped-for-recipient"
    scan_status = ScanStatus.CLEAN


class TransitionGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransitionGrant

    primary = factory.SubFactory(OrganisationFactory)
    destination = factory.SubFactory(OrganisationFactory, phase="secondary")
    primary_pupil_id = factory.Sequence(lambda n: n + 1)
    consent_id = 1
    starts_on = datetime.date(2025, 6, 1)
    ends_on = datetime.date(2025, 10, 31)


class TransitionFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransitionFile

    sender = factory.SubFactory(OrganisationFactory)
    recipient = factory.SubFactory(OrganisationFactory, phase="secondary")
    sender_pupil_id = factory.Sequence(lambda n: n + 1)
    method = HandoverMethod.EXCHANGE
    sections = factory.LazyFunction(lambda: ["needs", "plans"])


# Reporting (public schema).


class SchoolFiguresFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolFigures

    organisation = factory.SubFactory(OrganisationFactory)
    on = datetime.date(2025, 1, 16)
    phase = "primary"
    pupils_on_roll = 210
    sen_support = 30
    ehc_plan = 5
    by_primary_need = factory.LazyFunction(lambda: {"SPLD": 12, "SEMH": 10, "ASD": 13})
    by_year_group = factory.LazyFunction(lambda: {"4": 20, "5": 15})
    by_sex = factory.LazyFunction(lambda: {"F": 14, "M": 21})


class EhcTimelinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EhcTimeliness

    organisation = factory.SubFactory(LocalAuthorityFactory)
    month = datetime.date(2025, 1, 1)
    requests_received = 12
    decisions_due = 10
    decisions_within_6_weeks = 8


class RefreshRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RefreshRun

    organisation = factory.SubFactory(OrganisationFactory)
    trigger = "nightly"


class ReportingTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingToken

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Power BI trust dashboard"
    prefix = factory.Sequence(lambda n: f"rk_{n:06d}")
    key_hash = factory.Sequence(_hash)
    created_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: _in(days=90))


# A school's records not covered by tests/send_core/factories.py (the organisation's schema).


class ClassTeacherFactory(school.ClassTeacherFactory):
    """A member of staff on a class (the user row is in public, reached through the search path)."""

    user = factory.SubFactory(UserFactory)


class NeedDescriptorLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedDescriptorLevel

    pupil = factory.SubFactory(school.PupilFactory)
    area = "cognition_learning"
    level_key = "2"
    level_label = "Moderate"
    toolkit_key = "national"
    recorded_on = datetime.date(2024, 10, 1)


class PendingImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PendingImport

    file_name = "roll.csv"
    size = 2048
    wrapped_key = b"wrapped"
    sealed = b"sealed"
    expires_at = factory.LazyFunction(lambda: _in(hours=1))


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    user_id = 1
    key = factory.Sequence(lambda n: f"key-{n}")
    purpose = "raise a concern"


class TransferFileSequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransferFileSequence

    destination = factory.Sequence(lambda n: f"{9910000 + n}")
    last_number = 1


class HourlyRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = provision.HourlyRate
        django_get_or_create = ("staff_role",)

    staff_role = "teaching_assistant"
    hourly_rate = Decimal("18.50")


class ProvisionSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = provision.ProvisionSettings

    notional_threshold = Decimal("6000.00")


class GroupSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = provision.GroupSession

    group = factory.SubFactory(provision_factories.ProvisionGroupFactory)
    held_on = factory.SelfAttribute("group.starts_on")


class SessionAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = provision.SessionAttendance

    session = factory.SubFactory(GroupSessionFactory)
    pupil = factory.SubFactory(school.PupilFactory)
    attendance = "attended"


class InformationReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = provision.InformationReport

    school_year = factory.Sequence(lambda n: f"{2000 + n}-{(n + 1) % 100:02d}")
    sections = factory.LazyFunction(lambda: [{"key": "approach", "heading": "Our approach", "text": "..."}])


# EHC: the school's side (a school's schema).


class EhcRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EhcRequest

    pupil = factory.SubFactory(school.PupilFactory)
    reason = "Progress remains well below age despite two cycles of SEN Support."
    toolkit_key = "national"


class EhcPlanFactory(factory.django.DjangoModelFactory):
    """The school's copy of a pupil's EHC plan (an LA's plan has a case instead of a pupil)."""

    class Meta:
        model = EhcPlan

    pupil = factory.SubFactory(school.PupilFactory)
    status = "final"
    issued_on = datetime.date(2024, 3, 1)
    local_authority_name = "Testshire Council"
    section_a = "Loves drawing; wants to be an architect."


class AnnualReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualReview

    plan = factory.SubFactory(EhcPlanFactory)
    pupil = factory.SelfAttribute("plan.pupil")
    due_by = datetime.date(2025, 3, 1)
    meeting_on = datetime.date(2025, 2, 10)


# EHC: the local authority's casework (an LA's schema).


class EhcCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EhcCase

    reference = factory.Sequence(lambda n: f"EHC-{n:05d}")
    school_name = "Ashgrove Primary School"
    received_on = datetime.date(2025, 1, 6)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = datetime.date(2016, 5, 17)


class AdviceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdviceRequest

    case = factory.SubFactory(EhcCaseFactory)
    source = "educational_psychology"
    requested_on = datetime.date(2025, 2, 17)
    due_on = datetime.date(2025, 3, 31)


class ClockExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClockException

    case = factory.SubFactory(EhcCaseFactory)
    reason = "personal_circumstances"
    starts_on = datetime.date(2025, 3, 3)
    ends_on = datetime.date(2025, 3, 14)


class CaseAnnualReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseAnnualReview

    case = factory.SubFactory(EhcCaseFactory)
    envelope_id = factory.Sequence(lambda n: n + 1)
    meeting_on = datetime.date(2025, 2, 10)
    received_on = datetime.date(2025, 2, 20)
    school_recommendation = "maintain"


class ReminderFactory(factory.django.DjangoModelFactory):
    """A reminder for a member of staff (the user row is in public, reached through the search path)."""

    class Meta:
        model = Reminder

    user = factory.SubFactory(UserFactory)
    object_type = "ehc_case"
    object_id = 1
    deadline_key = "decision"
    due_on = datetime.date(2025, 2, 17)
    days_before = 7
    text = "Decide whether to assess"
    link = "/ehc/cases/1/"


FACTORIES: dict[type[Model], type[factory.django.DjangoModelFactory]] = {
    factory_class._meta.model: factory_class
    for factory_class in (
        # tenants and audit
        OrganisationFactory,
        DomainFactory,
        UserFactory,
        MembershipFactory,
        ApiTokenFactory,
        InvitationFactory,
        HandoffTicketFactory,
        EnrolmentLinkFactory,
        AuthenticatorDeviceFactory,
        AuditEventFactory,
        # integrations, transition, reporting
        EnvelopeFactory,
        EnvelopeDocumentFactory,
        TransitionGrantFactory,
        TransitionFileFactory,
        SchoolFiguresFactory,
        EhcTimelinessFactory,
        RefreshRunFactory,
        ReportingTokenFactory,
        # a school's record
        school.SchoolClassFactory,
        ClassTeacherFactory,
        school.PupilFactory,
        school.ParentCarerFactory,
        school.AgencyFactory,
        school.ConsentFactory,
        school.AgencyInvolvementFactory,
        school.AssessmentFactory,
        school.PupilNeedFactory,
        school.DiagnosisFactory,
        school.RegisterEntryFactory,
        school.ParentNotificationFactory,
        school.ConcernFactory,
        NeedDescriptorLevelFactory,
        school.DocumentFactory,
        PendingImportFactory,
        school.MedicalConditionFactory,
        school.ParentMeetingFactory,
        school.SupportPlanFactory,
        school.PlanOutcomeFactory,
        school.PlanProvisionFactory,
        school.PlanVersionFactory,
        school.ReviewFactory,
        school.OutcomeProgressFactory,
        SubmissionFactory,
        school.StaffTrainingFactory,
        TransferFileSequenceFactory,
        # provision
        provision_factories.InterventionFactory,
        HourlyRateFactory,
        ProvisionSettingsFactory,
        provision_factories.ProvisionGroupFactory,
        provision_factories.GroupStaffFactory,
        provision_factories.GroupMemberFactory,
        GroupSessionFactory,
        SessionAttendanceFactory,
        provision_factories.IndividualProvisionFactory,
        InformationReportFactory,
        # EHC
        EhcPlanFactory,
        EhcRequestFactory,
        EhcCaseFactory,
        AdviceRequestFactory,
        ClockExceptionFactory,
        AnnualReviewFactory,
        CaseAnnualReviewFactory,
        ReminderFactory,
    )
}
