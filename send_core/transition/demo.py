"""Demo transition: a Year 6 pupil at Millbrook moving to Harbourside, with consent and a live grant.

Runs after the pupils seeder, through the services (so the same rules and audit apply), and only
once: a Millbrook pupil who already has a grant to Harbourside means there is nothing to do.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Organisation, User

from ..demo import DEMO_EMAIL_DOMAIN
from ..models import ConsentScope, NCYear, PlanStatus, Pupil
from ..selectors.agencies import consent_on
from ..services.agencies import record_consent
from ..services.pupils import add_parent_carer
from .models import TransitionGrant
from .services import grant_access, record_destination

logger = logging.getLogger(__name__)

PRIMARY, SECONDARY = "millbrook", "harbourside"


def _year6_pupil() -> Pupil | None:
    """A Year 6 pupil with an active plan if there is one (the richest record to show), else any Year 6 pupil."""
    year6 = Pupil.objects.filter(nc_year=NCYear.Y6, leaving_date__isnull=True).order_by("last_name", "id")
    return year6.filter(plans__status=PlanStatus.ACTIVE).first() or year6.first()


def seed_demo_transition(organisations: dict[str, Organisation]) -> None:
    """Give the demo primary a Year 6 pupil bound for the demo secondary, with consent and a live grant (idempotent)."""
    primary, secondary = organisations.get(PRIMARY), organisations.get(SECONDARY)
    if primary is None or secondary is None:
        return
    senco = User.objects.filter(email=f"senco.{PRIMARY}@{DEMO_EMAIL_DOMAIN}").first()
    if senco is None:
        logger.warning("No demo SENCO for %s; skipping its transition demo.", PRIMARY)
        return
    if TransitionGrant.objects.filter(primary=primary, destination=secondary, revoked_at__isnull=True).exists():
        return
    with tenant_context(primary), transaction.atomic():
        pupil = _year6_pupil()
        if pupil is None:
            logger.warning("No Year 6 pupil at %s; skipping its transition demo.", PRIMARY)
            return
        record_destination(pupil, recorded_by=senco, urn=secondary.urn)
        if consent_on(pupil, ConsentScope.SHARE_WITH_NEXT_SCHOOL, timezone.localdate()) is None:
            parent = pupil.parents.filter(parental_responsibility=True).first() or add_parent_carer(
                pupil, added_by=senco, name=f"Sam {pupil.last_name}", relationship="mother"
            )
            record_consent(
                pupil,
                scope=ConsentScope.SHARE_WITH_NEXT_SCHOOL,
                given_by=parent,
                recorded_by=senco,
                notes="Agreed at the Year 6 transition meeting.",
            )
        grant_access(pupil, granted_by=senco)
