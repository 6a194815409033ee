"""Acts on staff references in a school's records: clearing them when a person is erased."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction

from ..selectors.organisation import current_organisation
from .base import AuditAction, record_event

# Rows that exist only to say a person is assigned to something: removed with the person.
ASSIGNMENT_MODELS = frozenset({"send_core.classteacher", "provision.groupstaff", "ehc.reminder"})


def _tenant_models():
    """Every model of send_core and its sub-apps that lives in each organisation's schema."""
    from django.apps import apps

    shared = set(settings.SHARED_APPS)
    for config in apps.get_app_configs():
        in_send_core = config.name == "send_core" or config.name.startswith("send_core.")
        if in_send_core and config.name in settings.TENANT_APPS and config.name not in shared:
            yield from config.get_models()


@transaction.atomic(durable=True)
def detach_staff_member(user_id: int) -> int:
    """Clear every reference to a person in this school's records (run in each schema before erasing them); returns rows changed.

    References on records are emptied (the record keeps what was done, no longer by whom);
    assignments (class staff, intervention group staff, reminders) are removed.
    """
    changed = 0
    for model in _tenant_models():
        for field in model._meta.fields:
            if not (
                isinstance(field, models.ForeignKey)
                and field.remote_field.model._meta.label == settings.AUTH_USER_MODEL
            ):
                continue
            rows = model.objects.filter(**{field.attname: user_id})
            if model._meta.label_lower in ASSIGNMENT_MODELS:
                changed += rows.delete()[0]
            elif field.null:
                changed += rows.update(**{field.attname: None})
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
