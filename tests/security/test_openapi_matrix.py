"""Every operation in the OpenAPI schema, asked by every actor, a personal token among them.

The operations come from drf-spectacular's generator, so a new operation without an entry below fails
here by name, and so does an entry whose operation has gone. Bodies are empty JSON: someone allowed
gets a 400 (or, where nothing is required, the answer itself); everyone else is refused before
anything is read. A session that has not passed the second factor gets a 403, never the data.
"""

from __future__ import annotations

import re

import pytest

from tests.security.conftest import client_as, outcome
from tests.security.matrix import (
    ACTORS_AT,
    FIGURES,
    OFFICE,
    RECORD_READERS,
    SENCO_HEAD,
    Entry,
    allow,
    api,
)
from tests.security.openapi import Operation, all_operations
from tests.security.scene import CHILD_NAMES, SEES_NO_CHILD

pytestmark = pytest.mark.django_db

CASEWORK = ("caseworker", "sen_manager")
# Governors and business managers see figures, never a child: a child's id means nothing to them.
NO_CHILD = {"business_manager": "not-found", "governor": "not-found"}

OPERATIONS: dict[str, Entry] = {
    "GET /api/v1/pupils/": api(school=allow(*RECORD_READERS, "school_admin", "business_manager", "governor")),
    "POST /api/v1/pupils/": api(school=allow(*OFFICE, ok="invalid")),
    "GET /api/v1/pupils/{pupil_id}/": api(school=allow(*RECORD_READERS, "school_admin", odd=NO_CHILD)),
    "PATCH /api/v1/pupils/{pupil_id}/": api(school=allow(*OFFICE, odd=NO_CHILD)),
    "GET /api/v1/pupils/{pupil_id}/needs/": api(school=allow(*RECORD_READERS, odd=NO_CHILD)),
    "POST /api/v1/pupils/{pupil_id}/needs/": api(school=allow(*SENCO_HEAD, ok="invalid", odd=NO_CHILD)),
    "GET /api/v1/pupils/{pupil_id}/plans/": api(school=allow(*RECORD_READERS, odd=NO_CHILD)),
    "POST /api/v1/pupils/{pupil_id}/plans/": api(school=allow(*SENCO_HEAD, odd=NO_CHILD)),
    "GET /api/v1/pupils/{pupil_id}/register/": api(school=allow(*RECORD_READERS, odd=NO_CHILD)),
    "POST /api/v1/pupils/{pupil_id}/register/": api(school=allow(*SENCO_HEAD, ok="invalid", odd=NO_CHILD)),
    "GET /api/v1/pupils/{pupil_id}/reviews/": api(school=allow(*RECORD_READERS, odd=NO_CHILD)),
    # Figures by stage: every member of the school (the office included) sees counts, never a child.
    "GET /api/v1/register/": api(
        school=allow(*RECORD_READERS, "school_admin", "business_manager", "governor"),
        la=allow(*CASEWORK),
        trust=allow("send_lead"),
    ),
    "GET /api/v1/plans/{plan_id}/": api(school=allow(*RECORD_READERS, odd=NO_CHILD)),
    "PATCH /api/v1/plans/{plan_id}/": api(school=allow(*SENCO_HEAD, odd=NO_CHILD)),
    "POST /api/v1/plans/{plan_id}/activate/": api(school=allow(*SENCO_HEAD, ok="invalid", odd=NO_CHILD)),
    "POST /api/v1/plans/{plan_id}/outcomes/": api(school=allow(*SENCO_HEAD, ok="invalid", odd=NO_CHILD)),
    "POST /api/v1/plans/{plan_id}/reviews/": api(school=allow(*RECORD_READERS, ok="invalid", odd=NO_CHILD)),
    "POST /api/v1/reviews/{review_id}/close/": api(school=allow(*RECORD_READERS, ok="invalid", odd=NO_CHILD)),
    # The teacher runs no group, so sees an empty list; the teaching assistant runs the child's group.
    "GET /api/v1/provision/groups/": api(school=allow(*RECORD_READERS)),
    "POST /api/v1/provision/groups/": api(school=allow(*SENCO_HEAD, ok="invalid")),
    "POST /api/v1/provision/groups/{group_id}/sessions/": api(
        school=allow("senco", "headteacher", "teaching_assistant", ok="invalid")
    ),
    # The business manager and governors get the map as figures (no pupils).
    "GET /api/v1/provision/map/": api(school=allow(*FIGURES)),
    "GET /api/v1/ehc/requests/": api(school=allow(*SENCO_HEAD), la=allow(refused="not-found")),
    "GET /api/v1/ehc/cases/": api(school=allow(refused="not-found"), la=allow(*CASEWORK)),
    "GET /api/v1/ehc/cases/{case_id}/": api(school=allow(refused="not-found"), la=allow(*CASEWORK)),
    "GET /exchange/api/envelopes/": api(school=allow(*SENCO_HEAD), la=allow(*CASEWORK), trust=allow()),
    "GET /exchange/api/envelopes/{envelope_id}/": api(school=allow(*SENCO_HEAD), la=allow(*CASEWORK), trust=allow()),
    # Only the recipient acknowledges: the sending school is refused.
    "POST /exchange/api/envelopes/{envelope_id}/acknowledge/": api(school=allow(), la=allow(*CASEWORK, ok="invalid")),
    "GET /ctf/api/export/": api(school=allow(*SENCO_HEAD, ok="invalid")),
    "POST /ctf/api/import/": api(school=allow(*SENCO_HEAD, ok="invalid")),
}

