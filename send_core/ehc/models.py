"""EHC needs assessments and plans, on both sides of the exchange.

In a school's schema: the school's request for an assessment (`EhcRequest`), its pupils' EHC plans
as issued to it (`EhcPlan` with a pupil), and the annual reviews it holds (`AnnualReview`).
In a local authority's schema: a case per request (`EhcCase`) with its statutory clock, the advice
asked for, any Reg 10(4) exceptions, the plans the LA writes (`EhcPlan` with a case), and the
annual reviews it decides (`CaseAnnualReview`). Both sides keep `Reminder`s of what is due.

Messages between the two are exchange envelopes, referred to here only by their ids.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from send_core.models import Consent, Pupil
from send_core.models.base import TimestampedModel, staff_reference
from send_core.models.pupils import NCYear, Sex

# --- EHC plans (sections A–K) -------------------------------------------------------------

PLAN_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("a", "A", "The views, interests and aspirations of the child and their parents"),
    ("b", "B", "Special educational needs"),
    ("c", "C", "Health needs related to special educational needs"),
    ("d", "D", "Social care needs related to special educational needs"),
    ("e", "E", "Outcomes"),
    ("f", "F", "Special educational provision"),
    ("g", "G", "Health provision"),
    ("h1", "H1", "Social care provision under the Chronically Sick and Disabled Persons Act 1970"),
    ("h2", "H2", "Other social care provision"),
    ("i", "I", "Placement: the school or other institution"),
    ("j", "J", "Personal budget"),
    ("k", "K", "Advice and information gathered during the assessment"),
)
SECTION_FIELDS = tuple(f"section_{key}" for key, _, _ in PLAN_SECTIONS)
# Sections a final plan cannot leave empty (a plan may have no personal budget, or no social care provision).
REQUIRED_SECTIONS = frozenset({"a", "b", "e", "f", "i"})


class EhcPlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"
    SUPERSEDED = "superseded", "Replaced by a later version"
    CEASED = "ceased", "Ceased"


class EhcPlan(TimestampedModel):
    """One version of an EHC plan: the LA's (with a case) or the school's copy (with a pupil)."""

    case = models.ForeignKey("EhcCase", null=True, blank=True, on_delete=models.CASCADE, related_name="plans")
    pupil = models.ForeignKey(Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="ehc_plans")
    status = models.CharField(max_length=12, choices=EhcPlanStatus.choices, default=EhcPlanStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    issued_on = models.DateField(null=True, blank=True)
    comments_due_on = models.DateField("parent's comments due", null=True, blank=True)
    issued_by = staff_reference("issued by")
    # The day the plan was first made final: amended versions keep it, since amending a plan is
    # not making one (the first review is due 12 months starting with this day, CFA 2014 s44(1)).
    plan_made_on = models.DateField(null=True, blank=True)
    amended = models.BooleanField("an amended plan", default=False)
    issued_by_name = models.CharField(max_length=200, blank=True, help_text="The LA officer, as the school was told.")
    local_authority_name = models.CharField(max_length=200, blank=True)
    # The envelope that carried it (the LA's sent one, or the school's received one).
    envelope_id = models.BigIntegerField(null=True, blank=True)
    section_a = models.TextField(PLAN_SECTIONS[0][2], blank=True)
    section_b = models.TextField(PLAN_SECTIONS[1][2], blank=True)
    section_c = models.TextField(PLAN_SECTIONS[2][2], blank=True)
    section_d = models.TextField(PLAN_SECTIONS[3][2], blank=True)
    section_e = models.TextField(PLAN_SECTIONS[4][2], blank=True)
    section_f = models.TextField(PLAN_SECTIONS[5][2], blank=True)
    section_g = models.TextField(PLAN_SECTIONS[6][2], blank=True)
    section_h1 = models.TextField(PLAN_SECTIONS[7][2], blank=True)
    section_h2 = models.TextField(PLAN_SECTIONS[8][2], blank=True)
    section_i = models.TextField(PLAN_SECTIONS[9][2], blank=True)
    section_j = models.TextField(PLAN_SECTIONS[10][2], blank=True)
    section_k = models.TextField(PLAN_SECTIONS[11][2], blank=True)

    class Meta:
        ordering = ["-version", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, pupil__isnull=True) | Q(case__isnull=True, pupil__isnull=False),
                name="ehc_plan_case_or_pupil",
            ),
        ]

    def __str__(self) -> str:
        return f"EHC plan version {self.version} ({self.get_status_display().lower()})"

    def sections(self) -> list[dict[str, str]]:
        return [
            {"key": key, "letter": letter, "title": title, "text": getattr(self, f"section_{key}")}
            for key, letter, title in PLAN_SECTIONS
        ]

    def section_texts(self) -> dict[str, str]:
        return {key: getattr(self, f"section_{key}") for key, _, _ in PLAN_SECTIONS}

    @property
    def final_may_issue_from(self) -> datetime.date | None:
        """The day after the family's last day to comment on a draft (Reg 13(1): day + 15)."""
        return self.comments_due_on + datetime.timedelta(days=1) if self.comments_due_on else None


