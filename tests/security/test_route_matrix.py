"""Every URL pattern of both URLconfs, asked by every actor: the answer each gets is the one in the table.

The routes come from the resolver, so a new route without an entry in tests/security/matrix.py fails
here by name, and so does an entry whose route has gone. Each route is asked on each kind of host it
serves, by someone signed out, a member of another organisation, a member whose session has not passed
the second factor (CAIRN_REQUIRE_2FA on), and each role that organisation can hold. No refusal ever
carries a child's name.
"""

from __future__ import annotations

import re

import pytest

from tests.security.conftest import client_as, outcome
from tests.security.matrix import ACTORS_AT, TABLE
from tests.security.routes import Route, all_routes
from tests.security.scene import CHILD_NAMES, SEES_NO_CHILD

pytestmark = pytest.mark.django_db

ROUTES = all_routes()
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def path_for(route: Route, host: str, scene) -> str:
    entry = TABLE[route.key]
    return "/" + PARAMETER.sub(lambda m: str(scene.ids[entry.parameter(host, m.group(1))]), route.pattern)


def _cases():
    for route in ROUTES:
        entry = TABLE.get(route.key)
        hosts = entry.hosts if entry else ({"platform": None} if route.urlconf == "base" else {"school": None})
        for host in hosts:
            for actor in ACTORS_AT[host]:
                yield pytest.param(route, host, actor, id=f"{route.name or route.pattern}@{host}:{actor}")


def gaps(routes: list[Route], table: dict) -> tuple[list[str], list[str]]:
    """Routes with no entry (by key and name), and entries with no route."""
    missing = [f"{route.key} (name {route.name!r})" for route in routes if route.key not in table]
    stale = sorted(set(table) - {route.key for route in routes})
    return missing, stale


def test_every_route_has_an_entry_and_every_entry_a_route():
    missing, stale = gaps(ROUTES, TABLE)
    assert not missing, "Routes with no entry in tests/security/matrix.py:\n" + "\n".join(missing)
    assert not stale, "Entries in tests/security/matrix.py whose route no longer exists:\n" + "\n".join(stale)


def test_a_new_route_or_a_removed_one_is_named():
    new = Route("organisation", "pupils/<int:pupil_id>/secrets/", "send_core:pupil-secrets")
    table = {key: entry for key, entry in TABLE.items() if key != "base /sign-in/"}
    table["organisation /gone/"] = TABLE["organisation /"]
    missing, stale = gaps([*ROUTES, new], table)
    assert "organisation /pupils/<int:pupil_id>/secrets/ (name 'send_core:pupil-secrets')" in missing
    assert "base /sign-in/ (name 'sign-in')" in missing
    assert stale == ["organisation /gone/"]


def test_entries_name_only_roles_their_host_has():
    for key, entry in TABLE.items():
        for host, rule in entry.hosts.items():
            unknown = (set(rule.roles) | set(rule.odd)) - set(ACTORS_AT[host])
            assert not unknown, f"{key} at {host}: {sorted(unknown)} cannot be there"


@pytest.mark.parametrize(("route", "host", "actor"), list(_cases()))
def test_each_actor_gets_the_expected_answer(scene, settings, route, host, actor):
    entry = TABLE.get(route.key)
    assert entry is not None, f"{route.key} (name {route.name!r}) has no entry in tests/security/matrix.py"
    settings.CAIRN_REQUIRE_2FA = actor == "unverified"
    client = client_as(scene, host, actor)
    path = path_for(route, host, scene)
    response = client.generic(entry.method, path)
    got = outcome(response)
    expected = entry.expected(host, actor)
    assert got == expected, (
        f"{entry.method} {path} at {host} as {actor}: {got} ({response.status_code}), expected {expected}"
    )
    # A refusal never names a child; nor does anything shown to someone who sees figures only.
    if (got not in ("ok", "invalid") or actor in SEES_NO_CHILD) and not getattr(response, "streaming", False):
        body = response.content.decode(errors="replace")
        leaked = [name for name in CHILD_NAMES if name in body]
        assert not leaked, f"{path} answered {actor} ({got}) naming {leaked}"
