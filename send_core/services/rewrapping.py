"""Moving wrapped keys to the current master key, a row at a time (`manage.py rewrap_keys`).

Only the wrapping changes: each data key is unwrapped and wrapped again under the current
master key and the organisation's salt (send_platform.crypto), so no document or sealed file is
re-encrypted. Every row is written in its own short transaction and only if it still holds
the wrapping that was read, so an interrupted run keeps what it did and the next run carries on
from there, and an upload arriving meanwhile (already under the current key) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from send_platform.crypto import DocumentIntegrityError, needs_rewrap, rewrap_key

_BATCH = 500


@dataclass
class RewrapCount:
    rewrapped: int = 0
    already_current: int = 0
    unreadable: int = 0

    def add(self, other: RewrapCount) -> None:
        self.rewrapped += other.rewrapped
        self.already_current += other.already_current
        self.unreadable += other.unreadable

    def __str__(self) -> str:
        text = f"{self.rewrapped} re-wrapped, {self.already_current} already current"
        return text + (f", {self.unreadable} COULD NOT BE OPENED" if self.unreadable else "")


def rewrap_column(queryset: models.QuerySet, field_name: str, schema_name: str) -> RewrapCount:
    """Re-wrap `field_name` of every row in `queryset`, keys belonging to `schema_name`'s organisation."""
    count = RewrapCount()
    last_pk = None
    while True:
        page = queryset.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        rows = list(page.values_list("pk", field_name)[:_BATCH])
        if not rows:
            return count
        for pk, wrapped in rows:
            last_pk = pk
            wrapped = bytes(wrapped)
            try:
                if not needs_rewrap(wrapped):
                    count.already_current += 1
                    continue
                fresh = rewrap_key(wrapped, schema_name)
            except DocumentIntegrityError:
                count.unreadable += 1
                continue
            # Written only if unchanged since it was read; one statement, so atomic by itself.
            updated = queryset.model._base_manager.filter(pk=pk, **{field_name: wrapped}).update(**{field_name: fresh})
            if updated:
                count.rewrapped += 1
            else:
                count.already_current += 1  # replaced meanwhile, by a newer wrapping


def _tenant_key_columns() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) in the organisation schemas that holds a key wrapped under the organisation's key."""
    tenant_apps = set(settings.TENANT_APPS)
    columns = []
    for config in apps.get_app_configs():
        if config.name not in tenant_apps:
            continue
        for model in config.get_models():
            for model_field in model._meta.concrete_fields:
                if isinstance(model_field, models.BinaryField) and model_field.name.startswith("wrapped_key"):
                    columns.append((model, model_field.name))
    return columns


def rewrap_school_keys() -> dict[str, RewrapCount]:
    """Re-wrap every key in the schema the connection is in now, by table (documents, held imports)."""
    schema_name = connection.schema_name
    return {
        str(model._meta.verbose_name_plural): rewrap_column(model._base_manager.all(), field_name, schema_name)
        for model, field_name in _tenant_key_columns()
    }
