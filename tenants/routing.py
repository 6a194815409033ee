"""Building links between the base domain and organisations' sub-domains."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest

from .models import Organisation


def _port_suffix(request: HttpRequest) -> str:
    host = request.get_host()
    return ":" + host.rsplit(":", 1)[1] if ":" in host else ""


def base_site_url(request: HttpRequest, path: str = "/", **query: str) -> str:
    url = f"{request.scheme}://{settings.BASE_DOMAIN}{_port_suffix(request)}{path}"
    return f"{url}?{urlencode(query)}" if query else url


def organisation_url(request: HttpRequest, organisation: Organisation, path: str = "/", **query: str) -> str:
    domain = organisation.get_primary_domain()
    url = f"{request.scheme}://{domain.domain}{_port_suffix(request)}{path}"
    return f"{url}?{urlencode(query)}" if query else url
