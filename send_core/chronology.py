"""One chronology per pupil: everything on their SEND record, in time order.

Each source is read with one query, whatever the number of rows, so a long record costs the
same number of queries as a short one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from .models import (
    AgencyInvolvement,
    Assessment,
    Concern,
    ConcernStatus,
    Consent,
    Diagnosis,
    Document,
    ParentMeeting,
    ParentNotification,
    Pupil,
    PupilNeed,
    RegisterEntry,
    Review,
    ReviewStatus,
    SupportPlan,
)


class ChronologyKind(models.TextChoices):
    REGISTER = "register", "Register"
    NEED = "need", "Needs and diagnoses"
    CONCERN = "concern", "Concerns"
    PLAN = "plan", "Plans"
    REVIEW = "review", "Reviews"
    MEETING = "meeting", "Meetings with parents"
    AGENCY = "agency", "Agencies"
    ASSESSMENT = "assessment", "Assessments"
    DOCUMENT = "document", "Documents"
    CONSENT = "consent", "Consent"
    NOTIFICATION = "notification", "Letters to parents"


# The page each entry links to; each URL takes the object's id.
URL_NAMES: dict[str, str] = {
    "register_entry": "send_core:register-entry",
    "need": "send_core:need",
    "diagnosis": "send_core:diagnosis",
    "concern": "send_core:concern",
    "plan": "send_core:plan",
    "review": "send_core:review",
    "meeting": "send_core:parent-meeting",
    "agency": "send_core:agency-involvement",
    "assessment": "send_core:assessment",
    "document": "send_core:document",
    "consent": "send_core:consent",
    "notification": "send_core:parent-notification",
}
SUMMARY_LENGTH = 200


@dataclass(frozen=True)
class ChronologyEntry:
    """One dated event on a pupil's record, with the page to see it on."""

    date: datetime.date
    kind: str
    title: str
    summary: str
    url_name: str
    object_id: int


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1].rstrip() + "…"


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _register(pupil: Pupil) -> Iterable[ChronologyEntry]:
    entries = list(RegisterEntry.objects.filter(pupil_id=pupil.pk).order_by("started_on", "id"))
    starts = {entry.started_on for entry in entries}
    for entry in entries:
        yield ChronologyEntry(
            entry.started_on,
            ChronologyKind.REGISTER,
            f"Register: {entry.stage_label}",
            _short(entry.reason),
            URL_NAMES["register_entry"],
            entry.pk,
        )
        if entry.ended_on is not None and entry.ended_on not in starts:
            yield ChronologyEntry(
                entry.ended_on,
                ChronologyKind.REGISTER,
                f"Register: {entry.stage_label} ended",
                _short(entry.end_reason),
                URL_NAMES["register_entry"],
                entry.pk,
            )


