"""Template helpers for the SEND pages: the school's navigation, the domain apps' panels, and labels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template import Context
from django.urls import reverse
from django.utils.safestring import SafeString

from .. import permissions
from ..models import CensusCode, NeedType, ParticipantRole
from ..ports import Panel

register = template.Library()

_STAGE_TAGS = {
    CensusCode.NONE: "govuk-tag--yellow",
    CensusCode.SEN_SUPPORT: "govuk-tag--blue",
    CensusCode.EHC_PLAN: "govuk-tag--purple",
}
_STATUS_TAGS = {
    "draft": "govuk-tag--grey",
    "active": "govuk-tag--green",
    "reviewed": "govuk-tag--blue",
    "closed": "govuk-tag--grey",
    "open": "govuk-tag--yellow",
    "escalated": "govuk-tag--blue",
}


@register.simple_tag(takes_context=True)
def send_navigation(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The school's SEND links in the service navigation, for the roles the person holds here."""
    request = context.get("request")
    roles = getattr(request, "roles", frozenset())
    path = getattr(request, "path", "")
    items: list[tuple[str, str]] = [("SEND dashboard", reverse("send_core:dashboard"))]
    if roles & (permissions.CORE_DETAIL_READERS | permissions.CLASS_STAFF):
        items.append(("Pupils", reverse("send_core:pupils")))
    if roles & (permissions.REGISTER_FIGURE_READERS | permissions.CLASS_STAFF):
        items.append(("Register", reverse("send_core:register")))
    if roles & (permissions.SEND_RECORD_EDITORS | permissions.CLASS_STAFF):
        items.append(("Concerns", reverse("send_core:concerns")))
    if permissions.can_edit_pupil_details(roles):
        items.append(("Classes", reverse("send_core:classes")))
    if permissions.can_manage_staff_training(roles):
        items.append(("Staff training", reverse("send_core:training")))
    return [{"label": label, "url": url, "active": path.startswith(url)} for label, url in items]


@register.simple_tag(takes_context=True)
def render_panel(context: Context, panel: Panel) -> SafeString:
    """Draw a panel a domain app contributed (built by the page's view: drawing it queries nothing)."""
    with context.push(**panel.context):
        return context.template.engine.get_template(panel.template).render(context)


@register.filter
def need_label(code: str | None) -> str:
    if not code:
        return ""
    try:
        return str(NeedType(code).label)
    except ValueError:
        return code


@register.filter
def stage_tag(census_code: str | None) -> str:
    """The GOV.UK tag colour for a register stage, by its census code."""
    return _STAGE_TAGS.get(census_code or "", "govuk-tag--grey")


@register.filter
def status_tag(status: str | None) -> str:
    return _STATUS_TAGS.get(status or "", "govuk-tag--grey")


@register.filter
def people(participants: list[dict[str, str]] | None) -> str:
    """Who took part, as a SENCO writes it: "Parent or carer: Jo Bloggs; the child"."""
    parts = []
    for person in participants or ():
        try:
            role = str(ParticipantRole(person.get("role")).label)
        except ValueError:
            role = person.get("role", "")
        name = person.get("name", "")
        parts.append(f"{role}: {name}" if name else role)
    return "; ".join(parts)


@register.filter
def number(value: Any) -> str:
    """A score without needless decimals: 96 rather than 96.0."""
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return text
    return "" if value is None else str(value)


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def with_article(word: str) -> str:
    """ "an outcome", "a key target": the word with its indefinite article."""
    word = str(word or "")
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}" if word else word


@register.simple_tag(takes_context=True)
def may_search_pupils(context: dict[str, Any]) -> bool:
    """Whether the header's pupil search is offered: only to those who may open the pupil list."""
    roles = getattr(context.get("request"), "roles", frozenset())
    return bool(roles & (permissions.CORE_DETAIL_READERS | permissions.CLASS_STAFF))
