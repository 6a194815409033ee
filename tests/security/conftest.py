"""The matrix's scene, built once per module and rolled back afterwards; a client for each actor."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings

from tenants.tokens import issue_api_token
from tests.security.matrix import TOKEN_HOLDERS
from tests.security.scene import Scene, build_scene


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker, tmp_path_factory) -> Scene:
    # (Test modules using it carry `pytestmark = pytest.mark.django_db`: pytest-django only sets up
    # the test database when some test asks for it.)
    media = tmp_path_factory.mktemp("media")
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}},
    }
    with (
        django_db_blocker.unblock(),
        override_settings(
            STORAGES=storages, CAIRN_DOCUMENT_SCANNER="integrations.exchange.scanning.RefuseUnknownTypesScanner"
        ),
    ):
        # Each test's own transaction becomes a savepoint inside this one.
        outer = transaction.atomic()
        # It stands in for a test case's own transaction, so the scene's durable acts may run inside it.
        outer._from_testcase = True
        outer.__enter__()
        try:
            built = build_scene()
            _sign_everyone_in(built)
            connection.set_schema_to_public()
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            connection.set_schema_to_public()


def host_of(scene: Scene, kind: str) -> str:
    if kind == "platform":
        return settings.BASE_DOMAIN
    return getattr(scene, kind).get_primary_domain().domain


def _sign_everyone_in(scene: Scene) -> None:
    """One session per host and actor, made once for the module (a test that signs out rolls back)."""
    for kind, people in scene.people.items():
        for actor, user in people.items():
            client = Client(HTTP_HOST=host_of(scene, kind))
            client.force_login(user)
            scene.sessions[(kind, actor)] = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Personal API tokens: a token is its own credential, with its holder's permissions.
    for kind, holder in TOKEN_HOLDERS.items():
        scene.tokens[kind] = issue_api_token(user=scene.people[kind][holder], name="Matrix").key


def client_as(scene: Scene, kind: str, actor: str) -> Client:
    """A client on the host of `kind` ("school", "la", "trust", "platform") signed in as `actor`:
    "anonymous", "non_member", "unverified" (the caller turns CAIRN_REQUIRE_2FA on), or a role.
    Sessions are made in code, so none has passed a second factor."""
    connection.set_schema_to_public()
    # A server error is an answer like any other here ("status-500"), so the matrix names the route.
    client = Client(HTTP_HOST=host_of(scene, kind), raise_request_exception=False)
    if actor == "token":
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {scene.tokens[kind]}"
    elif actor != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = scene.sessions[(kind, actor)]
    return client


def outcome(response) -> str:
    """The class of an answer: what the matrix compares."""
    status = response.status_code
    if 200 <= status < 300:
        return "ok"
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"])
        if target.path == "/sign-in/" and (target.hostname in (None, settings.BASE_DOMAIN)):
            return "redirect-sign-in"
        if target.path == "/two-factor/" and (target.hostname in (None, settings.BASE_DOMAIN)):
            return "redirect-two-factor"
        return "redirect"
    return {
        400: "invalid",
        401: "unauthenticated",
        403: "forbidden",
        404: "not-found",
        405: "method",
        410: "gone",
    }.get(status, f"status-{status}")
