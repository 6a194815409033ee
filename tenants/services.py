"""Acts on organisations and people: provisioning, off-boarding, invitations, memberships."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_event

from .cloning import clone_template_schema, take_spare_schema
from .models import Domain, Invitation, Membership, Organisation, User, validate_role_for_kind
from .ports import stored_files
from .roles import OrganisationKind, Role, grantable_roles

logger = logging.getLogger(__name__)

# --- The template schema -------------------------------------------------------------------


def prepare_template_schema(*, verbosity: int = 0) -> None:
    """Create (if missing) and migrate the empty schema every new organisation is cloned from."""
    name = settings.CAIRN_TEMPLATE_SCHEMA
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=name,
        interactive=False,
        verbosity=verbosity,
    )
    connection.set_schema_to_public()


# --- Provisioning ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvisionedOrganisation:
    organisation: Organisation
    domain: Domain
    invitation: Invitation | None
    seconds: float


def domain_for(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def schema_name_for(slug: str) -> str:
    return "org_" + slug.replace("-", "_")


@transaction.atomic
def provision_organisation(
    *,
    kind: str,
    name: str,
    slug: str,
    first_member_email: str | None = None,
    first_member_role: str | None = None,
    invited_by: User | None = None,
    clone: bool = True,
    use_spare: bool = True,
    **fields,
) -> ProvisionedOrganisation:
    """Create an organisation, its schema (cloned from the template), its domain and first invitation.

    `clone=False` runs every migration instead, and `use_spare=False` always clones afresh; both
    exist for the provisioning benchmark.
    """
    started = time.perf_counter()
    organisation = Organisation(kind=kind, name=name, slug=slug, schema_name=schema_name_for(slug), **fields)
    organisation.full_clean()
    if first_member_email:
        role = first_member_role or default_first_role(kind)
        validate_role_for_kind(role, kind)
    organisation.save()

    if clone:
        template = settings.CAIRN_TEMPLATE_SCHEMA
        if not schema_exists(template):
            raise RuntimeError(f"The template schema {template!r} is missing: run `manage.py prepare_template_schema`.")
        # A spare made ahead of time if one is current, else a clone now; either carries the
        # template's django_migrations rows, so the schema is fully migrated.
        if not (use_spare and take_spare_schema(template, organisation.schema_name)):
            clone_template_schema(template, organisation.schema_name)
    else:
        organisation.create_schema(check_if_exists=False, sync_schema=True, verbosity=0)
    connection.set_schema_to_public()

    domain = Domain.objects.create(domain=domain_for(slug), tenant=organisation, is_primary=True)
    invitation = None
    if first_member_email:
        invitation = invite_member(
            organisation=organisation,
            email=first_member_email,
            role=first_member_role or default_first_role(kind),
            invited_by=invited_by,
            check_grant=False,
        )
    record_event(
        actor=invited_by,
        action=AuditAction.PROVISION,
        object_type="organisation",
        object_id=organisation.pk,
        summary=f"Provisioned {organisation.get_kind_display().lower()} {organisation.slug}",
    )
    return ProvisionedOrganisation(organisation, domain, invitation, time.perf_counter() - started)


def default_first_role(kind: str) -> str:
    return {
        OrganisationKind.SCHOOL: Role.SENCO,
        OrganisationKind.TRUST: Role.SEND_LEAD,
        OrganisationKind.LOCAL_AUTHORITY: Role.SEN_MANAGER,
        OrganisationKind.PLATFORM: Role.OPERATOR,
    }[kind]


def offboard_organisation(*, organisation: Organisation, actor: User | None = None) -> Path:
    """Export everything in an organisation's schema, sealed, then drop the schema and its stored documents.

    The export (records and every document, decrypted and checked) is written and flushed before
    anything is dropped; if it fails, nothing is lost. It is sealed under a key derived from
    CAIRN_MASTER_KEY (`tenants.exports`) and readable by the service account only. The documents'
    encrypted files are deleted once the schema has gone.
    """
    from send_platform.crypto import delete_stored

    from .exports import write_export

    if organisation.schema_name == get_public_schema_name():
        raise ValidationError("The platform itself cannot be off-boarded.")
    if organisation.academies.exists() or organisation.maintained_schools.exists():
        raise ValidationError(f"{organisation} still has schools linked to it; move or off-board them first.")
    export_dir = Path(settings.DATA_DIR) / "exports"
    export_dir.mkdir(parents=True, exist_ok=True)
    path = export_dir / f"{organisation.slug}-{timezone.now():%Y%m%dT%H%M%S}.cairn-export"
    buffer = io.StringIO()
    with schema_context(organisation.schema_name):
        tenant_labels = [label.split(".")[-1] for label in settings.TENANT_APPS if not label.startswith("django.")]
        call_command("dumpdata", *tenant_labels, format="json", stdout=buffer, verbosity=0)
        documents, storage_names = stored_files(organisation.schema_name)
    write_export(
        path,
        {
            "organisation": {"slug": organisation.slug, "name": organisation.name, "kind": organisation.kind},
            "exported_at": timezone.now().isoformat(),
            "records": json.loads(buffer.getvalue()),
            "documents": documents,
        },
    )

    with transaction.atomic():
        slug, pk = organisation.slug, organisation.pk
        organisation.domains.all().delete()
        try:
            Organisation.objects.filter(pk=pk).delete()
        except ProtectedError:
            raise ValidationError(
                f"{organisation} still has records other organisations rely on (such as exchange envelopes); "
                "hand those over before off-boarding."
            ) from None
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{organisation.schema_name}" CASCADE')
        connection.set_schema_to_public()
        record_event(
            actor=actor,
            action=AuditAction.OFFBOARD,
            object_type="organisation",
            object_id=pk,
            summary=f"Off-boarded {slug}; export kept as {path.name}",
            detail={"documents_deleted": len(documents)},
        )
        # The files go only once the schema's removal is committed; the export holds their contents.
        transaction.on_commit(lambda: _delete_files(delete_stored, storage_names))
    return path


def _delete_files(delete, storage_names: list[str]) -> None:
    for name in storage_names:
        try:
            delete(name)
        except Exception:  # one missing file must not keep the others
            logger.warning("Could not delete an off-boarded organisation's document file")


# --- Invitations and memberships -------------------------------------------------------------


def invite_member(
    *, organisation: Organisation, email: str, role: str, invited_by: User | None, check_grant: bool = True
) -> Invitation:
    """Invite someone into a role. The inviter must hold a role that may grant it (see roles.GRANTABLE);
    `check_grant=False` is for an operator inviting a new organisation's first member."""
    validate_role_for_kind(role, organisation.kind)
    if invited_by is not None and check_grant:
        from .selectors import roles_in

        if role not in grantable_roles(roles_in(invited_by, organisation)):
            raise PermissionDenied(f"Your role here cannot invite someone as {Role(role).label}.")
    code = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email.strip().lower(),
        organisation=organisation,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + settings.CAIRN_INVITATION_MAX_AGE,
        token_hash=_invitation_hash(code),
    )
    # Known only now: it is kept nowhere but in the link given to the inviter.
    invitation.code = code
    with schema_context(get_public_schema_name()):
        record_event(
            actor=invited_by,
            action=AuditAction.INVITE,
            object_type="invitation",
            object_id=invitation.pk,
            acting_organisation=organisation,
            detail={"role": role},
        )
    return invitation


def _invitation_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()


def invitation_token(invitation: Invitation) -> str:
    """The code for an invitation's link: only for one just made by invite_member (it is not stored)."""
    code = getattr(invitation, "code", None)
    if not code:
        raise ValueError("An invitation's code is known only when it is made; make a new invitation.")
    return code


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link names; ValidationError with a reason a person understands."""
    token = (token or "").strip()
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=_invitation_hash(token)).first()
        if 20 <= len(token) <= 100
        else None
    )
    if invitation is None:
        raise ValidationError("This invitation link is not valid. Check you copied all of it.")
    if not invitation.is_open:
        if invitation.accepted_at is None and invitation.revoked_at is None:
            raise ValidationError("This invitation link has expired. Ask for a new one.")
        raise ValidationError("This invitation has already been used, withdrawn or has expired.")
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, full_name: str, password: str | None) -> User:
    """Join the invited organisation, creating the person's account if they have none."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError("This invitation has already been used, withdrawn or has expired.")
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        if not password:
            raise ValidationError("Choose a password.")
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
    add_membership(user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def add_membership(*, user: User, organisation: Organisation, role: str) -> Membership:
    validate_role_for_kind(role, organisation.kind)
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership
