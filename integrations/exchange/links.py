"""Short-lived download links for exchange documents.

A link is signed (`django.core.signing`, its own salt) and names the document, the person and
the organisation it was made for; it works for five minutes, only for that person, only on that
organisation's own host. The download itself still goes through `services.read_document`, which
checks membership, role and party again and audits the read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.urls import reverse

SALT = "cairn.exchange.document-link"
MAX_AGE = timedelta(minutes=5)


@dataclass(frozen=True)
class LinkGrant:
    document_id: int
    user_id: int
    organisation_id: int


def document_token(document: Any, user: Any, organisation: Any) -> str:
    return signing.dumps({"d": document.pk, "u": user.pk, "o": organisation.pk}, salt=SALT)


def document_link(document: Any, user: Any, organisation: Any) -> str:
    """The path (on `organisation`'s host) of a five-minute download link for `user`."""
    return reverse("exchange-document-download", kwargs={"token": document_token(document, user, organisation)})


def check_document_token(token: str, *, user: Any, organisation: Any) -> LinkGrant:
    """The document a link grants, if it is genuine, in date, and for this person here."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise PermissionDenied("This download link has expired. Go back to the envelope for a new one.") from None
    except signing.BadSignature:
        raise PermissionDenied("This download link is not valid.") from None
    try:
        grant = LinkGrant(document_id=int(data["d"]), user_id=int(data["u"]), organisation_id=int(data["o"]))
    except (KeyError, TypeError, ValueError):
        raise PermissionDenied("This download link is not valid.") from None
    if grant.user_id != getattr(user, "pk", None) or grant.organisation_id != getattr(organisation, "pk", None):
        raise PermissionDenied("This download link was made for someone else.")
    return grant
