"""What the pages of a pupil's record share: finding the pupil a page is about, the record's sections,
and putting each look at the record in the audit trail. (Form pages and lists are the platform's UI kit.)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_children_shown as _record_children_shown

from .. import permissions
from ..kinds import RecordSection, record_sections
from ..models import Pupil
from ..selectors.pupils import get_visible_pupil
from ..selectors.register import current_stage
from ..services.viewing import record_pupil_view
from ..toolkit import Toolkit, toolkit_for

FIGURES_ONLY = "Your role shows the SEND register as figures only; it does not include individual pupils' records."


def toolkit(request: HttpRequest) -> Toolkit:
    return toolkit_for(request.tenant)


def sees_pupils(roles: frozenset[str]) -> bool:
    """Whether the person sees any pupil at all (governors and business managers see figures only)."""
    return bool(roles & (permissions.CORE_DETAIL_READERS | permissions.CLASS_STAFF))


def require_sees_pupils(roles: frozenset[str]) -> None:
    if not sees_pupils(roles):
        raise PermissionDenied(FIGURES_ONLY)


def pupil_for(request: HttpRequest, pupil_id: int, *, send_record: bool = True) -> Pupil:
    """The pupil a page is about: 404 if there is no such pupil here, 403 (with the reason) if it is not theirs to see."""
    try:
        pupil = get_visible_pupil(request.user, request.roles, pupil_id)
    except Pupil.DoesNotExist:
        if not Pupil.objects.filter(pk=pupil_id).exists():
            raise Http404("There is no pupil with this number in your school.") from None
        require_sees_pupils(request.roles)
        raise PermissionDenied("You can only see pupils in the classes you work with.") from None
    if send_record:
        permissions.require_view_send_record(request.user, request.roles, pupil)
    return pupil


def record_view(request: HttpRequest, pupil: Pupil, what: str) -> None:
    """Every look at a pupil's record goes in the school's audit trail."""
    record_pupil_view(request.user, pupil, request.tenant, what)


def record_children_shown(
    request: HttpRequest,
    pupil_ids: Iterable[int],
    what: str,
    *,
    exported: bool = False,
    object_type: str = "pupils",
    object_id: Any = "",
    detail: dict | None = None,
) -> None:
    """Every response that names children with their SEND data (a list, a dashboard, a CSV, an API
    page) is one row in the school's trail listing which children it showed."""
    _record_children_shown(
        actor=request.user,
        acting_organisation=request.tenant,
        pupil_ids=pupil_ids,
        what=what,
        action=AuditAction.EXPORT if exported else AuditAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url: str
    current: bool


# The record's own pages around those the kinds of record contribute (send_core/kinds.py).
FIRST_SECTIONS = (RecordSection("overview", "Overview", "send_core:pupil", 0),)
LAST_SECTIONS = (
    RecordSection("chronology", "Chronology", "send_core:pupil-chronology", 1000),
    RecordSection("viewed", "Who has viewed", "send_core:pupil-viewed", 1010),
)


def section_order() -> tuple[RecordSection, ...]:
    """The parts of a pupil's record, in the order of the record's own navigation."""
    return FIRST_SECTIONS + record_sections() + LAST_SECTIONS


def pupil_context(
    request: HttpRequest, pupil: Pupil, section: str, *, send_record: bool = True, **extra: Any
) -> dict[str, Any]:
    """What every page of a pupil's record shows: the pupil, their stage, and the record's sections.

    `send_record` says whether the person may read the pupil's SEND record (the pages other than
    the overview are only reached once that has been checked).
    """
    roles = request.roles
    kit = toolkit(request)
    sections = []
    for key, label, url_name, _ in (astuple(part) for part in section_order()):
        if key != "overview" and not send_record:
            continue
        if key == "viewed" and not permissions.can_view_audit_trail(roles):
            continue
        sections.append(Section(key, label or kit.plan_name, reverse(url_name, args=[pupil.pk]), key == section))
    return {
        "pupil": pupil,
        "stage": current_stage(pupil) if send_record else None,
        "toolkit": kit,
        "words": kit.all_wording,
        "sections": sections,
        "section": section,
        "send_record": send_record,
        "can_edit": permissions.can_edit_send_record(roles),
        "can_edit_details": permissions.can_edit_pupil_details(roles),
        "can_contribute": send_record and permissions.can_contribute_to_record(request.user, roles, pupil),
        **extra,
    }


def reads_send_record(request: HttpRequest, pupil: Pupil) -> bool:
    """Whether the person may read this pupil's SEND record (asked only of the overview's readers)."""
    return permissions.can_view_send_record(request.user, request.roles, pupil)


def record_view_on_get(request: HttpRequest, pupil: Pupil, what: str) -> None:
    """A form page that shows part of the record (to change it) is a look at the record too."""
    if request.method == "GET":
        record_view(request, pupil, what)
