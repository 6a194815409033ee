"""The daily reminder fan-out: one task per school and LA, each sent from that organisation's schema, spread out."""

from __future__ import annotations

import pytest
from django.db import connection

from send_core.ehc import tasks

pytestmark = pytest.mark.django_db


def test_each_school_and_la_gets_its_own_task_in_its_own_schema(school_a, school_b, la, trust, monkeypatch):
    sent = []

    def fake_apply_async(*, countdown):
        sent.append((connection.schema_name, countdown))

    monkeypatch.setattr(tasks.send_reminders_task, "apply_async", fake_apply_async)
    connection.set_schema_to_public()
    count = tasks.send_reminders_everywhere()
    schemas = [schema for schema, _ in sent]
    assert count == len(sent)
    assert {school_a.schema_name, school_b.schema_name, la.schema_name} <= set(schemas)
    assert trust.schema_name not in schemas
    assert all(0 <= countdown <= tasks.FAN_OUT_SECONDS for _, countdown in sent)
    assert len(set(schemas)) == len(schemas)
