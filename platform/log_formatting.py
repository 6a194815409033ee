"""Log lines that say where something failed without repeating what it failed on.

Exception messages can quote a child's details (a database error repeats the UPN it refused);
the console keeps the exception's type and its frames, never its message.
"""

from __future__ import annotations

import logging
import traceback


class RedactingFormatter(logging.Formatter):
    def formatException(self, exc_info) -> str:  # noqa: N802 — logging's own name
        exc_type, exc, tb = exc_info
        lines = traceback.format_tb(tb)
        cause = exc.__cause__ or exc.__context__ if exc is not None else None
        while cause is not None:
            lines.append(f"(from {type(cause).__module__}.{type(cause).__qualname__})\n")
            cause = cause.__cause__ or cause.__context__
        name = f"{exc_type.__module__}.{exc_type.__qualname__}" if exc_type else "Exception"
        return "Traceback (most recent call last):\n" + "".join(lines) + f"{name}: [message withheld]"
