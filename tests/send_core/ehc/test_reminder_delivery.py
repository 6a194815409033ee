"""A reminder is marked emailed only once the mail server took it; failures are retried with back-off, never sent twice."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone

from send_core.ehc import reminders, tasks
from send_core.ehc.models import Reminder, ReminderDelivery

from .casework.test_casework import make_case

pytestmark = pytest.mark.django_db

RECEIVED = datetime.date(2026, 2, 2)
WEEK_BEFORE = datetime.date(2026, 3, 9)  # the decision on a request received 2 Feb is due 16 March


class RefusingBackend(EmailBackend):
    """A mail server that is down: every send raises, nothing is delivered."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed: mail.example.org")


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def _refusing(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"


def test_a_refused_email_leaves_the_reminder_failed_and_the_next_run_sends_it_once(
    in_schema, la, school_a, people, settings, locmem
):
    _refusing(settings)
    with in_schema(la):
        make_case(RECEIVED, 1, caseworker=people.caseworker)
        assert reminders.send_reminders(WEEK_BEFORE) == 1
        reminder = Reminder.objects.get()
        # The reminder is in Cairn; its email is not marked sent.
        assert (reminder.delivery, reminder.attempts, reminder.emailed_at) == (ReminderDelivery.FAILED, 1, None)
        assert reminder.last_error == "SMTPServerDisconnected"  # the kind only, no host or address
        assert reminder.retry_after > timezone.now()

        # The mail server is back, but the wait has not passed: nothing is sent yet.
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert reminders.send_reminders(WEEK_BEFORE) == 0
        assert mail.outbox == []

        Reminder.objects.update(retry_after=timezone.now() - datetime.timedelta(seconds=1))
        assert reminders.send_reminders(WEEK_BEFORE) == 0  # no new reminder, the owed one emailed
        reminder.refresh_from_db()
        assert (reminder.delivery, reminder.attempts, reminder.last_error) == (ReminderDelivery.SENT, 2, "")
        assert reminder.emailed_at is not None
        # Rerun (as a redelivered task would): nothing goes twice.
        reminders.send_reminders(WEEK_BEFORE)
        reminders.email_pending_reminders(la)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [people.caseworker.email]
    # The retried email is the same one: the child by initials and reference only.
    assert "A. O. (EHC-2026-0001)" in mail.outbox[0].body and "Okafor" not in mail.outbox[0].body
    assert mail.outbox[0].subject == "Cairn: Decide whether to assess by 16 March 2026"
    # Another organisation holds no reminder of this case.
    with in_schema(school_a):
        assert not Reminder.objects.exists()


def test_the_wait_doubles_after_each_failure_and_stops_after_the_last_try(in_schema, la, people, settings):
    _refusing(settings)
    waits = []
    with in_schema(la):
        make_case(RECEIVED, 1, caseworker=people.caseworker)
        reminders.send_reminders(WEEK_BEFORE)
        reminder = Reminder.objects.get()
        for _ in range(reminders.MAX_SEND_ATTEMPTS - 1):
            before = timezone.now()
            waits.append(round((reminder.retry_after - before).total_seconds() / 60))
            Reminder.objects.update(retry_after=timezone.now() - datetime.timedelta(seconds=1))
            reminders.email_pending_reminders(la)
            reminder.refresh_from_db()
        assert reminder.attempts == reminders.MAX_SEND_ATTEMPTS
        assert reminder.delivery == ReminderDelivery.FAILED
        # Given up: the reminder stays in Cairn and no further try is made.
        Reminder.objects.update(retry_after=None)
        assert reminders.email_pending_reminders(la) == {"sent": 0, "failed": 0}
    assert waits == [15, 30, 60, 120, 240]


def test_a_reminder_is_marked_sent_only_after_the_backend_accepted_it(
    in_schema, la, people, settings, locmem, monkeypatch
):
    states_while_sending = []
    real_send = EmailBackend.send_messages

    def watching(self, messages):
        states_while_sending.append(Reminder.objects.get().delivery)
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", watching)
    with in_schema(la):
        make_case(RECEIVED, 1, caseworker=people.caseworker)
        reminders.send_reminders(WEEK_BEFORE)
        assert Reminder.objects.get().delivery == ReminderDelivery.SENT
    assert states_while_sending == [ReminderDelivery.PENDING]
    assert len(mail.outbox) == 1


def test_a_reminder_for_someone_who_has_left_is_not_retried(in_schema, la, people, settings, locmem):
    with in_schema(la):
        people.caseworker.is_active = False
        people.caseworker.save(update_fields=["is_active"])
        connection.set_tenant(la)
        Reminder.objects.create(
            user_id=people.caseworker.pk,
            object_type="case",
            object_id=1,
            deadline_key="x",
            due_on=WEEK_BEFORE,
            days_before=7,
            text="t",
            link="/",
            email_subject="s",
            email_text="t",
        )
        reminders.email_pending_reminders(la)
        gone = Reminder.objects.get(user_id=people.caseworker.pk)
        assert (gone.delivery, gone.attempts) == (ReminderDelivery.FAILED, reminders.MAX_SEND_ATTEMPTS)
    assert all(m.to != [people.caseworker.email] for m in mail.outbox)


def test_owed_emails_are_retried_hourly_in_each_organisations_own_schema(school_a, la, trust, monkeypatch):
    sent = []
    monkeypatch.setattr(
        tasks.email_owed_reminders_task, "apply_async", lambda *a, **k: sent.append(connection.schema_name)
    )
    connection.set_schema_to_public()
    assert tasks.email_owed_reminders_everywhere() == len(sent)
    assert {school_a.schema_name, la.schema_name} <= set(sent) and trust.schema_name not in sent
