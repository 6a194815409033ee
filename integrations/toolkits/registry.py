"""Finding toolkits: the built-ins, then every entry point in the group `cairn.toolkits`.

A package adds a toolkit by declaring, in its pyproject.toml,

    [project.entry-points."cairn.toolkits"]
    westmere = "westmere_toolkit:TOOLKIT"

where the object named is a `send_core.toolkit.Toolkit`, the path (str or Path) of a
declarative toolkit file, or a function of no arguments returning either. Toolkits are found
and registered into send_core's registry once, when the integrations app is ready. A third-
party toolkit that fails to load or check, or that takes a key already in use, is logged and
skipped: it never stops Cairn starting. A broken built-in is a bug in Cairn and does raise.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from send_core.toolkit import Toolkit, register_toolkit

from .loader import builtin_toolkit_paths, load_toolkit_file

ENTRY_POINT_GROUP = "cairn.toolkits"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FoundToolkit:
    toolkit: Toolkit
    source: str  # e.g. "built in (essex.toml)" or "westmere-toolkit 1.2 (entry point westmere)"
    builtin: bool


@dataclass(frozen=True)
class SkippedToolkit:
    source: str
    reason: str


@dataclass
class Discovery:
    found: list[FoundToolkit] = field(default_factory=list)
    skipped: list[SkippedToolkit] = field(default_factory=list)

    @property
    def toolkits(self) -> dict[str, Toolkit]:
        return {item.toolkit.key: item.toolkit for item in self.found}


# Where each registered toolkit came from, by key (filled by `install_toolkits`).
TOOLKIT_SOURCES: dict[str, str] = {}
_installed = False


def _describe(entry_point: metadata.EntryPoint) -> str:
    dist = getattr(entry_point, "dist", None)
    package = f"{dist.metadata['Name']} {dist.version} " if dist is not None else ""
    return f"{package}(entry point {entry_point.name} = {entry_point.value})"


def toolkit_from_entry_point(entry_point: metadata.EntryPoint) -> Toolkit:
    """Load what an entry point names and make a Toolkit of it (TypeError if it is neither a toolkit nor a file)."""
    loaded: Any = entry_point.load()
    if callable(loaded) and not isinstance(loaded, Toolkit):
        loaded = loaded()
    if isinstance(loaded, Toolkit):
        return loaded
    if isinstance(loaded, str | os.PathLike):
        return load_toolkit_file(loaded)
    raise TypeError(f"it names a {type(loaded).__name__}, not a Toolkit or the path of a toolkit file (.toml or .json)")


def discover_toolkits(*, entry_points: Iterable[metadata.EntryPoint] | None = None) -> Discovery:
    """The built-in toolkits and every usable one from the `cairn.toolkits` entry points (nothing is registered)."""
    discovery = Discovery()
    for path in builtin_toolkit_paths():
        discovery.found.append(FoundToolkit(load_toolkit_file(path), f"built in ({path.name})", builtin=True))
    taken = {item.toolkit.key: item.source for item in discovery.found}

    if entry_points is None:
        entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    for entry_point in sorted(entry_points, key=lambda ep: (ep.name, ep.value)):
        source = _describe(entry_point)
        try:
            toolkit = toolkit_from_entry_point(entry_point)
        except Exception as error:  # a plugin's failure must never stop start-up
            reason = f"{type(error).__name__}: {error}"
            logger.warning("Toolkit from %s skipped: %s", source, reason, exc_info=True)
            discovery.skipped.append(SkippedToolkit(source, reason))
            continue
        if toolkit.key in taken:
            reason = f"its key {toolkit.key!r} is already used by the toolkit {taken[toolkit.key]}"
            logger.warning("Toolkit from %s skipped: %s", source, reason)
            discovery.skipped.append(SkippedToolkit(source, reason))
            continue
        taken[toolkit.key] = source
        discovery.found.append(FoundToolkit(toolkit, source, builtin=False))
    return discovery


def install_toolkits(*, force: bool = False) -> Discovery | None:
    """Register every toolkit found into send_core's registry (once per process unless `force`)."""
    global _installed
    if _installed and not force:
        return None
    discovery = discover_toolkits()
    for item in discovery.found:
        register_toolkit(item.toolkit)
        TOOLKIT_SOURCES[item.toolkit.key] = item.source
    _installed = True
    logger.debug(
        "Toolkits registered: %s%s",
        ", ".join(item.toolkit.key for item in discovery.found),
        f" ({len(discovery.skipped)} skipped)" if discovery.skipped else "",
    )
    return discovery
