"""Every URL pattern of Cairn's two URLconfs, walked from the resolver (includes followed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

URLCONFS = {"organisation": "send_platform.urls", "base": "send_platform.public_urls"}


@dataclass(frozen=True)
class Route:
    urlconf: str  # "organisation" (every organisation's host) or "base" (the base domain)
    pattern: str  # the full pattern, e.g. "pupils/<int:pupil_id>/"
    name: str  # namespaced, e.g. "send_core:pupil"

    @property
    def key(self) -> str:
        return f"{self.urlconf} /{self.pattern}"


def _walk(patterns, prefix: str, namespace: str):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace + (entry.name or "")


def all_routes() -> list[Route]:
    found = []
    for urlconf, module in URLCONFS.items():
        for pattern, name in _walk(get_resolver(module).url_patterns, "", ""):
            found.append(Route(urlconf, pattern, name))
    return found
