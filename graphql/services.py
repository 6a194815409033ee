"""Acts on reporting: refreshing an organisation's figures, and making and revoking reporting tokens."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_event

from tenants.models import Membership, Organisation, User
from tenants.roles import OrganisationKind

from . import versions
from .figures import compute_la_timeliness, compute_school_figures
from .metrics import stored_fields
from .models import (
    REPORTING_KEY_MAX_DAYS,
    EhcTimeliness,
    RefreshRun,
    RefreshStatus,
    RefreshTrigger,
    ReportingToken,
    SchoolFigures,
)
from .permissions import TOKEN_MANAGERS, can_manage_tokens

logger = logging.getLogger(__name__)

REFRESH_FAILED_REASON = "the figures could not be worked out (see the server log)."

# The first key of the advisory lock a refresh holds (the second is the organisation's id).
REFRESH_LOCK_SPACE = 7341

# How many months of EHC casework an LA refresh rewrites.
TIMELINESS_MONTHS = 24


def refresh_organisation(
    organisation: Organisation,
    *,
    trigger: str = RefreshTrigger.OPERATOR,
    on: datetime.date | None = None,
    run: RefreshRun | None = None,
) -> RefreshRun:
    """Work out an organisation's figures now and store them in the public schema.

    Schools get a row of counts for `on` (today by default); local authorities get their EHC
    timeliness by month. A failure is recorded on the run (its kind and a fixed reason) and raised.
    """
    on = on or timezone.localdate()
    with schema_context("public"):
        if run is None:
            run = RefreshRun.objects.create(organisation=organisation, trigger=trigger)
        run.status, run.started_at, run.error = RefreshStatus.RUNNING, timezone.now(), ""
        run.save(update_fields=["status", "started_at", "error"])
    try:
        # One refresh of an organisation at a time (nightly, on change, by an operator): the
        # later waits, then reads the records as they are then, so it never stores older figures
        # over newer ones.
        with transaction.atomic(durable=True), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REFRESH_LOCK_SPACE, organisation.pk])
            not_available = _refresh(organisation, on)
    except Exception as error:
        with schema_context("public"):
            run.status, run.finished_at = RefreshStatus.FAILED, timezone.now()
            # The exception's kind and a fixed reason, never its message: messages can quote
            # record content (a pupil's name in a constraint error, say) and operators see this.
            run.error = f"{type(error).__name__}: {REFRESH_FAILED_REASON}"[:500]
            run.save(update_fields=["status", "finished_at", "error"])
        raise
    with schema_context("public"):
        run.status, run.finished_at, run.not_available = RefreshStatus.SUCCEEDED, timezone.now(), not_available
        run.save(update_fields=["status", "finished_at", "not_available"])
    return run


def _refresh(organisation: Organisation, on: datetime.date) -> list[str]:
    if organisation.kind == OrganisationKind.SCHOOL:
        with tenant_context(organisation):
            counts = compute_school_figures(on)
        with schema_context("public"):
            store_school_figures(organisation, counts)
        return counts.not_available
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        start = (on.replace(day=1) - datetime.timedelta(days=31 * (TIMELINESS_MONTHS - 1))).replace(day=1)
        with tenant_context(organisation):
            months = compute_la_timeliness(start=start, end=on)
        if months is None:
            return ["EHC timeliness"]
        with schema_context("public"), transaction.atomic():
            for month in months:
                values = {k: v for k, v in month.items() if k != "month"}
                EhcTimeliness.objects.update_or_create(
                    organisation=organisation,
                    month=month["month"],
                    defaults={**values, "refreshed_at": timezone.now()},
                )
        versions.bump(organisation.pk)
        return []
    # Trusts hold no records of their own: their figures are their schools'.
    return []


def store_school_figures(organisation: Organisation, counts) -> SchoolFigures:
    """Keep one school's counts for a day (replacing that day's earlier refresh)."""
    values = {name: getattr(counts, name) for name in stored_fields()}
    figures, _ = SchoolFigures.objects.update_or_create(
        organisation=organisation,
        on=counts.on,
        defaults={**values, "phase": organisation.phase, "refreshed_at": timezone.now()},
    )
    versions.bump(organisation.pk)
    return figures


def refresh_history(organisation: Organisation, days: list[datetime.date]) -> int:
    """Back-dated figures for a school on each of `days` (for trends); returns how many rows were kept."""
    if organisation.kind != OrganisationKind.SCHOOL:
        return 0
    kept = 0
    for day in days:
        with tenant_context(organisation):
            counts = compute_school_figures(day)
        with schema_context("public"):
            store_school_figures(organisation, counts)
        kept += 1
    return kept


# --- Reporting tokens --------------------------------------------------------------------

TOKEN_PREFIX = "cairn_rpt_"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ReportingToken
    key: str  # shown once, never stored


class ReportingKeyRefused(Exception):
    """The key does not open this organisation's figures; the message says why, without giving anything away."""


