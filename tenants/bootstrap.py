"""The platform's own organisation (the public schema) and the template schema."""

from __future__ import annotations

from django.conf import settings
from django_tenants.utils import get_public_schema_name

from .cloning import refill_spare_schemas
from .models import Domain, Organisation
from .roles import OrganisationKind
from .services import prepare_template_schema


def ensure_platform(*, template: bool = True) -> Organisation:
    platform, _ = Organisation.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"kind": OrganisationKind.PLATFORM, "name": "Cairn platform", "slug": "platform"},
    )
    Domain.objects.get_or_create(domain=settings.BASE_DOMAIN, defaults={"tenant": platform, "is_primary": True})
    if template:
        prepare_template_schema()
        refill_spare_schemas(settings.CAIRN_TEMPLATE_SCHEMA, settings.CAIRN_SPARE_SCHEMAS)
    return platform
