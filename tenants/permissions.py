"""Who may do what with organisations and people."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .roles import INVITERS, Role


def require_any_role(roles: frozenset[str], allowed: frozenset[str] | set[str]) -> None:
    if not roles & frozenset(allowed):
        raise PermissionDenied("Your role here does not allow this.")


def can_invite(roles: frozenset[str]) -> bool:
    return bool(roles & INVITERS)


def is_operator(roles: frozenset[str]) -> bool:
    return Role.OPERATOR in roles