@transaction.atomic(durable=True)
def create_reporting_token(
    *,
    organisation: Organisation,
    name: str,
    by: User,
    roles: frozenset[str],
    valid_days: int = REPORTING_KEY_MAX_DAYS,
) -> NewToken:
    """Make a key a BI tool can use to read this organisation's figures for `valid_days` (at most a year);
    only its hash is kept."""
    if not can_manage_tokens(organisation, roles):
        raise PermissionDenied("Only the organisation's leaders can make reporting keys.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter what the key is for, for example “Power BI trust dashboard”."})
    if len(name) > 100:
        raise ValidationError({"name": "The name must be 100 characters or fewer."})
    if not isinstance(valid_days, int) or not 1 <= valid_days <= REPORTING_KEY_MAX_DAYS:
        raise ValidationError({"valid_days": f"A key can last from 1 to {REPORTING_KEY_MAX_DAYS} days."})
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with schema_context("public"):
        token = ReportingToken.objects.create(
            organisation=organisation,
            name=name,
            prefix=key[: len(TOKEN_PREFIX) + 2],
            key_hash=hash_token(key),
            created_by=by,
            created_at=now,
            expires_at=now + datetime.timedelta(days=valid_days),
        )
        record_event(
            actor=by,
            action=AuditAction.CREATE,
            object_type="reporting_token",
            object_id=token.pk,
            summary=f"Reporting key “{name}” made for {organisation.name}, for {valid_days} days",
        )
    return NewToken(token=token, key=key)


def _leaders_memberships(organisation_id: int, kind: str):
    return Membership.objects.filter(
        organisation_id=organisation_id,
        is_active=True,
        user__is_active=True,
        role__in=TOKEN_MANAGERS.get(kind, frozenset()),
    )


@transaction.atomic
def revoke_keys_of_former_leader(*, user_id: int, organisation: Organisation) -> int:
    """Revoke the live keys a person made here once they no longer lead the organisation; returns how many."""
    if _leaders_memberships(organisation.pk, organisation.kind).filter(user_id=user_id).exists():
        return 0
    with schema_context("public"):
        tokens = list(
            ReportingToken.objects.select_for_update().filter(
                organisation=organisation, created_by_id=user_id, revoked_at__isnull=True
            )
        )
        for token in tokens:
            _revoke_as_maker_left(token)
    return len(tokens)


def _revoke_as_maker_left(token: ReportingToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        actor=None,
        action=AuditAction.UPDATE,
        object_type="reporting_token",
        object_id=token.pk,
        summary=f"Reporting key “{token.name}” revoked: the person who made it no longer leads the organisation",
    )


@transaction.atomic(durable=True)
def revoke_reporting_token(
    *, organisation: Organisation, token_id: int, by: User, roles: frozenset[str]
) -> ReportingToken:
    """Stop a key working at once (it cannot be turned back on)."""
    if not can_manage_tokens(organisation, roles):
        raise PermissionDenied("Only the organisation's leaders can revoke reporting keys.")
    with schema_context("public"):
        token = ReportingToken.objects.select_for_update().filter(organisation=organisation, pk=token_id).first()
        if token is None:
            raise ValidationError({"token": "There is no such key for this organisation."})
        if token.revoked_at is None:
            token.revoked_at, token.revoked_by = timezone.now(), by
            token.save(update_fields=["revoked_at", "revoked_by"])
            record_event(
                actor=by,
                action=AuditAction.UPDATE,
                object_type="reporting_token",
                object_id=token.pk,
                summary=f"Reporting key “{token.name}” revoked",
            )
    return token


def _long_date(moment: datetime.datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


NOT_VALID_HERE = "That reporting key is not valid here (it may have been revoked)."


def check_reporting_key(key: str, organisation: Organisation) -> ReportingToken:
    """The live token with this key for this organisation, marked as used; `ReportingKeyRefused` otherwise.

    A key whose maker no longer leads the organisation is revoked here, when it is next used, if
    the change of role did not revoke it already.
    """
    if not key.startswith(TOKEN_PREFIX):
        raise ReportingKeyRefused(NOT_VALID_HERE)
    with schema_context("public"), transaction.atomic():
        token = (
            ReportingToken.objects.select_for_update()
            .filter(key_hash=hash_token(key), organisation=organisation, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise ReportingKeyRefused(NOT_VALID_HERE)
        now = timezone.now()
        if token.expires_at <= now:
            raise ReportingKeyRefused(
                f"That reporting key expired on {_long_date(timezone.localtime(token.expires_at))}. "
                "A leader of the organisation can make a new one."
            )
        maker_leads = (
            token.created_by_id is not None
            and _leaders_memberships(organisation.pk, organisation.kind).filter(user_id=token.created_by_id).exists()
        )
        if maker_leads:
            ReportingToken.objects.filter(pk=token.pk).update(last_used_at=now)
            return token
        _revoke_as_maker_left(token)
    # Refused after the block commits, so the key stays revoked.
    raise ReportingKeyRefused(
        "That reporting key has been revoked: the person who made it no longer leads the organisation."
    )


def token_for_key(key: str, organisation: Organisation) -> ReportingToken | None:
    """The live token with this key for this organisation, marked as used; None otherwise."""
    try:
        return check_reporting_key(key, organisation)
    except ReportingKeyRefused:
        return None
