"""Pages with forms and lists: the status a failed form answers with, refusals, pagination."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render


def form_page(request: HttpRequest, template: str, context: dict[str, Any], *forms: Any) -> HttpResponse:
    """Render a page with forms: 400 when any of them has errors, so the failure is plain to every client."""
    failed = any(form is not None and form.is_bound and form.errors for form in forms)
    return render(request, template, context, status=400 if failed else 200)


def errors_page(request: HttpRequest, template: str, context: dict[str, Any], error: ValidationError) -> HttpResponse:
    """Render a page again with a refused action's reasons at the top (status 400)."""
    context["action_errors"] = error.messages
    return render(request, template, context, status=400)


def paginate(request: HttpRequest, items: Any, per_page: int = 50) -> Page:
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted form data on a POST (even when every field was left empty), else None."""
    return request.POST if request.method == "POST" else None
