"""Reads about organisations and people, shared by pages, the API and tasks."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Invitation, Membership, Organisation, User
from .roles import OrganisationKind


def memberships_for(user: User) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


def roles_in(user: User, organisation: Organisation) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.filter(user=user, organisation=organisation, is_active=True).values_list("role", flat=True)
    )


def organisations_for(user: User) -> list[Organisation]:
    """Each organisation a person belongs to, once, in name order."""
    seen: dict[int, Organisation] = {}
    for membership in memberships_for(user):
        seen.setdefault(membership.organisation_id, membership.organisation)
    return list(seen.values())


def staff_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "role")
    )


def open_invitations_for(organisation: Organisation) -> QuerySet[Invitation]:
    from django.utils import timezone

    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def schools_of_local_authority(la: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(local_authority=la, kind=OrganisationKind.SCHOOL, is_active=True).select_related(
        "trust"
    )


def trusts_in_local_authority(la: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=OrganisationKind.TRUST, academies__local_authority=la, is_active=True
    ).distinct()


def schools_of_trust(trust: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(trust=trust, kind=OrganisationKind.SCHOOL, is_active=True).select_related(
        "local_authority"
    )


def all_organisations() -> QuerySet[Organisation]:
    return (
        Organisation.objects.exclude(kind=OrganisationKind.PLATFORM)
        .select_related("local_authority", "trust")
        .prefetch_related("domains")
        .order_by("kind", "name")
    )
