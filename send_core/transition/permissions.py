"""Who does what in transition.

- In the primary school: the SENCO and headteacher record destinations, grant and revoke the
  next school's access, and hand the transition file on (they keep the SEND record).
- In the next school: the SENCO reads incoming pupils' records under a live grant, and imports
  a transition file into the school's own register.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tenants.roles import Role

from ..permissions import SEND_RECORD_EDITORS

# A grant lets the next school's SENCOs read; nobody else there.
INCOMING_READERS = frozenset({Role.SENCO})


def can_manage_transition(roles: frozenset[str]) -> bool:
    """May record destinations, grant and revoke access and send transition files."""
    return bool(roles & SEND_RECORD_EDITORS)


def require_manage_transition(roles: frozenset[str]) -> None:
    if not can_manage_transition(roles):
        raise PermissionDenied("Only the SENCO or headteacher can manage pupils' transition to their next school.")


def can_read_incoming(roles: frozenset[str]) -> bool:
    """May see incoming pupils from feeder schools and read their records under a grant."""
    return bool(roles & INCOMING_READERS)


def require_read_incoming(roles: frozenset[str]) -> None:
    if not can_read_incoming(roles):
        raise PermissionDenied("Only the SENCO can read the records of pupils coming from their feeder schools.")