OPERATIONS_FOUND = all_operations()


def _cases():
    for operation in OPERATIONS_FOUND:
        entry = OPERATIONS.get(operation.key)
        for host in entry.hosts if entry else ("school",):
            for actor in (*ACTORS_AT[host], "token"):
                yield pytest.param(operation, host, actor, id=f"{operation.key}@{host}:{actor}")


def path_for(operation: Operation, host: str, entry: Entry, scene) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(scene.ids[entry.parameter(host, m.group(1))]), operation.path)


def test_every_operation_has_an_entry_and_every_entry_an_operation():
    keys = {operation.key for operation in OPERATIONS_FOUND}
    missing = sorted(
        f"{operation.key} ({operation.operation_id})"
        for operation in OPERATIONS_FOUND
        if operation.key not in OPERATIONS
    )
    stale = sorted(set(OPERATIONS) - keys)
    assert not missing, "Operations with no entry in tests/security/test_openapi_matrix.py:\n" + "\n".join(missing)
    assert not stale, "Entries whose operation is no longer in the schema:\n" + "\n".join(stale)


@pytest.mark.parametrize(("operation", "host", "actor"), list(_cases()))
def test_each_actor_gets_the_expected_answer(scene, settings, operation, host, actor):
    entry = OPERATIONS.get(operation.key)
    assert entry is not None, f"{operation.key} has no entry in tests/security/test_openapi_matrix.py"
    settings.CAIRN_REQUIRE_2FA = actor == "unverified"
    client = client_as(scene, host, actor)
    path = path_for(operation, host, entry, scene)
    response = client.generic(operation.method, path, "{}", content_type="application/json")
    got = outcome(response)
    expected = entry.expected(host, actor)
    assert got == expected, f"{operation.key} as {actor} at {host}: {got} ({response.status_code}), expected {expected}"
    # A refusal never names a child; nor does anything shown to someone who sees figures only.
    if (got not in ("ok", "invalid") or actor in SEES_NO_CHILD) and not getattr(response, "streaming", False):
        body = response.content.decode(errors="replace")
        leaked = [name for name in CHILD_NAMES if name in body]
        assert not leaked, f"{path} answered {actor} ({got}) naming {leaked}"
