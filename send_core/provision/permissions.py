"""Who may do what with provision.

- SENCO and headteacher: everything — the catalogue, groups, pupils in them, costs and the map.
- Business manager: hourly rates and the threshold, and the provision map as figures; never a
  child's name or SEND record (the existing rule: they see no pupil).
- Governor: the provision map as figures, read only.
- Teacher and teaching assistant: the groups they run — their pupils, sessions and measures.
- Trust SEND lead: publishes catalogue entries in the trust's own schema.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from send_core.permissions import CLASS_STAFF, SEND_RECORD_EDITORS
from tenants.roles import PUPIL_READERS_ALL, PUPIL_READERS_OWN, Role

# Who keeps the catalogue, runs groups and sees every pupil's provision.
PROVISION_MANAGERS = frozenset(SEND_RECORD_EDITORS)
# Who keeps hourly rates and the notional threshold.
COST_KEEPERS = PROVISION_MANAGERS | {Role.BUSINESS_MANAGER}
# Who sees the provision map's figures (totals, never a child).
FIGURE_READERS = COST_KEEPERS | {Role.GOVERNOR}
# Who may be named to run a group: staff who teach or support pupils (teacher, TA, SENCO, head).
GROUP_RUNNERS = frozenset(PUPIL_READERS_OWN | PUPIL_READERS_ALL)


# When a group's staff see its pupils: from PREPARE_BEFORE_GROUP_DAYS before it starts (time to
# prepare) until VISIBLE_AFTER_GROUP_DAYS after it ends (or a pupil leaves it: time to take and record
# exit measures).
PREPARE_BEFORE_GROUP_DAYS = 14
VISIBLE_AFTER_GROUP_DAYS = 31


def group_window(day: datetime.date, prefix: str = "") -> Q:
    """Groups whose staff may see them on `day` (`prefix` is the path to the group, e.g. "group__")."""
    return Q(
        **{
            f"{prefix}starts_on__lte": day + datetime.timedelta(days=PREPARE_BEFORE_GROUP_DAYS),
            f"{prefix}ends_on__gte": day - datetime.timedelta(days=VISIBLE_AFTER_GROUP_DAYS),
        }
    )


def group_in_window(group: Any, day: datetime.date) -> bool:
    """The same window as `group_window`, for a group already loaded."""
    return (
        group.starts_on - datetime.timedelta(days=PREPARE_BEFORE_GROUP_DAYS)
        <= day
        <= group.ends_on + datetime.timedelta(days=VISIBLE_AFTER_GROUP_DAYS)
    )


def pupils_in_their_groups(user: Any) -> Q:
    """Pupils in intervention groups this member of staff runs, inside the group's window (a pupil-visibility
    source); a pupil who left a group drops out VISIBLE_AFTER_GROUP_DAYS after leaving."""
    from send_core.services.base import today

    from .models import GroupMember

    day = today()
    since = day - datetime.timedelta(days=VISIBLE_AFTER_GROUP_DAYS)
    members = GroupMember.objects.filter(group_window(day, "group__"), group__staff__user_id=user.pk).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=since)
    )
    return Q(pk__in=members.values("pupil_id"))


def can_manage_provision(roles: frozenset[str]) -> bool:
    return bool(roles & PROVISION_MANAGERS)


def can_keep_costs(roles: frozenset[str]) -> bool:
    return bool(roles & COST_KEEPERS)


def can_view_figures(roles: frozenset[str]) -> bool:
    return bool(roles & FIGURE_READERS)


def can_see_pupil_provision(roles: frozenset[str]) -> bool:
    """May see which pupils receive what (names): SENCO and head for all, class staff for their groups."""
    return bool(roles & (PROVISION_MANAGERS | CLASS_STAFF))


def runs_group(user: Any, group: Any) -> bool:
    """Names the person among the group's staff, and the group is inside its window today."""
    from send_core.services.base import today

    if not group_in_window(group, today()):
        return False
    return group.staff.filter(user_id=getattr(user, "pk", None)).exists()


def can_run_group(user: Any, roles: frozenset[str], group: Any) -> bool:
    """May see the group's pupils and record its sessions and measures."""
    if can_manage_provision(roles):
        return True
    return bool(roles & CLASS_STAFF) and runs_group(user, group)


def require_manage_provision(roles: frozenset[str]) -> None:
    if not can_manage_provision(roles):
        raise PermissionDenied("Only the SENCO or headteacher can change the school's provision.")


def require_keep_costs(roles: frozenset[str]) -> None:
    if not can_keep_costs(roles):
        raise PermissionDenied("Only the SENCO, headteacher or business manager can set hourly rates and thresholds.")


def require_view_figures(roles: frozenset[str]) -> None:
    if not can_view_figures(roles):
        raise PermissionDenied("Your role does not include the provision map's figures.")


def require_run_group(user: Any, roles: frozenset[str], group: Any) -> None:
    if not can_run_group(user, roles, group):
        raise PermissionDenied("Only the staff who run this group, the SENCO or the headteacher can record it.")


def require_see_groups(roles: frozenset[str]) -> None:
    if not can_see_pupil_provision(roles):
        raise PermissionDenied("Your role shows provision as figures only, not which pupils are in which group.")


def require_trust_send_lead(roles: frozenset[str]) -> None:
    if Role.SEND_LEAD not in roles:
        raise PermissionDenied("Only the trust's SEND lead can publish to the trust's catalogue.")
