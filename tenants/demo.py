"""The demo: a fictional local authority, a trust, three primary schools and a secondary,
with a person in every role. Idempotent: running it again changes nothing.

Every name here is invented. The apps above add children to these schools; the whole demo is
composed in `send_platform.demo` (see `seed_demo`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import Organisation, User
from .roles import OrganisationKind, Role
from .services import add_membership, provision_organisation

DEMO_PASSWORD = "cairn-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.cairn.test"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    fields: dict
    people: tuple[tuple[str, str, str], ...]  # (local part, full name, role)


LA = DemoOrganisation(
    "westmere",
    "Westmere County Council",
    OrganisationKind.LOCAL_AUTHORITY,
    {"la_code": "990"},
    (("sen.manager", "Priya Raman", Role.SEN_MANAGER), ("caseworker", "Tom Hollis", Role.CASEWORKER)),
)
TRUST = DemoOrganisation(
    "riverstone",
    "Riverstone Learning Trust",
    OrganisationKind.TRUST,
    {},
    (("send.lead", "Grace Okafor", Role.SEND_LEAD),),
)


def _school(slug, name, urn, number, phase, trust, people_prefix, senco_name, head_name):
    return DemoOrganisation(
        slug,
        name,
        OrganisationKind.SCHOOL,
        {"urn": urn, "la_code": "990", "establishment_number": number, "phase": phase, "trust": trust},
        (
            (f"senco.{people_prefix}", senco_name, Role.SENCO),
            (f"head.{people_prefix}", head_name, Role.HEADTEACHER),
            (
                f"teacher.{people_prefix}",
                "Sam Whitfield" if people_prefix == "millbrook" else f"{people_prefix.title()} Teacher",
                Role.TEACHER,
            ),
            (
                f"ta.{people_prefix}",
                "Jo Baines" if people_prefix == "millbrook" else f"{people_prefix.title()} Assistant",
                Role.TEACHING_ASSISTANT,
            ),
            (f"business.{people_prefix}", f"{people_prefix.title()} Business Manager", Role.BUSINESS_MANAGER),
            (f"governor.{people_prefix}", f"{people_prefix.title()} SEN Governor", Role.GOVERNOR),
            (f"office.{people_prefix}", f"{people_prefix.title()} Office", Role.SCHOOL_ADMIN),
        ),
    )


SCHOOLS = (
    _school(
        "millbrook",
        "Millbrook Primary School",
        "990101",
        "2001",
        "primary",
        None,
        "millbrook",
        "Helen Marsh",
        "David Reeve",
    ),
    _school(
        "oakfield",
        "Oakfield Primary Academy",
        "990102",
        "2002",
        "primary",
        "riverstone",
        "oakfield",
        "Aisha Khan",
        "Mark Ellison",
    ),
    _school(
        "st-aidans",
        "St Aidan's CofE Primary School",
        "990103",
        "3001",
        "primary",
        "riverstone",
        "staidans",
        "Ruth Penrose",
        "Colin Ward",
    ),
    _school(
        "harbourside",
        "Harbourside Academy",
        "990104",
        "4001",
        "secondary",
        "riverstone",
        "harbourside",
        "Nadia Brooks",
        "Ian Fletcher",
    ),
)
OPERATOR = ("operator", "Cairn Operator")


def email_for(local_part: str) -> str:
    return f"{local_part}@{DEMO_EMAIL_DOMAIN}"


def _person(local_part: str, full_name: str) -> User:
    user = User.objects.filter(email=email_for(local_part)).first()
    if user is None:
        user = User.objects.create_user(email_for(local_part), DEMO_PASSWORD, full_name=full_name)
    return user


def _organisation(demo: DemoOrganisation, la: Organisation | None) -> Organisation:
    existing = Organisation.objects.filter(slug=demo.slug).first()
    if existing is not None:
        return existing
    fields = dict(demo.fields)
    trust_slug = fields.pop("trust", None)
    if trust_slug:
        fields["trust"] = Organisation.objects.get(slug=trust_slug)
    if la is not None and demo.kind == OrganisationKind.SCHOOL:
        fields["local_authority"] = la
    return provision_organisation(kind=demo.kind, name=demo.name, slug=demo.slug, **fields).organisation


@transaction.atomic
def seed_demo_organisations() -> dict[str, Organisation]:
    from .bootstrap import ensure_platform

    platform = ensure_platform()
    add_membership(user=_person(*OPERATOR), organisation=platform, role=Role.OPERATOR)
    la = _organisation(LA, None)
    organisations = {"platform": platform, LA.slug: la, TRUST.slug: _organisation(TRUST, None)}
    for school in SCHOOLS:
        organisations[school.slug] = _organisation(school, la)
    for demo in (LA, TRUST, *SCHOOLS):
        for local_part, full_name, role in demo.people:
            add_membership(user=_person(local_part, full_name), organisation=organisations[demo.slug], role=role)
    return organisations


def demo_sign_ins() -> list[tuple[str, str, str]]:
    """(organisation, role, email) for every demo person, for the run command to print."""
    rows = [("Cairn platform", "Platform operator", email_for(OPERATOR[0]))]
    for demo in (LA, TRUST, *SCHOOLS):
        for local_part, _name, role in demo.people:
            rows.append((demo.name, Role(role).label, email_for(local_part)))
    return rows