# --- The school's request -------------------------------------------------------------------


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    SUBMITTED = "submitted", "Sent to the local authority"
    INFORMATION_REQUESTED = "information_requested", "The LA has asked for more information"
    ASSESSING = "assessing", "The LA is assessing"
    NOT_ASSESSING = "not_assessing", "The LA decided not to assess"
    DRAFT_PLAN = "draft_plan", "Draft plan issued"
    NO_PLAN = "no_plan", "The LA decided not to issue a plan"
    PLAN_ISSUED = "plan_issued", "EHC plan issued"


OPEN_REQUEST_STATUSES = frozenset(
    {
        RequestStatus.DRAFT,
        RequestStatus.SUBMITTED,
        RequestStatus.INFORMATION_REQUESTED,
        RequestStatus.ASSESSING,
        RequestStatus.DRAFT_PLAN,
    }
)
REQUEST_TAG_CLASSES = {
    RequestStatus.DRAFT: "govuk-tag--grey",
    RequestStatus.SUBMITTED: "govuk-tag--blue",
    RequestStatus.INFORMATION_REQUESTED: "govuk-tag--yellow",
    RequestStatus.ASSESSING: "govuk-tag--light-blue",
    RequestStatus.NOT_ASSESSING: "govuk-tag--red",
    RequestStatus.DRAFT_PLAN: "govuk-tag--purple",
    RequestStatus.NO_PLAN: "govuk-tag--red",
    RequestStatus.PLAN_ISSUED: "govuk-tag--green",
}


