"""What the pupil record needs from the domain apps built on it, declared here and filled in by them.

The record (pupils, the register, plans, the dashboard) sits below the EHC, provision and
transition apps and never imports them. Where it needs something only a domain app knows — whether
a pupil has an EHC plan in force, the provision a pupil receives, what a SENCO is waiting on — it
declares the need here, and the domain app registers its answer from its AppConfig.ready(), as
intervention groups register who may see a pupil (`send_core.permissions.register_pupil_visibility`).
With nothing registered, each port answers as if the domain app held nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# --- EHC plans in force --------------------------------------------------------------------------

# Whether the school holds a final EHC plan for the pupil, a version of it issued by the day.
# The register asks before recording census code E (school census guide: E needs a plan).
EhcPlanInForce = Callable[[Any, datetime.date], bool]

_ehc_plan_in_force: EhcPlanInForce | None = None


def register_ehc_plan_in_force(check: EhcPlanInForce) -> None:
    """Install the check the register uses for "has an EHC plan on this day" (the EHC app's)."""
    global _ehc_plan_in_force
    _ehc_plan_in_force = check


def has_ehc_plan_on(pupil: Any, day: datetime.date) -> bool:
    """True when an EHC plan for the pupil is in force on `day`; without the EHC app, never."""
    return _ehc_plan_in_force is not None and _ehc_plan_in_force(pupil, day)


# --- Panels: parts of a record page a domain app contributes ----------------------------------------


@dataclass(frozen=True)
class Panel:
    """A part of a page that a domain app draws: its template, what the template shows, and the
    children it names (so the page's audit row lists them with the record's own)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    pupils_named: tuple[int, ...] = ()


@dataclass(frozen=True)
class DashboardViewer:
    """Who is looking at the SEND dashboard, on which day, and which view of it they have."""

    user: Any
    roles: frozenset[str]
    day: datetime.date
    # "senco", "class_staff", "figures" or "office".
    view: str
    # The full dashboard page (every row) rather than the school's home page (short lists).
    full: bool


DashboardPanelSource = Callable[[DashboardViewer], Panel | None]
PupilProvisionSource = Callable[[Any], Panel]

DASHBOARD_PANEL_SOURCES: list[DashboardPanelSource] = []
PUPIL_PROVISION_SOURCES: list[PupilProvisionSource] = []


def register_dashboard_panel(source: DashboardPanelSource) -> None:
    """Add a panel to the SEND dashboard (e.g. the EHC requests with the local authority); the
    source returns None for a viewer it has nothing for."""
    if source not in DASHBOARD_PANEL_SOURCES:
        DASHBOARD_PANEL_SOURCES.append(source)


def dashboard_panels(viewer: DashboardViewer) -> list[Panel]:
    """The panels the domain apps show this viewer, in the order they were registered."""
    panels = (source(viewer) for source in DASHBOARD_PANEL_SOURCES)
    return [panel for panel in panels if panel is not None]


def register_pupil_provision(source: PupilProvisionSource) -> None:
    """Add what a pupil receives beyond their plans (e.g. intervention groups) to their provision page."""
    if source not in PUPIL_PROVISION_SOURCES:
        PUPIL_PROVISION_SOURCES.append(source)


def pupil_provision_panels(pupil: Any) -> list[Panel]:
    """The panels the domain apps add to the pupil's provision page."""
    return [source(pupil) for source in PUPIL_PROVISION_SOURCES]
