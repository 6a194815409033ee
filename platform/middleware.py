"""Request and response rules that hold for every page: input Cairn cannot store, and no caching.

- A NUL character or an absurdly long value in the address, a query string or a form is answered
  with a 400 that says why (a GOV.UK page, or JSON on API paths) before any view sees it; left to the
  views, PostgreSQL refuses NUL in text and the request ends as a 500.
- Every response except a static file is `Cache-Control: no-store`: pages and API answers hold
  children's records, which must not stay in a browser's or a proxy's cache.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template import loader

# A query value longer than this is not a search or a filter anyone typed.
MAX_QUERY_VALUE = 10_000
# Form fields hold at most a long piece of writing (an SEN information report section).
MAX_FORM_VALUE = 200_000
# `\u0000` in a JSON body, not preceded by an escaping backslash.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_JSON_TYPES = ("application/json", "application/graphql")


def _is_api(request: HttpRequest) -> bool:
    path = request.path_info
    return (
        "/api/" in path
        or path.startswith(("/api/", "/graphql/"))
        or "application/json" in request.headers.get("Accept", "")
    )


def _refusal(request: HttpRequest, reason: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": reason}, status=400)
    # Rendered without the request: the refused input must not reach context processors either.
    html = loader.get_template("errors/400.html").render({"reason": reason})
    return HttpResponse(html, status=400)


def _pairs(query) -> list[tuple[str, str]]:
    return [(key, value) for key, values in query.lists() for value in values]


def _problem_in(values: list[tuple[str, str]], where: str, limit: int) -> str | None:
    for key, value in values:
        if "\x00" in key or "\x00" in value:
            return f"The {where} contains a NUL character, which Cairn cannot store. Remove it and try again."
        if len(key) > limit or len(value) > limit:
            return f"A value in the {where} is longer than {limit:,} characters. Shorten it and try again."
    return None


def input_problem(request: HttpRequest) -> str | None:
    """Why this request's input cannot be taken, or None.

    Multipart bodies are not read here: upload views read them after installing their size limit
    (send_platform.uploads.limit_uploads), which reading them first would disable; their typed fields
    go through form fields that refuse NUL themselves.
    """
    if "\x00" in request.path_info:
        return "The address contains a NUL character."
    problem = _problem_in(_pairs(request.GET), "address", MAX_QUERY_VALUE)
    if problem:
        return problem
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        # Parsed from the body, not through request.POST: reading that here would stop an upload
        # view from installing its size limit afterwards (send_platform.uploads.limit_uploads refuses).
        form = QueryDict(request.body, encoding=request.encoding or settings.DEFAULT_CHARSET)
        return _problem_in(_pairs(form), "form", MAX_FORM_VALUE)
    if content_type in _JSON_TYPES and _JSON_NUL.search(request.body):
        return "The request contains a NUL character, which Cairn cannot store. Remove it and try again."
    return None


class InputGuardMiddleware:
    """Answers 400, with the reason, to input no Cairn page or API could store or search for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = input_problem(request)
        if problem:
            return _refusal(request, problem)
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on everything that is not a static file."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that already said no-store (perhaps with more) keeps its own words; any other
        # caching a view allowed is replaced.
        if not request.path_info.startswith(settings.STATIC_URL) and "no-store" not in response.get(
            "Cache-Control", ""
        ):
            response["Cache-Control"] = "no-store"
        return response
