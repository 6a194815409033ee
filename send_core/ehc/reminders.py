"""Reminders of EHC deadlines, to the people who own them, saying what is due, for whom and by when.

In a local authority: every milestone of an open case (decision, advice, no-plan notice, draft and
final plan) to its caseworker, or to the SEN managers while it is unallocated; annual reviews
waiting for a decision likewise. In a school: annual reviews to hold, reports to send and phase
transfers, to the SENCOs. Each reminder goes once a week before, once the day before, once on the
day, and once when the date has passed; it is kept in Cairn and sent by email. The email names
the child only by initials and the case reference: the full name is behind sign-in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from send_core.models import Pupil
from send_core.selectors.organisation import current_organisation
from send_core.services.base import long_date, today
from tenants.models import Membership, User
from tenants.roles import Role

from . import reviews, selectors, transfers
from .models import AnnualReview, AnnualReviewStatus, EhcPlan, EhcPlanStatus, Reminder

# Days before a deadline on which its owner is reminded; -1 stands for "now overdue".
LEAD_DAYS = frozenset({7, 1, 0})
OVERDUE = -1


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
    for case in selectors.open_cases():
        owners = owners_of(case)
        for milestone in selectors.case_timeline(case, today=on):
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
    for row in selectors.plan_deadlines(today=on):
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
    for row in selectors.annual_reviews_due(on=on, within_days=max(LEAD_DAYS)):
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
    last_year = selectors.school_last_year(current_organisation())
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
    """Record and email each reminder that falls due today (each at most once); returns how many were new."""
    on = on or today()
    organisation = current_organisation()
    sent = 0
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
                    )
            except IntegrityError:
                continue  # already told
            sent += 1
            _email(user_id, organisation, item, days)
    return sent


def _email(user_id: int, organisation, item: DueItem, days: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    domain = organisation.get_primary_domain()
    address = f"{'https' if not settings.DEBUG else 'http'}://{domain.domain if domain else ''}{item.link}"
    send_mail(
        subject=f"Cairn: {item.what} by {long_date(item.due_on)}",
        message=f"{_reminder_text(item, days, whom=item.initials)}\n\nSee it in Cairn: {address}\n",
        from_email=None,
        recipient_list=[user.email],
        fail_silently=True,
    )


def reminders_for(user) -> list[Reminder]:
    return list(Reminder.objects.filter(user_id=user.pk, read_at__isnull=True).order_by("due_on", "id")[:200])
