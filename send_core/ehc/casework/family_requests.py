"""Requests for an EHC needs assessment made by a parent or young person themselves.

CFA 2014 s36(1): the child's parent or the young person may ask the LA for an assessment, not
only a school. The LA records who asked, when and how the request arrived; the statutory clock
runs from the day it was received (Reg 4 and Reg 5(1): the 6 weeks run from receipt), exactly as
for a school's request. Nothing goes through the exchange: the LA writes to the family itself.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from send_core.services.base import AuditAction, audit, check_choice, long_date, require_text, today

from .. import clock
from ..models import CaseStatus, EhcCase, ReceivedHow, Requester
from ..permissions import casework_roles
from .services import next_reference


@transaction.atomic(durable=True)
def record_family_request(
    *,
    recorded_by: Any,
    requested_by: str,
    requester_name: str,
    received_on: datetime.date,
    received_how: str,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    school_name: str = "",
    reason: str = "",
) -> EhcCase:
    """Open a case for a parent's or young person's own request; its clock starts on the day received."""
    casework_roles(recorded_by)
    check_choice(requested_by, Requester, "requested_by", "who made the request")
    if requested_by == Requester.SCHOOL:
        raise ValidationError({"requested_by": "A school's request arrives through Cairn; record a family's here."})
    check_choice(received_how, ReceivedHow, "received_how", "how the request arrived")
    if received_how == ReceivedHow.EXCHANGE:
        raise ValidationError({"received_how": "Say how the family's request reached the local authority."})
    requester_name = require_text(requester_name, "requester_name", "Enter the name of the person who asked.")
    first_name = require_text(first_name, "first_name", "Enter the child's or young person's first name.")
    last_name = require_text(last_name, "last_name", "Enter their last name.")
    errors: dict[str, str] = {}
    if received_on > today():
        errors["received_on"] = "The day the request was received cannot be in the future."
    if date_of_birth >= received_on:
        errors["date_of_birth"] = "The date of birth must be before the request was received."
    elif requested_by == Requester.YOUNG_PERSON and received_on < clock.young_person_from(date_of_birth):
        # CFA 2014 s83(2): a young person is over compulsory school age; before that, the parent asks.
        errors["requested_by"] = (
            "A young person is someone over compulsory school age (from "
            f"{long_date(clock.young_person_from(date_of_birth))} for this date of birth); before then, "
            "the request is the parent's."
        )
    if errors:
        raise ValidationError(errors)
    case = EhcCase.objects.create(
        reference=next_reference(received_on.year),
        school_id=None,
        school_name=(school_name or "").strip()[:200],
        school_pupil_id=None,
        requested_by=requested_by,
        requester_name=requester_name[:200],
        received_how=received_how,
        received_on=received_on,
        first_name=first_name[:100],
        last_name=last_name[:100],
        date_of_birth=date_of_birth,
        nc_year=clock.nc_year_on(date_of_birth, received_on)[:2],
        status=CaseStatus.RECEIVED,
        evidence={"reason": (reason or "").strip(), "replies": []},
    )
    audit(
        actor=recorded_by,
        action=AuditAction.CREATE,
        obj=case,
        pupil_id=None,
        summary=f"Case {case.reference} opened from a {case.get_requested_by_display().lower()}'s request",
    )
    return case
