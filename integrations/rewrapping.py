"""Master-key rotation: every wrapped key Cairn holds, moved to the current master key.

The keys live in four places: each organisation's schema (documents, held MIS imports), the
public schema (each side's copy of an exchange envelope's and document's key, and people's
authenticator apps) and the sealed off-boarding exports in the data folder. This module sits above all three (exchange code may
use the SEND core, not the reverse). `python manage.py rewrap_keys` runs it and prints its lines.

Safe to run again at any time: rows and files already under the current key are counted and
left alone, and each row or file is replaced whole, so an interrupted run resumes where it
stopped. Once an organisation has nothing left that could not be opened, it stops reading the
legacy, unsalted wrapping altogether (`Organisation.reads_unsalted_keys`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists, tenant_context
from send_platform.audit.models import AuditAction
from send_platform.audit.services import record_event
from send_platform.crypto import current_master_key, master_keys

from integrations.exchange.services import rewrap_exchange_keys
from send_core.services.rewrapping import RewrapCount, rewrap_column, rewrap_school_keys
from tenants.authenticators import AUTHENTICATOR_NAMESPACE
from tenants.exports import ExportUnreadable, rewrap_export
from tenants.models import AuthenticatorDevice, Organisation


def rewrap_organisation(organisation: Organisation) -> dict[str, RewrapCount]:
    """Re-wrap one organisation's keys (its schema and its side of the exchange), audited in its own trail."""
    counts: dict[str, RewrapCount] = {}
    has_schema = organisation.schema_name != get_public_schema_name() and schema_exists(organisation.schema_name)
    with tenant_context(organisation):
        if has_schema:
            counts.update(rewrap_school_keys())
        counts["exchange keys"] = rewrap_exchange_keys(organisation)
        unreadable = sum(count.unreadable for count in counts.values())
        if not unreadable and organisation.reads_unsalted_keys:
            Organisation.objects.filter(pk=organisation.pk).update(reads_unsalted_keys=False)
            organisation.reads_unsalted_keys = False
        if has_schema and any(count.rewrapped or count.unreadable for count in counts.values()):
            record_event(
                actor=None,
                action=AuditAction.UPDATE,
                object_type="master_key",
                object_id=current_master_key().label,
                summary="Keys re-wrapped under the current master key",
                detail={name: vars(count) for name, count in counts.items()},
            )
    return counts


def rewrap_authenticators() -> RewrapCount:
    """People's authenticator apps: their secrets' keys are wrapped in a namespace of their own."""
    with schema_context(get_public_schema_name()):
        return rewrap_column(AuthenticatorDevice.objects.all(), "wrapped_key", AUTHENTICATOR_NAMESPACE)


def rewrap_exports(export_dir: Path) -> RewrapCount:
    count = RewrapCount()
    for path in sorted(export_dir.glob("*.cairn-export")) if export_dir.is_dir() else []:
        try:
            if rewrap_export(path):
                count.rewrapped += 1
            else:
                count.already_current += 1
        except (OSError, ExportUnreadable):
            count.unreadable += 1
    return count


def rewrap_all_keys(write: Callable[[str], None] = print) -> RewrapCount:
    """Every organisation, then the exports; `write` gets one line per organisation. Returns the totals."""
    current = current_master_key()
    older = ", ".join(key.label for key in master_keys()[1:]) or "none"
    write(f"Re-wrapping under master key {current.label} (older keys held: {older}).")
    total = RewrapCount()
    organisations = list(Organisation.objects.order_by("pk"))
    for number, organisation in enumerate(organisations, start=1):
        counts = rewrap_organisation(organisation)
        for count in counts.values():
            total.add(count)
        detail = "; ".join(f"{name}: {count}" for name, count in counts.items())
        write(f"[{number}/{len(organisations)}] {organisation.schema_name} ({organisation.name}): {detail}")
    authenticators = rewrap_authenticators()
    total.add(authenticators)
    write(f"Authenticator apps: {authenticators}")
    exports = rewrap_exports(Path(settings.DATA_DIR) / "exports")
    total.add(exports)
    write(f"Off-boarding exports: {exports}")
    write(f"Total: {total}")
    return total
