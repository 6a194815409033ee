"""Showing a transition record's plain data: its dates travel as ISO strings."""

from __future__ import annotations

import datetime

from django import template

register = template.Library()


@register.filter
def iso_date(value: str | None) -> str:
    """2025-03-14 → 14 March 2025 (anything else is shown as it is)."""
    if not value:
        return ""
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"
