"""Log lines that say where something failed without repeating what it failed on.

Exception messages can quote a child's details (a database error repeats the UPN it refused), and
so can a log call's arguments (Celery logs a failed task's arguments and its exception text; Django's
development server logs the query string of a pupil search). The console keeps the exception's type
and its frames, the message's wording and the arguments that are plainly identifiers — numbers,
lower-case code names, ids, and addresses cut to their path — and withholds everything else.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

WITHHELD = "[withheld]"
# Lower-case code names (task, logger and module names), and UUIDs: never a person's details.
_CODE_NAME = re.compile(r"[a-z_][a-z0-9_.:-]*")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HTTP_PHRASES = frozenset(status.phrase for status in HTTPStatus)  # "Internal Server Error", "Not Found"
_SHORT_NUMBER = re.compile(r"\d{1,6}")  # a status code or a size; never a phone number
_PATH_SEGMENT = re.compile(r"[a-z0-9_.-]*")
_REQUEST_LINE = re.compile(r"([A-Z]{3,7}) (\S+) (HTTP/[\d.]+)")
# Caught even in wording someone wrote into the message itself.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_UPN = re.compile(r"\b[A-Za-z]\d{11}[A-Za-z0-9]\b")
_DATE = re.compile(r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b")


def _safe_path(path: str) -> str:
    """An address without its query string, and without any part that is not a plain code or id."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    segments = [s if _PATH_SEGMENT.fullmatch(s) and not _DATE.fullmatch(s) else WITHHELD for s in path.split("/")]
    return "/".join(segments)


def safe_value(value: Any) -> Any:
    """What of one log argument may be written out."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        if value in _HTTP_PHRASES or any(p.fullmatch(value) for p in (_CODE_NAME, _UUID, _SHORT_NUMBER)):
            return value
        if value.startswith("/"):
            return _safe_path(value)
        line = _REQUEST_LINE.fullmatch(value)
        if line:
            return f"{line[1]} {_safe_path(line[2])} {line[3]}"
        return WITHHELD
    # Exceptions, model instances, lists of task arguments: their text is what must not be written.
    return f"[{type(value).__name__} withheld]"


def _scrub(text: str) -> str:
    return _DATE.sub(WITHHELD, _UPN.sub(WITHHELD, _EMAIL.sub(WITHHELD, text)))


def redacted_message(record: logging.LogRecord) -> str:
    """The record's message with every argument that could describe a person withheld."""
    if record.name == "celery.redirected":
        return "[printed output withheld]"  # a task's print() could be anything
    if not isinstance(record.msg, str):
        return f"[{type(record.msg).__name__} withheld]"
    args = record.args
    if not args:
        return _scrub(record.msg)
    if isinstance(args, Mapping):
        safe: Any = {key: safe_value(value) for key, value in args.items()}
    else:
        safe = tuple(safe_value(value) for value in args)
    try:
        return _scrub(record.msg % safe)
    except (TypeError, ValueError, KeyError):
        return _scrub(record.msg) + " [arguments withheld]"


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # A copy: another handler may need the original. Its cached exception text is dropped,
        # because a formatter that ran first (Django's own console in DEBUG) wrote the message in.
        safe = logging.makeLogRecord(record.__dict__)
        safe.msg = redacted_message(record)
        safe.args = None
        safe.exc_text = None
        return super().format(safe)

    def formatException(self, exc_info) -> str:  # noqa: N802 — logging's own name
        exc_type, exc, tb = exc_info
        lines = traceback.format_tb(tb)
        cause = exc.__cause__ or exc.__context__ if exc is not None else None
        while cause is not None:
            lines.append(f"(from {type(cause).__module__}.{type(cause).__qualname__})\n")
            cause = cause.__cause__ or cause.__context__
        name = f"{exc_type.__module__}.{exc_type.__qualname__}" if exc_type else "Exception"
        return "Traceback (most recent call last):\n" + "".join(lines) + f"{name}: [message withheld]"


def configure_worker_logging(loglevel: int | str | None = None, **kwargs: Any) -> None:
    """Celery's `setup_logging` signal: workers and beat log through the same redacting console as
    the web processes, instead of Celery's own handler, which prints exception messages whole."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
