"""The organisations every test can use: created once per test database, reused by every test.

A transactional (browser) test flushes the public tables afterwards but leaves schemas in
place; `organisation_for_tests` then puts the rows back over the surviving schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.bootstrap import ensure_platform
from tenants.models import Domain, Organisation
from tenants.roles import OrganisationKind
from tenants.services import domain_for, provision_organisation, schema_name_for


@dataclass(frozen=True)
class Spec:
    slug: str
    name: str
    kind: str
    fields: dict = field(default_factory=dict)
    la: str | None = None
    trust: str | None = None


SPECS = {
    "testshire": Spec("testshire", "Testshire Council", OrganisationKind.LOCAL_AUTHORITY, {"la_code": "991"}),
    "northway": Spec("northway", "Northway Trust", OrganisationKind.TRUST),
    "ashgrove": Spec(
        "ashgrove",
        "Ashgrove Primary School",
        OrganisationKind.SCHOOL,
        {"urn": "991001", "la_code": "991", "establishment_number": "2101", "phase": "primary"},
        la="testshire",
    ),
    "birchwood": Spec(
        "birchwood",
        "Birchwood Primary Academy",
        OrganisationKind.SCHOOL,
        {"urn": "991002", "la_code": "991", "establishment_number": "2102", "phase": "primary"},
        la="testshire",
        trust="northway",
    ),
    "cedar-high": Spec(
        "cedar-high",
        "Cedar High School",
        OrganisationKind.SCHOOL,
        {"urn": "991003", "la_code": "991", "establishment_number": "4101", "phase": "secondary"},
        la="testshire",
        trust="northway",
    ),
}


def organisation_for_tests(slug: str) -> Organisation:
    connection.set_schema_to_public()
    ensure_platform(template=False)
    existing = Organisation.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    spec = SPECS[slug]
    fields = dict(spec.fields)
    if spec.la:
        fields["local_authority"] = organisation_for_tests(spec.la)
    if spec.trust:
        fields["trust"] = organisation_for_tests(spec.trust)
    if schema_exists(schema_name_for(slug)):
        organisation = Organisation.objects.create(
            kind=spec.kind, name=spec.name, slug=slug, schema_name=schema_name_for(slug), **fields
        )
        Domain.objects.create(domain=domain_for(slug), tenant=organisation, is_primary=True)
        return organisation
    return provision_organisation(kind=spec.kind, name=spec.name, slug=slug, **fields).organisation


def build_test_organisations() -> None:
    ensure_platform()
    for slug in SPECS:
        organisation_for_tests(slug)
    assert schema_exists(settings.CAIRN_TEMPLATE_SCHEMA)
