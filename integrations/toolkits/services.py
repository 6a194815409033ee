"""Acts on toolkits: a school choosing its own, and a local authority setting the default for its schools.

Changing the toolkit a school uses keeps its whole register history. Every current register
entry is mapped to the new toolkit's first stage with the same census code: the open entry is
closed today and a new one opens today at the new stage, with the reason "Toolkit changed from
X to Y", so past entries keep the stage labels they had. An entry whose stage is the same under
both toolkits (same key and label) is left as it is. The change is audited in the school's own
trail (once for the school, once per pupil whose stage moved) and in the public trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name, schema_context
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_event

from send_core.selectors.stage_mapping import StageMapping
from send_core.services.register import remap_register_for_toolkit
from send_core.toolkit import TOOLKITS, Toolkit, national_toolkit, toolkit_for
from tenants.models import Organisation
from tenants.roles import OrganisationKind
from tenants.selectors import roles_in

from .permissions import require_choose_school_toolkit, require_set_la_toolkit
from .selectors import get_toolkit, in_schema_of, toolkit_after


@dataclass(frozen=True)
class ToolkitChange:
    """What changing one school's toolkit did."""

    school: Organisation
    from_toolkit: Toolkit
    to_toolkit: Toolkit
    mappings: tuple[StageMapping, ...]

    @property
    def entries_mapped(self) -> int:
        return sum(m.pupils for m in self.mappings if m.changes)


@dataclass(frozen=True)
class LocalAuthorityToolkitChange:
    """What setting an LA's default toolkit did, to the LA and to each school that follows it."""

    la: Organisation
    from_toolkit: Toolkit
    to_toolkit: Toolkit
    schools: tuple[ToolkitChange, ...]


def _reason(from_toolkit: Toolkit, to_toolkit: Toolkit) -> str:
    return f"Toolkit changed from {from_toolkit.name} to {to_toolkit.name}"


def _roles(user: Any, organisation: Organisation) -> frozenset[str]:
    if user is None or not getattr(user, "pk", None) or not getattr(user, "is_authenticated", False):
        return frozenset()
    return roles_in(user, organisation)


def _check_key(toolkit_key: str) -> str:
    toolkit_key = (toolkit_key or "").strip()
    if toolkit_key:
        get_toolkit(toolkit_key)  # ValidationError naming the toolkits there are
    return toolkit_key


def _remap_register(
    school: Organisation, from_toolkit: Toolkit, to_toolkit: Toolkit, *, changed_by: Any, reason: str
) -> tuple[StageMapping, ...]:
    """The register's own act, in the school's schema."""
    with in_schema_of(school):
        return remap_register_for_toolkit(school, from_toolkit, to_toolkit, changed_by=changed_by, reason=reason)


def _audit_everywhere(organisation: Organisation, *, actor: Any, summary: str, detail: dict) -> None:
    """The organisation's own trail and the public one."""
    with in_schema_of(organisation):
        record_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="organisation",
            object_id=organisation.pk,
            acting_organisation=organisation,
            summary=summary,
            detail=detail,
        )
    with schema_context(get_public_schema_name()):
        record_event(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="organisation",
            object_id=organisation.pk,
            acting_organisation=organisation,
            summary=summary,
            detail=detail,
        )


