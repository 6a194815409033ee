"""What every SEND model shares: references to staff, and dates a record is made and changed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def staff_reference(verbose_name: str, **kwargs: Any) -> models.ForeignKey:
    """A reference from a school's schema to a member of staff (tenants.User, in the public schema).

    - `db_constraint=False`: the user row lives in another schema. A real foreign-key constraint
      from every school's tables to `public.tenants_user` would make each user deletion check
      thousands of schemas, tie erasure to every school at once, and cannot be kept when the
      school schemas are spread over Citus nodes.
    - `on_delete=DO_NOTHING`: PROTECT and SET_NULL are enforced by Django in Python, by querying
      the referring tables in the schema the connection is in; a user is deleted from the public
      schema, where these tables do not exist, so either would make deleting any user fail.
      Erasing a person is therefore two steps: in each school schema,
      `send_core.services.staff.detach_staff_member` clears these references (the record keeps
      what was done, no longer by whom); then the user row is deleted.
    - `null=True`: after erasure the reference is empty; reads use `select_related` (a LEFT
      JOIN), so a record whose author has gone reads as "no author", never as an error.
    """
    options: dict[str, Any] = {"null": True, "blank": True, "related_name": "+"}
    options.update(kwargs)
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        **options,
    )


def people_list_default() -> list[dict[str, str]]:
    return []


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
