"""Showing served figures in the dashboards' tables."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

from ..suppression import Figure

register = template.Library()


@register.filter
def figure(value: Figure | None, kind: str = "count") -> str:
    """A figure as text: "Fewer than 5" or "Suppressed" when not shown, "Not available" when there is none."""
    if value is None:
        return "No figures yet"
    if value.status != "shown":
        return format_html('<span class="reporting-muted">{}</span>', value.display())
    if kind == "money":
        return f"£{value.value:,.0f}"
    if kind == "percent":
        return f"{value.value}%"
    return str(value.value)


@register.filter
def quartile(value: Decimal | None, kind: str = "count") -> str:
    if value is None:
        return "Not enough schools"
    if kind == "money":
        return f"£{value:,.0f}"
    if kind == "percent":
        return f"{value}%"
    return f"{value.normalize():f}"