class EhcRequest(TimestampedModel):
    """A school's request that its LA assess a pupil's needs, built from what the school holds."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="ehc_requests")
    status = models.CharField(max_length=30, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    reason = models.TextField("why the school is asking", blank=True)
    parent_views = models.TextField("parents' views", blank=True)
    child_views = models.TextField("the child's views", blank=True)
    # Evidence keys of the toolkit's checklist the school chose to include, and its documents.
    evidence_keys = models.JSONField(default=list, blank=True)
    document_ids = models.JSONField(default=list, blank=True)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    toolkit_key = models.CharField(max_length=50, blank=True)
    local_authority_id = models.BigIntegerField(null=True, blank=True)
    local_authority_name = models.CharField(max_length=200, blank=True)
    created_by = staff_reference("started by")
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = staff_reference("submitted by")
    # The request's envelope: the first of the thread everything else about it answers.
    envelope_id = models.BigIntegerField(null=True, blank=True, unique=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    la_question = models.TextField("what the LA asked", blank=True)
    status_changed_on = models.DateField(null=True, blank=True)
    # Envelopes from the LA already applied here, so reading the thread again changes nothing.
    applied_envelope_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["pupil"], condition=Q(status="draft"), name="ehc_request_one_draft"),
        ]

    def __str__(self) -> str:
        return f"EHC needs assessment request {self.pk}"

    @property
    def tag_class(self) -> str:
        return REQUEST_TAG_CLASSES.get(self.status, "govuk-tag--grey")

    @property
    def is_draft(self) -> bool:
        return self.status == RequestStatus.DRAFT


# --- The LA's case --------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "Request received"
    INFORMATION_REQUESTED = "information_requested", "More information asked for"
    ASSESSING = "assessing", "Assessing"
    NOT_ASSESSING = "not_assessing", "Decided not to assess"
    NO_PLAN = "no_plan", "No plan to be made"
    DRAFT_ISSUED = "draft_issued", "Draft plan issued"
    PLAN_ISSUED = "plan_issued", "Final plan issued"


OPEN_CASE_STATUSES = frozenset(
    {CaseStatus.RECEIVED, CaseStatus.INFORMATION_REQUESTED, CaseStatus.ASSESSING, CaseStatus.DRAFT_ISSUED}
)
CASE_TAG_CLASSES = {
    CaseStatus.RECEIVED: "govuk-tag--blue",
    CaseStatus.INFORMATION_REQUESTED: "govuk-tag--yellow",
    CaseStatus.ASSESSING: "govuk-tag--light-blue",
    CaseStatus.NOT_ASSESSING: "govuk-tag--grey",
    CaseStatus.NO_PLAN: "govuk-tag--grey",
    CaseStatus.DRAFT_ISSUED: "govuk-tag--purple",
    CaseStatus.PLAN_ISSUED: "govuk-tag--green",
}


class Requester(models.TextChoices):
    """Who asked for the assessment (CFA 2014 s36(1): the child's parent, the young person, or a school)."""

    SCHOOL = "school", "The child's school"
    PARENT = "parent", "A parent"
    YOUNG_PERSON = "young_person", "The young person"


class ReceivedHow(models.TextChoices):
    EXCHANGE = "exchange", "Through Cairn from the school"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    ONLINE = "online", "Online form"
    PHONE = "phone", "Telephone"
    IN_PERSON = "in_person", "In person"


class EhcCase(TimestampedModel):
    """An EHC needs assessment in the LA: the child, who asked and how, the evidence, and the clock."""

    reference = models.CharField(max_length=20, unique=True)
    # The child's school, when it is on Cairn (a family's own request may come with no school).
    school_id = models.BigIntegerField(null=True, blank=True, help_text="The child's school (an organisation).")
    school_name = models.CharField(max_length=200, blank=True)
    school_pupil_id = models.BigIntegerField(null=True, blank=True, help_text="The child's id in the school's records.")
    requested_by = models.CharField(max_length=20, choices=Requester.choices, default=Requester.SCHOOL)
    requester_name = models.CharField("who made the request", max_length=200, blank=True)
    received_how = models.CharField(max_length=20, choices=ReceivedHow.choices, default=ReceivedHow.EXCHANGE)
    request_envelope_id = models.BigIntegerField(null=True, blank=True, unique=True)
    received_on = models.DateField(null=True, blank=True, help_text="The day the clock starts.")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    nc_year = models.CharField("year group", max_length=2, choices=NCYear.choices, blank=True)
    evidence = models.JSONField(default=dict, blank=True, help_text="What the school sent with its request.")
    caseworker = staff_reference("caseworker")
    status = models.CharField(max_length=30, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    decision_on = models.DateField("decided whether to assess on", null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    no_plan_on = models.DateField("no-plan notice sent on", null=True, blank=True)
    draft_issued_on = models.DateField(null=True, blank=True)
    final_issued_on = models.DateField(null=True, blank=True)
    applied_envelope_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "received_on"]),
            models.Index(fields=["school_id", "school_pupil_id"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def child_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def tag_class(self) -> str:
        return CASE_TAG_CLASSES.get(self.status, "govuk-tag--grey")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    @property
    def from_family(self) -> bool:
        return self.requested_by != Requester.SCHOOL


class AdviceSource(models.TextChoices):
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    SCHOOL = "school", "The school"
    OTHER = "other", "Other"


class AdviceRequest(TimestampedModel):
    """Advice the LA has asked for during the assessment; due 6 weeks after it was asked."""

    case = models.ForeignKey(EhcCase, on_delete=models.CASCADE, related_name="advice_requests")
    source = models.CharField(max_length=30, choices=AdviceSource.choices)
    requested_from = models.CharField(max_length=200, blank=True, help_text="The service or person asked.")
    requested_on = models.DateField()
    due_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    requested_by = staff_reference("requested by")

    class Meta:
        ordering = ["requested_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} advice"


class ExceptionReason(models.TextChoices):
    # Reg 10(4)(a)-(d) and Reg 5(4)(a)-(d): the only circumstances that excuse the LA's own time limits.
    SCHOOL_CLOSURE = (
        "school_closure",
        "Advice asked of a school or college around its closure of four weeks or more (Reg 10(4)(a))",
    )
    EARLY_YEARS_CLOSURE = (
        "early_years_closure",
        "Advice asked of an early years provider around its closure of four weeks or more (Reg 10(4)(b))",
    )
    PERSONAL_CIRCUMSTANCES = (
        "personal_circumstances",
        "Exceptional personal circumstances of the child, parent or young person (Reg 10(4)(c))",
    )
    ABSENT_FROM_AREA = (
        "absent_from_area",
        "The child, parent or young person away from the area for four weeks or more (Reg 10(4)(d))",
    )
    # Reg 8(2): excuses the person giving advice only, so it moves that advice's due date.
    MISSED_APPOINTMENT = "missed_appointment", "A missed appointment for an examination or test (Reg 8(2))"


class ClockException(TimestampedModel):
    """Why a time limit could not be met, and the days it held the work up.

    Reg 10(4) reasons move the LA's dates; a missed appointment (Reg 8(2)) moves only the due date
    of the advice it concerns. A closure names the advice asked of the school around it.
    """

    case = models.ForeignKey(EhcCase, on_delete=models.CASCADE, related_name="exceptions")
    advice = models.ForeignKey(
        "AdviceRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions"
    )
    reason = models.CharField(max_length=30, choices=ExceptionReason.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    affects_decision = models.BooleanField("also held up the decision whether to assess", default=False)
    notes = models.TextField(blank=True)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="ehc_exception_ends_after")
        ]

    def __str__(self) -> str:
        return self.get_reason_display()

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


# --- Annual reviews -------------------------------------------------------------------------


class ReviewRecommendation(models.TextChoices):
    MAINTAIN = "maintain", "Keep the plan as it is"
    AMEND = "amend", "Amend the plan"
    CEASE = "cease", "Cease the plan"


class AnnualReviewStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    SENT = "sent", "Report sent to the LA"
    DECIDED = "decided", "Decided by the LA"


class AnnualReview(TimestampedModel):
    """A school's annual review of a pupil's EHC plan, its report to the LA and the LA's decision."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="annual_reviews")
    plan = models.ForeignKey(EhcPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="annual_reviews")
    status = models.CharField(max_length=10, choices=AnnualReviewStatus.choices, default=AnnualReviewStatus.PLANNED)
    due_by = models.DateField(help_text="12 months after the plan or the last review.")
    meeting_on = models.DateField()
    invitations_sent_on = models.DateField(null=True, blank=True)
    secondary_senco_invited = models.CharField(
        "secondary SENCO invited", max_length=200, blank=True, help_text="For Year 5 and Year 6 reviews."
    )
    participants = models.TextField("who took part", blank=True)
    child_views = models.TextField("the child's views", blank=True)
    parent_views = models.TextField("parents' views", blank=True)
    progress = models.TextField("progress towards the plan's outcomes", blank=True)
    recommendation = models.CharField(max_length=10, choices=ReviewRecommendation.choices, blank=True)
    recommended_changes = models.TextField(blank=True)
    created_by = staff_reference("recorded by")
    sent_on = models.DateField(null=True, blank=True)
    envelope_id = models.BigIntegerField(null=True, blank=True, unique=True)
    # Reg 20(6): from Year 9, what the review found about preparing for adulthood and independent living.
    preparing_for_adulthood = models.TextField("preparing for adulthood", blank=True)
    la_decision = models.CharField("LA's decision", max_length=10, choices=ReviewRecommendation.choices, blank=True)
    la_decided_on = models.DateField(null=True, blank=True)
    la_reasons = models.TextField(blank=True)
    # Reg 22(2): the amendments the LA proposes, served with its decision to amend.
    la_proposed_amendments = models.TextField("amendments the LA proposes", blank=True)
    # Envelopes from the LA in the review's thread already applied here (decision, amended plan).
    applied_envelope_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-meeting_on", "-id"]

    def __str__(self) -> str:
        return f"Annual review {self.meeting_on:%d %B %Y}"


class CaseAnnualReview(TimestampedModel):
    """An annual review report the LA received for a child with a plan, and its decision on it."""

    case = models.ForeignKey(EhcCase, on_delete=models.CASCADE, related_name="annual_reviews")
    envelope_id = models.BigIntegerField(unique=True)
    meeting_on = models.DateField()
    received_on = models.DateField()
    school_recommendation = models.CharField(max_length=10, choices=ReviewRecommendation.choices, blank=True)
    report = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=10, choices=ReviewRecommendation.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    decided_by = staff_reference("decided by")
    # Reg 22(2): the proposed amendments, sent with the decision to amend (Devon [2022] EWHC 493).
    proposed_amendments = models.TextField(blank=True)
    amendment_notice_on = models.DateField("notice of proposed amendments served on", null=True, blank=True)
    amended_plan_issued_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-meeting_on", "-id"]

    def __str__(self) -> str:
        return f"Annual review {self.meeting_on:%d %B %Y}"


# --- Reminders ------------------------------------------------------------------------------


class ReminderDelivery(models.TextChoices):
    PENDING = "pending", "Not emailed yet"
    SENT = "sent", "Emailed"
    FAILED = "failed", "Email failed"


class Reminder(models.Model):
    """A deadline coming up, told to the person who owns it (once per deadline and lead time).

    The row is the reminder in Cairn; `delivery` follows its email: pending until the mail server
    has accepted it, then sent. A failed send waits `retry_after` and is tried again by a later run.
    """

    user = staff_reference("for", null=False)
    # What the deadline belongs to: "case", "annual_review", "advice" or "request".
    object_type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    deadline_key = models.CharField(max_length=30)
    due_on = models.DateField()
    days_before = models.SmallIntegerField(help_text="Negative once the date has passed.")
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=10, choices=ReminderDelivery.choices, default=ReminderDelivery.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The email as it goes: the child by initials and case reference only, never the full name.
    email_subject = models.CharField(max_length=200, blank=True)
    email_text = models.CharField(max_length=300, blank=True)
    # The kind of the last error only ("SMTPServerDisconnected"): messages can quote addresses.
    last_error = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["delivery", "retry_after"], name="reminder_to_email")]
        constraints = [
            # Once per deadline date: next year's annual review, or a date moved by an exception, is told again.
            models.UniqueConstraint(
                fields=["user", "object_type", "object_id", "deadline_key", "due_on", "days_before"],
                name="reminder_once",
            )
        ]

    def __str__(self) -> str:
        return self.text
