"""How a page handles a form: validate it, run the service's act, then either show why the act was
refused on the form or flash what was done and move on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from .forms import show_service_errors

T = TypeVar("T")


def act(
    request: HttpRequest,
    form: forms.BaseForm,
    do: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str] | None,
    redirect_to: str | Callable[[T], str],
    page: Callable[[], HttpResponse],
) -> HttpResponse:
    """Run a form's act on a valid POST, and answer.

    `do` gets the form's cleaned data and calls the service. When the service refuses (ValidationError)
    its reasons go on the form and `page()` draws the form again with them; so does an invalid form,
    and a GET. When the act is done, `success` (a message, or a function of what `do` returned) is
    flashed and the person is sent to `redirect_to` (a URL, or a function of what `do` returned).
    An act that answers the request itself (it returns a response) has that answer sent as it is.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = do(form.cleaned_data)
        except ValidationError as error:
            add_errors = getattr(form, "add_service_errors", None)
            if add_errors is not None:
                add_errors(error)
            else:
                show_service_errors(form, error)
        else:
            if isinstance(result, HttpResponseBase):
                return result
            if success is not None:
                messages.success(request, success(result) if callable(success) else success)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return page()
