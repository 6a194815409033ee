"""A change to an organisation's SEND records queues a (debounced) refresh of its reporting figures."""

from __future__ import annotations

from django.db import connection
from django.db.models.signals import post_delete, post_save

from send_core.ehc.models import CaseAnnualReview, ClockException, EhcCase, EhcRequest
from send_core.models import OutcomeProgress, Pupil, PupilNeed, RegisterEntry, Review, SupportPlan
from send_core.provision.models import GroupMember, IndividualProvision, ProvisionGroup
from tenants.models import Organisation
from tenants.roles import OrganisationKind

# The records the figures are worked out from: the register, needs, plans and reviews, costed
# provision and EHC casework. Reporting sits above the domain apps, so it names them plainly.
WATCHED: tuple[type, ...] = (
    Pupil,
    RegisterEntry,
    PupilNeed,
    SupportPlan,
    Review,
    OutcomeProgress,
    ProvisionGroup,
    GroupMember,
    IndividualProvision,
    EhcRequest,
    EhcCase,
    ClockException,
    CaseAnnualReview,
)
REFRESHED_HERE = (OrganisationKind.SCHOOL, OrganisationKind.LOCAL_AUTHORITY)


def _organisation_here() -> Organisation | None:
    """The organisation whose schema is active (a schema_context gives only its name)."""
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organisation):
        return tenant
    schema = getattr(tenant, "schema_name", None) or connection.schema_name
    return Organisation.objects.filter(schema_name=schema).first() if schema and schema != "public" else None


def records_changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    tenant = _organisation_here()
    if tenant is None or tenant.kind not in REFRESHED_HERE:
        return
    from .tasks import schedule_refresh_after_commit

    schedule_refresh_after_commit(tenant)


def membership_changed(sender, instance, **kwargs) -> None:
    """A person who is no longer one of an organisation's leaders loses the reporting keys they made there."""
    if kwargs.get("raw"):
        return
    from .services import revoke_keys_of_former_leader

    # Whatever the row says now (a role changed from SENCO to teacher is one save): the service
    # asks whether the person still holds any leader's membership there.
    revoke_keys_of_former_leader(user_id=instance.user_id, organisation=instance.organisation)


def connect() -> None:
    from send_core.signals import records_changed_in_bulk
    from tenants.models import Membership

    post_save.connect(membership_changed, sender=Membership, dispatch_uid="reporting-keys-membership-saved")
    post_delete.connect(membership_changed, sender=Membership, dispatch_uid="reporting-keys-membership-deleted")

    # Imports, toolkit changes and reviews write many rows at once, without post_save for each.
    records_changed_in_bulk.connect(records_changed, dispatch_uid="reporting-refresh-bulk")
    for model in WATCHED:
        label = f"{model._meta.app_label}.{model.__name__}"
        post_save.connect(records_changed, sender=model, dispatch_uid=f"reporting-refresh-{label}")
        post_delete.connect(records_changed, sender=model, dispatch_uid=f"reporting-refresh-del-{label}")
