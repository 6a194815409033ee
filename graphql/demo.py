"""Demo reporting figures: every demo school and local authority refreshed now, plus a year of
back-dated school figures (worked out from the dated records, as on the first of each month) so
the trend charts have something to show. Idempotent: a second run rewrites the same rows."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from tenants.models import Organisation
from tenants.roles import OrganisationKind

from .models import RefreshTrigger
from .services import refresh_history, refresh_organisation

logger = logging.getLogger(__name__)

HISTORY_MONTHS = 12


def _firsts_of_months(today: datetime.date, months: int) -> list[datetime.date]:
    days = []
    year, month = today.year, today.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        days.append(datetime.date(year, month, 1))
    return sorted(days)


def seed_demo_reporting(organisations: dict[str, Organisation]) -> None:
    """Refresh the demo organisations' figures now, and back-date a year of school figures."""
    today = timezone.localdate()
    for organisation in organisations.values():
        if organisation.kind not in (OrganisationKind.SCHOOL, OrganisationKind.LOCAL_AUTHORITY):
            continue
        try:
            refresh_organisation(organisation, trigger=RefreshTrigger.DEMO, on=today)
            refresh_history(organisation, _firsts_of_months(today, HISTORY_MONTHS))
        except Exception:
            # The run records the failure for operators; the other organisations still get figures.
            logger.exception("Demo reporting figures for %s could not be worked out.", organisation.slug)
