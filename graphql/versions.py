"""Versions of the figures, per organisation, so a cached answer lasts until *its* figures change.

Every refresh that stores figures bumps the organisation's version and the platform-wide one.
An answer about some schools is keyed on those schools' versions only (one multi-get from the
cache); an answer that includes benchmarks, which read every school of a phase, is keyed on the
platform-wide version. The versions live in the shared cache under the public schema's keys, so
web and worker processes agree; a version the cache has lost reads as "0", which only ever makes
a fresh answer, never a stale one.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django_tenants.utils import schema_context

PLATFORM = "all"


def _key(name: int | str) -> str:
    return f"reporting:version:{name}"


def bump(organisation_id: int) -> None:
    """A refresh stored new figures for this organisation."""
    token = uuid.uuid4().hex
    with schema_context("public"):
        cache.set_many({_key(organisation_id): token, _key(PLATFORM): token}, timeout=None)


def version_of(organisation_ids: Iterable[int], *, platform: bool = False) -> str:
    """One token for the current figures of these organisations (and of the platform if asked)."""
    names = sorted({int(pk) for pk in organisation_ids})
    keys = [_key(pk) for pk in names] + ([_key(PLATFORM)] if platform else [])
    with schema_context("public"):
        found = cache.get_many(keys)
    material = "|".join(f"{key}={found.get(key, '0')}" for key in keys)
    return hashlib.sha256(material.encode()).hexdigest()
