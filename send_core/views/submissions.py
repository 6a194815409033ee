"""Create forms that never double: a repeat of a submission is answered with what the first one made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from send_platform.ui.acts import act

from ..services.submissions import KeyReused, submit_once

T = TypeVar("T")

ALREADY_SAVED = "This was already saved: it has not been saved a second time."


def create_once(
    request: HttpRequest, form: Any, act: Callable[[], T], url_of: Callable[[T], str]
) -> tuple[T | None, HttpResponse | None]:
    """Run a create form's act once per page drawn (its one-time token).

    Returns (what was made, None), or (None, a redirect to what the first submission made) for a
    double click or a re-sent form. A ValidationError from the act propagates, and the token stays
    free so the corrected form can be sent again.
    """
    try:
        made, earlier = submit_once(
            request.user,
            form.submission_token,
            purpose=request.path,
            act=act,
            remember=lambda result: {"result_url": url_of(result)},
        )
    except KeyReused:
        raise ValidationError("This form was sent from another page. Open the page again and re-enter.") from None
    if earlier is not None:
        messages.info(request, ALREADY_SAVED)
        return None, redirect(earlier.result_url or request.path)
    return made, None


def act_once(
    request: HttpRequest,
    form: Any,
    do: Callable[[dict[str, Any]], T],
    *,
    made_at: Callable[[T], str],
    success: str | Callable[[T], str],
    page: Callable[[], HttpResponse],
    redirect_to: str | Callable[[T], str] | None = None,
) -> HttpResponse:
    """`act` for a create form: the act runs once per page drawn, and a repeat of the submission is
    sent to what the first one made (`made_at`, also where a first submission goes unless `redirect_to`)."""

    def once(data: dict[str, Any]) -> T | HttpResponse:
        made, repeat = create_once(request, form, lambda: do(data), made_at)
        return repeat if repeat is not None else made

    return act(request, form, once, success=success, redirect_to=redirect_to or made_at, page=page)
