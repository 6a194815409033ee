"""Reads about staff SEND training."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from ..models import StaffTraining


def staff_training(*, user_id: int | None = None, area: str = "") -> QuerySet[StaffTraining]:
    """Training records, newest first, with the member of staff; for one person or area of need if given."""
    records = StaffTraining.objects.select_related("user")
    if user_id is not None:
        records = records.filter(user_id=user_id)
    if area:
        records = records.filter(area=area)
    return records


def training_expiring(on: datetime.date, within_days: int = 60) -> QuerySet[StaffTraining]:
    """Training that has expired or expires within `within_days` of `on`, soonest first."""
    return (
        StaffTraining.objects.filter(
            expires_on__isnull=False, expires_on__lte=on + datetime.timedelta(days=within_days)
        )
        .select_related("user")
        .order_by("expires_on")
    )
