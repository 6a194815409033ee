"""The organisation whose schema the connection is in now."""

from __future__ import annotations

from django.db import connection

from tenants.models import Organisation


def current_organisation() -> Organisation | None:
    """The organisation of the active schema (None in the public or template schema)."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organisation):
        return tenant
    schema_name = getattr(tenant, "schema_name", None) or connection.schema_name
    return Organisation.objects.filter(schema_name=schema_name).exclude(kind="platform").first()
