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


# A mechanism says how the exception was caught; its `data` can carry what the catcher held.
ALLOWED_MECHANISM_KEYS = frozenset({"type", "handled", "synthetic", "exception_id", "parent_id", "source"})
# What a span may keep: where it ran and how long, never the values it worked on.
ALLOWED_SPAN_KEYS = frozenset(
    {"span_id", "parent_span_id", "trace_id", "op", "description", "start_timestamp", "timestamp", "status", "origin"}
)
ALLOWED_SPAN_DATA = frozenset({"thread.id", "thread.name", "db.system", "http.response.status_code", "code.function"})
_FINGERPRINT_PART = re.compile(r"\{\{ ?[a-z_.]+ ?\}\}|[a-z_][a-z0-9_.:-]*")
_QUERY = re.compile(r"\?.*", re.DOTALL)  # a query string runs to the end of an address
_PATH_PART = re.compile(r"\{[a-z_]+\}|[a-z][a-z0-9_-]*|")


def scrub_transaction_name(name: str) -> str:
    """A transaction name as a route: no query string, and any address part that is not a plain
    word (an id, a UPN, a date, a name) replaced by `{value}`."""
    name = _QUERY.sub("", scrub_text(name))
    if "/" not in name:
        return name if _FINGERPRINT_PART.fullmatch(name) else FILTERED  # a task or function name
    return "/".join(part if _PATH_PART.fullmatch(part) else "{value}" for part in name.split("/"))


def _scrub_spans(spans: list) -> list[dict]:
    clean = []
    for span in spans:
        if not isinstance(span, dict):
            continue
        kept = {k: v for k, v in span.items() if k in ALLOWED_SPAN_KEYS}
        if isinstance(kept.get("description"), str):
            kept["description"] = _QUERY.sub("?" + FILTERED, scrub_text(kept["description"]))
        data = span.get("data") or {}
        kept["data"] = {k: v for k, v in data.items() if k in ALLOWED_SPAN_DATA}
        clean.append(scrub_recursive(kept, ""))
    return clean


def _scrub_trace_context(trace: dict) -> dict:
    return _scrub_spans([trace])[0]


def _scrub_exception(exception: dict) -> dict:
    values = []
    for value in exception.get("values", []):
        # The message itself is dropped: it can name a child ("Could not save Amelia …") in ways
        # no pattern can catch. The type and the frames say where it failed.
        mechanism = value.get("mechanism")
        if isinstance(mechanism, dict):
            mechanism = {k: v for k, v in mechanism.items() if k in ALLOWED_MECHANISM_KEYS}
        clean = {"type": value.get("type"), "module": value.get("module"), "mechanism": mechanism}
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
        contexts = {k: v for k, v in (clean["contexts"] or {}).items() if k in ALLOWED_CONTEXTS}
        if isinstance(contexts.get("trace"), dict):
            contexts["trace"] = _scrub_trace_context(contexts["trace"])
        celery = contexts.pop("celery", None)
        clean["contexts"] = scrub_recursive(contexts)
        if isinstance(celery, dict) and celery.get("task_name"):
            # Celery's context can list the task's arguments; only the task's name stays.
            clean["contexts"]["celery"] = {"task_name": scrub_transaction_name(str(celery["task_name"]))}
    tags = clean.get("tags") or {}
    clean["tags"] = scrub_recursive({k: v for k, v in tags.items() if k in {"organisation", "url_name", "transaction"}})
    if "transaction" in clean["tags"]:
        clean["tags"]["transaction"] = scrub_transaction_name(str(tags["transaction"]))
    if "transaction" in clean:
        clean["transaction"] = scrub_transaction_name(str(clean["transaction"]))
    if "spans" in clean:
        clean["spans"] = _scrub_spans(clean["spans"] or [])
    if "fingerprint" in clean:
        # `{{ default }}` and code names group events; anything else could be a value.
        clean["fingerprint"] = [
            part if isinstance(part, str) and _FINGERPRINT_PART.fullmatch(part) else FILTERED
            for part in clean["fingerprint"] or []
        ]
    return clean


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict | None:
    # SQL and log breadcrumbs can carry parameters; keep only their category.
    return {"category": crumb.get("category"), "level": crumb.get("level"), "timestamp": crumb.get("timestamp")}


def init_sentry(dsn: str, *, environment: str, transport: Any = None, traces_sample_rate: float = 0.0) -> None:
    """Start Sentry in this process (web, worker or beat: settings call it in each), scrubbing every
    error and transaction it sends."""
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
        traces_sample_rate=traces_sample_rate,
        transport=transport,
    )


def tag_organisation(slug: str | None) -> None:
    """Tag events with the organisation's slug: the only organisation detail sent."""
    if slug:
        sentry_sdk.get_current_scope().set_tag("organisation", slug)
