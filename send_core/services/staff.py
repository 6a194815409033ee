"""Acts on staff references in a school's records: clearing them when a person is erased."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction

from ..models import ClassTeacher
from ..selectors.organisation import current_organisation
from .base import AuditAction, record_event


@transaction.atomic
def detach_staff_member(user_id: int) -> int:
    """Clear every reference to a person in this school's records (run in each schema before erasing them); returns rows changed."""
    from django.apps import apps

    changed = ClassTeacher.objects.filter(user_id=user_id).delete()[0]
    for model in apps.get_app_config("send_core").get_models():
        for field in model._meta.fields:
            if (
                isinstance(field, models.ForeignKey)
                and field.remote_field.model._meta.label == settings.AUTH_USER_MODEL
                and field.null
            ):
                changed += model.objects.filter(**{field.attname: user_id}).update(**{field.attname: None})
    record_event(
        actor=None,
        action=AuditAction.UPDATE,
        object_type="user",
        object_id=user_id,
        acting_organisation=current_organisation(),
        summary="Staff references cleared before erasure",
        detail={"rows": changed},
    )
    return changed
