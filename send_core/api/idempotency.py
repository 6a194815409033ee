"""`Idempotency-Key` on API POSTs: a client retrying after a timeout gets the first answer, not a second record.

The same key from the same person within 24 hours (to the same path) is answered with the first
response's status and body, marked `Idempotent-Replayed: true`, and nothing is made again. The
key is claimed in the organisation's own schema in the same transaction as what the POST makes
(send_core.services.submissions), so two parallel retries make one record. A refused POST (4xx)
keeps nothing, so the corrected request may reuse its key.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ..services.submissions import KEY_LENGTH, KeyReused, submit_once

HEADER = "Idempotency-Key"
# Kept apart from create forms' one-time tokens, which share the claims table.
PREFIX = "api:"
MAX_KEY = KEY_LENGTH - len(PREFIX)


def _kept(response: Response) -> dict[str, Any] | None:
    if not status.is_success(response.status_code):
        return None
    body = json.loads(JSONRenderer().render(response.data)) if response.data is not None else None
    return {"status_code": response.status_code, "response_body": body}


def idempotent(post: Callable[..., Response]) -> Callable[..., Response]:
    """Make an API view's POST honour the Idempotency-Key header."""

    @functools.wraps(post)
    def handle(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "")
        if not key:
            return post(view, request, *args, **kwargs)
        if len(key) > MAX_KEY or not key.isprintable():
            return Response(
                {"detail": f"The {HEADER} header must be printable and at most {MAX_KEY} characters."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            response, earlier = submit_once(
                request.user,
                PREFIX + key,
                purpose=f"POST {request.path}",
                act=lambda: post(view, request, *args, **kwargs),
                remember=_kept,
            )
        except KeyReused:
            return Response(
                {"detail": f"This {HEADER} was already used for another request. Use a new key for each request."},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        if earlier is not None:
            replay = Response(earlier.response_body, status=earlier.status_code or status.HTTP_200_OK)
            replay["Idempotent-Replayed"] = "true"
            return replay
        return response

    return handle