def _needs(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for need in PupilNeed.objects.filter(pupil_id=pupil.pk):
        label = f"{need.get_need_type_display()} ({need.get_rank_display().lower()})"
        yield ChronologyEntry(
            need.started_on,
            ChronologyKind.NEED,
            f"Need recorded: {label}",
            _short(need.notes),
            URL_NAMES["need"],
            need.pk,
        )
        if need.ended_on:
            yield ChronologyEntry(
                need.ended_on, ChronologyKind.NEED, f"Need ended: {label}", "", URL_NAMES["need"], need.pk
            )


def _diagnoses(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for diagnosis in Diagnosis.objects.filter(pupil_id=pupil.pk):
        yield ChronologyEntry(
            diagnosis.diagnosed_on or _local_date(diagnosis.created_at),
            ChronologyKind.NEED,
            f"Diagnosis: {diagnosis.name}",
            _short(f"{diagnosis.get_source_display()}. {diagnosis.notes}".strip(". ")),
            URL_NAMES["diagnosis"],
            diagnosis.pk,
        )


def _concerns(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for concern in Concern.objects.filter(pupil_id=pupil.pk):
        url, pk = URL_NAMES["concern"], concern.pk
        yield ChronologyEntry(
            concern.raised_on,
            ChronologyKind.CONCERN,
            f"Concern raised by {concern.get_raised_by_kind_display().lower()}",
            _short(concern.concern),
            url,
            pk,
        )
        if concern.discussed_on:
            yield ChronologyEntry(
                concern.discussed_on, ChronologyKind.CONCERN, "Concern discussed", _short(concern.next_steps), url, pk
            )
        if concern.closed_on:
            title = (
                "Concern escalated to SEN Support" if concern.status == ConcernStatus.ESCALATED else "Concern closed"
            )
            yield ChronologyEntry(concern.closed_on, ChronologyKind.CONCERN, title, _short(concern.outcome), url, pk)


def _plans(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for plan in SupportPlan.objects.filter(pupil_id=pupil.pk):
        url, pk = URL_NAMES["plan"], plan.pk
        yield ChronologyEntry(_local_date(plan.created_at), ChronologyKind.PLAN, f"{plan.title} drafted", "", url, pk)
        if plan.activated_on:
            due = f"Review due {plan.review_due_on:%d/%m/%Y}." if plan.review_due_on else ""
            yield ChronologyEntry(plan.activated_on, ChronologyKind.PLAN, f"{plan.title} made active", due, url, pk)
        if plan.closed_on:
            yield ChronologyEntry(plan.closed_on, ChronologyKind.PLAN, f"{plan.title} closed", "", url, pk)


def _reviews(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for review in Review.objects.filter(pupil_id=pupil.pk):
        decision = review.get_decision_display() if review.decision else "no decision yet"
        state = "" if review.status == ReviewStatus.CLOSED else " (draft)"
        yield ChronologyEntry(
            review.held_on,
            ChronologyKind.REVIEW,
            f"Review held{state}: {decision}",
            _short(review.notes),
            URL_NAMES["review"],
            review.pk,
        )


def _meetings(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for meeting in ParentMeeting.objects.filter(pupil_id=pupil.pk):
        yield ChronologyEntry(
            meeting.held_on,
            ChronologyKind.MEETING,
            f"Meeting with parents: {meeting.get_kind_display().lower()}",
            _short(meeting.agreed_actions or meeting.notes),
            URL_NAMES["meeting"],
            meeting.pk,
        )


def _agencies(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for involvement in AgencyInvolvement.objects.filter(pupil_id=pupil.pk).select_related("agency"):
        url, pk, name = URL_NAMES["agency"], involvement.pk, involvement.agency.name
        yield ChronologyEntry(
            involvement.referred_on, ChronologyKind.AGENCY, f"Referred to {name}", _short(involvement.reason), url, pk
        )
        if involvement.report_received_on:
            yield ChronologyEntry(
                involvement.report_received_on, ChronologyKind.AGENCY, f"Report received from {name}", "", url, pk
            )
        if involvement.closed_on:
            yield ChronologyEntry(
                involvement.closed_on, ChronologyKind.AGENCY, f"{name} involvement finished", "", url, pk
            )


def _assessments(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for assessment in Assessment.objects.filter(pupil_id=pupil.pk):
        value = assessment.value
        value_text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
        yield ChronologyEntry(
            assessment.assessed_on,
            ChronologyKind.ASSESSMENT,
            f"{assessment.get_kind_display()}: {value_text}",
            _short(" ".join(filter(None, [assessment.instrument, assessment.subject, assessment.notes]))),
            URL_NAMES["assessment"],
            assessment.pk,
        )


def _documents(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for document in Document.objects.filter(pupil_id=pupil.pk).only("pk", "title", "kind", "uploaded_at", "pupil_id"):
        yield ChronologyEntry(
            _local_date(document.uploaded_at),
            ChronologyKind.DOCUMENT,
            f"{document.get_kind_display()} added: {document.title}",
            "",
            URL_NAMES["document"],
            document.pk,
        )


def _consents(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for consent in Consent.objects.filter(pupil_id=pupil.pk).select_related("given_by"):
        url, pk, scope = URL_NAMES["consent"], consent.pk, consent.get_scope_display().lower()
        yield ChronologyEntry(
            consent.given_on,
            ChronologyKind.CONSENT,
            f"Consent given: {scope}",
            f"Given by {consent.given_by.name}",
            url,
            pk,
        )
        if consent.withdrawn_on:
            yield ChronologyEntry(
                consent.withdrawn_on, ChronologyKind.CONSENT, f"Consent withdrawn: {scope}", "", url, pk
            )


def _notifications(pupil: Pupil) -> Iterable[ChronologyEntry]:
    for notification in ParentNotification.objects.filter(pupil_id=pupil.pk):
        yield ChronologyEntry(
            notification.sent_on,
            ChronologyKind.NOTIFICATION,
            f"Parents told: {notification.get_kind_display()}",
            f"By {notification.get_method_display().lower()}",
            URL_NAMES["notification"],
            notification.pk,
        )


SOURCES: dict[str, tuple[Callable[[Pupil], Iterable[ChronologyEntry]], ...]] = {
    ChronologyKind.REGISTER: (_register,),
    ChronologyKind.NEED: (_needs, _diagnoses),
    ChronologyKind.CONCERN: (_concerns,),
    ChronologyKind.PLAN: (_plans,),
    ChronologyKind.REVIEW: (_reviews,),
    ChronologyKind.MEETING: (_meetings,),
    ChronologyKind.AGENCY: (_agencies,),
    ChronologyKind.ASSESSMENT: (_assessments,),
    ChronologyKind.DOCUMENT: (_documents,),
    ChronologyKind.CONSENT: (_consents,),
    ChronologyKind.NOTIFICATION: (_notifications,),
}
_KIND_ORDER = {kind: index for index, kind in enumerate(SOURCES)}


def pupil_chronology(
    pupil: Pupil,
    *,
    kinds: Iterable[str] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    newest_first: bool = False,
) -> list[ChronologyEntry]:
    """Everything on the pupil's record in date order (oldest first unless asked), optionally of some kinds and between dates."""
    wanted = list(SOURCES) if kinds is None else [kind for kind in SOURCES if kind in set(kinds)]
    unknown = set(kinds or ()) - set(SOURCES)
    if unknown:
        raise ValueError(f"Unknown chronology kind: {', '.join(sorted(unknown))}")
    entries = [
        entry
        for kind in wanted
        for source in SOURCES[kind]
        for entry in source(pupil)
        if (since is None or entry.date >= since) and (until is None or entry.date <= until)
    ]
    entries.sort(key=lambda e: (e.date, _KIND_ORDER[e.kind], e.object_id), reverse=newest_first)
    return entries