def _refresh_connection_tenant(organisation: Organisation) -> None:
    """Let the organisation object the request is using see the new choice (it is cached on the connection)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant is organisation:
        return
    if getattr(tenant, "pk", None) == organisation.pk:
        tenant.toolkit = organisation.toolkit
    elif getattr(tenant, "local_authority_id", None) == organisation.pk and Organisation.local_authority.is_cached(
        tenant
    ):
        tenant.local_authority.toolkit = organisation.toolkit


@transaction.atomic(durable=True)
def change_school_toolkit(school: Organisation, *, toolkit_key: str, changed_by: Any) -> ToolkitChange:
    """Make `toolkit_key` the school's own toolkit ("" to follow its LA's), mapping every current register stage."""
    if school.kind != OrganisationKind.SCHOOL:
        raise ValidationError(
            f"{school.name} is not a school: a local authority sets the default for its schools instead."
        )
    require_choose_school_toolkit(_roles(changed_by, school))
    toolkit_key = _check_key(toolkit_key)
    # Organisations live in the public schema, which is on every schema's search path.
    school = Organisation.objects.select_for_update(of=("self",)).select_related("local_authority").get(pk=school.pk)
    from_toolkit = toolkit_for(school)
    if school.toolkit == toolkit_key:
        what = from_toolkit.name if toolkit_key else f"its local authority's toolkit ({from_toolkit.name})"
        raise ValidationError({"toolkit_key": f"{school.name} already uses {what}."})
    to_toolkit = toolkit_after(school, toolkit_key)
    reason = _reason(from_toolkit, to_toolkit)
    school.toolkit = toolkit_key
    school.save(update_fields=["toolkit"])
    mappings: tuple[StageMapping, ...] = ()
    if to_toolkit.key != from_toolkit.key:
        mappings = _remap_register(school, from_toolkit, to_toolkit, changed_by=changed_by, reason=reason)
    change = ToolkitChange(school, from_toolkit, to_toolkit, mappings)
    _audit_everywhere(
        school,
        actor=changed_by,
        summary=reason
        if to_toolkit.key != from_toolkit.key
        else f"Toolkit choice set to {toolkit_key or 'the LA default'}",
        detail={
            "field": "toolkit",
            "from_toolkit": from_toolkit.key,
            "to_toolkit": to_toolkit.key,
            "own_choice": toolkit_key,
            "entries_mapped": change.entries_mapped,
        },
    )
    _refresh_connection_tenant(school)
    return change


@transaction.atomic(durable=True)
def set_local_authority_toolkit(la: Organisation, *, toolkit_key: str, changed_by: Any) -> LocalAuthorityToolkitChange:
    """Make `toolkit_key` the default for the LA's schools ("" for the national default).

    Schools that follow the default have their current register stages mapped, as if each had
    changed toolkit itself; schools that chose their own toolkit are not touched.
    """
    if la.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError(f"{la.name} is not a local authority.")
    require_set_la_toolkit(_roles(changed_by, la))
    toolkit_key = _check_key(toolkit_key)
    la = Organisation.objects.select_for_update().get(pk=la.pk)
    following = list(
        Organisation.objects.select_for_update()
        .filter(local_authority=la, kind=OrganisationKind.SCHOOL, is_active=True, toolkit="")
        .order_by("pk")
    )
    if la.toolkit == toolkit_key:
        current = TOOLKITS.get(la.toolkit) or national_toolkit()
        raise ValidationError({"toolkit_key": f"{la.name}'s schools already use {current.name} by default."})
    from_toolkit = TOOLKITS.get(la.toolkit) or national_toolkit()
    to_toolkit = get_toolkit(toolkit_key) if toolkit_key else national_toolkit()
    reason = _reason(from_toolkit, to_toolkit)
    la.toolkit = toolkit_key
    la.save(update_fields=["toolkit"])

    changes = []
    for school in following:
        school.local_authority = la
        mappings: tuple[StageMapping, ...] = ()
        if to_toolkit.key != from_toolkit.key:
            mappings = _remap_register(
                school, from_toolkit, to_toolkit, changed_by=changed_by, reason=f"{reason} (local authority default)"
            )
        change = ToolkitChange(school, from_toolkit, to_toolkit, mappings)
        changes.append(change)
        with in_schema_of(school):
            record_event(
                actor=changed_by,
                action=AuditAction.UPDATE,
                object_type="organisation",
                object_id=school.pk,
                acting_organisation=la,
                summary=f"{reason} (set by {la.name} as its default)"[:255],
                detail={
                    "field": "toolkit",
                    "from_toolkit": from_toolkit.key,
                    "to_toolkit": to_toolkit.key,
                    "entries_mapped": change.entries_mapped,
                },
            )
    _audit_everywhere(
        la,
        actor=changed_by,
        summary=f"Default toolkit changed from {from_toolkit.name} to {to_toolkit.name}"[:255],
        detail={
            "field": "toolkit",
            "from_toolkit": from_toolkit.key,
            "to_toolkit": to_toolkit.key,
            "schools_following": [school.pk for school in following],
        },
    )
    _refresh_connection_tenant(la)
    return LocalAuthorityToolkitChange(la, from_toolkit, to_toolkit, tuple(changes))
