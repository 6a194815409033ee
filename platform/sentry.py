"""Error reporting with nothing personal in it.

Sentry's defaults keep stack-frame locals and request bodies; both are off here. Every event
is also cut down to an allow-list of keys and scrubbed recursively before it leaves, and tagged
with the organisation's slug only.
"""

from __future__ import annotations

import re
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

# What may leave, at the top of an event; anything else is dropped.
ALLOWED_EVENT_KEYS = frozenset(
    {
        "event_id",
        "timestamp",
        "level",
        "logger",
        "platform",
        "environment",
        "release",
        "server_name",
        "exception",
        "tags",
        "transaction",
        "sdk",
        "contexts",
        "fingerprint",
        "type",
        "start_timestamp",
        "spans",
    }
)
# Inside what may leave, only these keys keep their values.
ALLOWED_CONTEXTS = frozenset({"runtime", "os", "trace", "celery"})
ALLOWED_FRAME_KEYS = frozenset({"filename", "abs_path", "function", "module", "lineno", "colno", "in_app"})
FILTERED = "[Filtered]"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_UPN = re.compile(r"\b[A-Z]\d{11}[A-Z0-9]\b")
_DATE = re.compile(r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b")


def scrub_text(text: str) -> str:
    """Strip what looks like an email address, a UPN, a date or a quoted value from free text."""
    text = _EMAIL.sub(FILTERED, text)
    text = _UPN.sub(FILTERED, text)
    text = _DATE.sub(FILTERED, text)
    return re.sub(r"(['\"]).*?\1", FILTERED, text)


SENSITIVE_KEY_PARTS = (
    "name",
    "birth",
    "dob",
    "email",
    "upn",
    "address",
    "phone",
    "postcode",
    "password",
    "token",
    "secret",
    "cookie",
    "session",
    "csrf",
    "authorization",
    "parent",
    "pupil",
    "child",
    "note",
    "body",
)


def scrub_recursive(value: Any, key: str = "") -> Any:
    """Walk dicts and lists: values under a sensitive-looking key are filtered, text is scrubbed."""
    if key and any(part in key.lower() for part in SENSITIVE_KEY_PARTS):
        return FILTERED
    if isinstance(value, dict):
        return {k: scrub_recursive(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_recursive(v) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def _scrub_frames(frames: list[dict]) -> list[dict]:
    return [{k: v for k, v in frame.items() if k in ALLOWED_FRAME_KEYS} for frame in frames]


def _scrub_exception(exception: dict) -> dict:
    values = []
    for value in exception.get("values", []):
        # The message itself is dropped: it can name a child ("Could not save Amelia …") in ways
        # no pattern can catch. The type and the frames say where it failed.
        clean = {"type": value.get("type"), "module": value.get("module"), "mechanism": value.get("mechanism")}
        if value.get("stacktrace"):
            clean["stacktrace"] = {"frames": _scrub_frames(value["stacktrace"].get("frames", []))}
        values.append({k: v for k, v in clean.items() if v is not None})
    return {"values": values}


def scrub_event(event: dict[str, Any], hint: dict | None = None) -> dict[str, Any] | None:
    """`before_send`: keep what explains the failure, drop everything that could describe a person."""
    clean: dict[str, Any] = {k: v for k, v in event.items() if k in ALLOWED_EVENT_KEYS}
    if "exception" in clean:
        clean["exception"] = _scrub_exception(clean["exception"])
    if "contexts" in clean:
        clean["contexts"] = scrub_recursive({k: v for k, v in clean["contexts"].items() if k in ALLOWED_CONTEXTS})
    tags = clean.get("tags") or {}
    clean["tags"] = scrub_recursive({k: v for k, v in tags.items() if k in {"organisation", "url_name", "transaction"}})
    if "transaction" in clean:
        clean["transaction"] = scrub_text(str(clean["transaction"]))
    return clean


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict | None:
    # SQL and log breadcrumbs can carry parameters; keep only their category.
    return {"category": crumb.get("category"), "level": crumb.get("level"), "timestamp": crumb.get("timestamp")}


def init_sentry(dsn: str, *, environment: str, transport: Any = None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        include_source_context=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=0.0,
        transport=transport,
    )


def tag_organisation(slug: str | None) -> None:
    """Tag events with the organisation's slug: the only organisation detail sent."""
    if slug:
        sentry_sdk.get_current_scope().set_tag("organisation", slug)
