"""Reminders of EHC deadlines, to the people who own them, saying what is due, for whom and by when.

In a local authority: every milestone of an open case (decision, advice, no-plan notice, draft and
final plan) to its caseworker, or to the SEN managers while it is unallocated; annual reviews
waiting for a decision likewise. In a school: annual reviews to hold, reports to send and phase
transfers, to the SENCOs. Each reminder goes once a week before, once the day before, once on the
day, and once when the date has passed; it is kept in Cairn and sent by email. The email names
the child only by initials and the case reference: the full name is behind sign-in.

A reminder's row is written first (pending) and marked sent only once the mail server has accepted
its email; a failed send is tried again by later runs, waiting longer each time, and a reminder
already sent is never sent again, however often the task is rerun (tasks are acknowledged late).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from send_core.models import Pupil
from send_core.selectors.organisation import current_organisation
from send_core.services.base import long_date, today
from tenants.models import Membership, User
from tenants.roles import Role

from . import reviews, transfers
from .casework import selectors as casework
from .models import AnnualReview, AnnualReviewStatus, EhcPlan, EhcPlanStatus, Reminder, ReminderDelivery
from .requests import selectors as school

logger = logging.getLogger(__name__)

# Days before a deadline on which its owner is reminded; -1 stands for "now overdue".
LEAD_DAYS = frozenset({7, 1, 0})
OVERDUE = -1

# A failed email waits 15 minutes, then 30, 1 hour, 2 hours... and is given up after this many tries
# (the reminder is still in Cairn). Later runs of the reminders task (beat, hourly) make the retries.
FIRST_RETRY = datetime.timedelta(minutes=15)
MAX_SEND_ATTEMPTS = 6


@dataclass(frozen=True)
class DueItem:
    owner_ids: tuple[int, ...]
    object_type: str
    object_id: int
    deadline_key: str
    due_on: datetime.date
    what: str  # "Decide whether to assess"
    whom: str  # "Amara Okafor (EHC-2026-0003)"
    initials: str  # "A. O. (EHC-2026-0003)"
    link: str


def _members(organisation, roles: Iterable[str]) -> tuple[int, ...]:
    return tuple(
        sorted(
            set(
                Membership.objects.filter(organisation=organisation, role__in=list(roles), is_active=True).values_list(
                    "user_id", flat=True
                )
            )
        )
    )


def _initials(first: str, last: str) -> str:
    return " ".join(f"{part[:1].upper()}." for part in (first, last) if part)


def _la_items(organisation, on: datetime.date) -> list[DueItem]:
    managers = _members(organisation, [Role.SEN_MANAGER])
    # A caseworker who has left (or moved to another LA) is told nothing more; the managers are.
    current = set(_members(organisation, [Role.CASEWORKER, Role.SEN_MANAGER]))

    def owners_of(case) -> tuple[int, ...]:
        return (case.caseworker_id,) if case.caseworker_id in current else managers

    items = []
    for case in casework.open_cases():
        owners = owners_of(case)
        for milestone in casework.case_timeline(case, today=on):
            if milestone.state not in {"overdue", "due_soon", "upcoming"} or milestone.due is None:
                continue
            items.append(
                DueItem(
                    owners,
                    "case",
                    case.pk,
                    milestone.key,
                    milestone.due,
                    milestone.label,
                    f"{case.child_name} ({case.reference})",
                    f"{_initials(case.first_name, case.last_name)} ({case.reference})",
                    f"/casework/cases/{case.pk}/",
                )
            )
    for row in casework.plan_deadlines(today=on):
        case, milestone = row.case, row.milestone
        items.append(
            DueItem(
                owners_of(case),
                "case",
                case.pk,
                milestone.key,
                milestone.due,
                milestone.label,
                f"{case.child_name} ({case.reference})",
                f"{_initials(case.first_name, case.last_name)} ({case.reference})",
                f"/casework/cases/{case.pk}/",
            )
        )
    return items


def _school_items(organisation, on: datetime.date) -> list[DueItem]:
    sencos = _members(organisation, [Role.SENCO])
    items = []
    pupil_ids = EhcPlan.objects.filter(pupil__isnull=False, status=EhcPlanStatus.FINAL).values_list(
        "pupil_id", flat=True
    )

    def who(pupil: Pupil) -> tuple[str, str, str]:
        return (
            pupil.display_name,
            _initials(pupil.display_name.split(" ")[0], pupil.last_name),
            f"/pupils/{pupil.pk}/ehc/",
        )

    # Reminders go a week ahead at most, so only reviews due within 7 days (or overdue) matter.
    for row in school.annual_reviews_due(on=on, within_days=max(LEAD_DAYS)):
        whom, initials, link = who(row.pupil)
        items.append(
            DueItem(
                sencos,
                "pupil",
                row.pupil.pk,
                "annual_review",
                row.due_by,
                "Hold the annual review",
                whom,
                initials,
                link,
            )
        )
    last_year = transfers.school_last_year(current_organisation())
    for pupil in Pupil.objects.filter(pk__in=pupil_ids, leaving_date__isnull=True):
        transfer = transfers.phase_transfer_due(pupil.nc_year, on, last_year=last_year)
        if transfer and transfer >= on - datetime.timedelta(days=1):
            whom, initials, link = who(pupil)
            items.append(
                DueItem(
                    sencos,
                    "pupil",
                    pupil.pk,
                    "phase_transfer",
                    transfer,
                    "Have the plan amended for the move of phase",
                    whom,
                    initials,
                    link,
                )
            )
    for review in AnnualReview.objects.filter(status=AnnualReviewStatus.PLANNED).select_related("pupil"):
        pupil = review.pupil
        items.append(
            DueItem(
                sencos,
                "annual_review",
                review.pk,
                "report",
                reviews.review_report_due(review.meeting_on),
                "Send the annual review report to the local authority",
                pupil.display_name,
                _initials(pupil.display_name.split(" ")[0], pupil.last_name),
                f"/annual-reviews/{review.pk}/",
            )
        )
    return items


def due_items(on: datetime.date | None = None) -> list[DueItem]:
    """The deadlines of the organisation whose schema is active, with their owners."""
    organisation = current_organisation()
    if organisation is None:
        return []
    on = on or today()
    if organisation.kind == "local_authority":
        return _la_items(organisation, on)
    if organisation.kind == "school":
        return _school_items(organisation, on)
    return []


def _reminder_text(item: DueItem, days_before: int, *, whom: str) -> str:
    if days_before == OVERDUE:
        return f"Overdue: {item.what} for {whom} was due by {long_date(item.due_on)}."
    when = {0: "today", 1: "tomorrow"}.get(days_before, f"by {long_date(item.due_on)}")
    return f"{item.what} for {whom}: due {when}."


def send_reminders(on: datetime.date | None = None) -> int:
    """Record each reminder that falls due today (each at most once) and email those not yet sent.

    Returns how many reminders were new. Emails owed from earlier runs (failed, or never tried
    because the run was stopped) go out too, each once.
    """
    on = on or today()
    organisation = current_organisation()
    made = 0
    for item in due_items(on):
        days = (item.due_on - on).days
        if days < 0:
            days = OVERDUE
        elif days not in LEAD_DAYS:
            continue
        for user_id in item.owner_ids:
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        user_id=user_id,
                        object_type=item.object_type,
                        object_id=item.object_id,
                        deadline_key=item.deadline_key,
                        due_on=item.due_on,
                        days_before=days,
                        text=_reminder_text(item, days, whom=item.whom)[:300],
                        link=item.link,
                        # The email's own wording (initials only), kept so a retry says what the first try would.
                        email_subject=f"Cairn: {item.what} by {long_date(item.due_on)}"[:200],
                        email_text=_reminder_text(item, days, whom=item.initials)[:300],
                    )
            except IntegrityError:
                continue  # already told
            made += 1
    if organisation is not None:
        email_pending_reminders(organisation)
    return made


def _retry_delay(attempts: int) -> datetime.timedelta:
    return FIRST_RETRY * (2 ** max(attempts - 1, 0))


def email_pending_reminders(organisation) -> dict[str, int]:
    """Email every reminder here that is pending, or failed and past its wait; each is sent at most once.

    Each row is claimed under a row lock (a second run at the same moment skips it) and marked sent
    only after the mail backend accepted the message.
    """
    now = timezone.now()
    owed = list(
        Reminder.objects.filter(delivery__in=[ReminderDelivery.PENDING, ReminderDelivery.FAILED])
        .filter(attempts__lt=MAX_SEND_ATTEMPTS)
        .exclude(retry_after__gt=now)
        .values_list("pk", flat=True)
    )
    outcome = {"sent": 0, "failed": 0}
    for pk in owed:
        with transaction.atomic():
            reminder = (
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, delivery__in=[ReminderDelivery.PENDING, ReminderDelivery.FAILED])
                .first()
            )
            if reminder is None:
                continue  # another run has it, or has sent it
            user = User.objects.filter(pk=reminder.user_id, is_active=True).first()
            if user is None:
                # Nobody to email: the reminder stays in Cairn, and no retry can help.
                reminder.delivery, reminder.attempts = ReminderDelivery.FAILED, MAX_SEND_ATTEMPTS
                reminder.last_error = "No active account"
                reminder.save(update_fields=["delivery", "attempts", "last_error"])
                outcome["failed"] += 1
                continue
            reminder.attempts += 1
            try:
                _email(user, organisation, reminder)
            except Exception as error:  # refused, timed out, disconnected: tried again later
                reminder.delivery = ReminderDelivery.FAILED
                reminder.retry_after = timezone.now() + _retry_delay(reminder.attempts)
                reminder.last_error = type(error).__name__[:100]
                logger.warning(
                    "Reminder %s not emailed (attempt %s, %s)", reminder.pk, reminder.attempts, reminder.last_error
                )
                outcome["failed"] += 1
            else:
                reminder.delivery, reminder.emailed_at, reminder.retry_after = (
                    ReminderDelivery.SENT,
                    timezone.now(),
                    None,
                )
                reminder.last_error = ""
                outcome["sent"] += 1
            reminder.save(update_fields=["delivery", "attempts", "retry_after", "emailed_at", "last_error"])
    return outcome


def _email(user: User, organisation, reminder: Reminder) -> None:
    """Send one reminder's email; raises unless the mail backend accepted it."""
    domain = organisation.get_primary_domain()
    address = f"{'https' if not settings.DEBUG else 'http'}://{domain.domain if domain else ''}{reminder.link}"
    accepted = send_mail(
        subject=reminder.email_subject,
        message=f"{reminder.email_text}\n\nSee it in Cairn: {address}\n",
        from_email=None,
        recipient_list=[user.email],
        fail_silently=False,
    )
    if accepted != 1:
        raise RuntimeError("the mail backend accepted no message")


def reminders_for(user) -> list[Reminder]:
    return list(Reminder.objects.filter(user_id=user.pk, read_at__isnull=True).order_by("due_on", "id")[:200])


def dismiss_reminder(user, reminder_id: int) -> None:
    """The person has dealt with the reminder: it leaves their list (another's reminder is left alone)."""
    Reminder.objects.filter(pk=reminder_id, user_id=user.pk, read_at__isnull=True).update(read_at=timezone.now())
