"""Reads about toolkits: which there are, who uses which, and what a change of toolkit would do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count
from django_tenants.utils import tenant_context

from send_core.selectors.stage_mapping import StageMapping, UnmappableStage, current_stage_counts, stage_mappings
from send_core.toolkit import NATIONAL_DEFAULT, TOOLKITS, Toolkit, national_toolkit, toolkit_for
from tenants.models import Organisation
from tenants.roles import OrganisationKind

from .registry import TOOLKIT_SOURCES


@contextmanager
def in_schema_of(organisation: Organisation) -> Iterator[Organisation]:
    """Run the block in the organisation's schema (as it is, if the connection is there already)."""
    if connection.schema_name == organisation.schema_name and getattr(connection.tenant, "pk", None) == organisation.pk:
        yield organisation
        return
    with tenant_context(organisation):
        yield organisation


# --- The toolkits ------------------------------------------------------------------------------


def available_toolkits() -> list[Toolkit]:
    """Every registered toolkit: the national default first, then by name."""
    return sorted(TOOLKITS.values(), key=lambda t: (t.key != NATIONAL_DEFAULT.key, t.name.lower()))


def get_toolkit(key: str) -> Toolkit:
    """The registered toolkit with this key; ValidationError naming the toolkits there are otherwise."""
    toolkit = TOOLKITS.get((key or "").strip())
    if toolkit is None:
        names = "; ".join(f"{t.name} ({t.key})" for t in available_toolkits())
        raise ValidationError({"toolkit_key": f"There is no toolkit called {key!r}. Choose one of: {names}."})
    return toolkit


def toolkit_source(key: str) -> str:
    """Where a registered toolkit came from (built in, or a named package)."""
    return TOOLKIT_SOURCES.get(key, "built in" if key == NATIONAL_DEFAULT.key else "registered in code")


@dataclass(frozen=True)
class ToolkitListing:
    toolkit: Toolkit
    source: str
    # Local authorities on Cairn whose schools use this toolkit by default.
    local_authorities: tuple[Organisation, ...]
    # Schools that chose it themselves (rather than following their LA).
    schools_choosing: int


def toolkit_listing() -> list[ToolkitListing]:
    """Every toolkit with where it came from and who uses it (two queries)."""
    las: dict[str, list[Organisation]] = {}
    for la in Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY, is_active=True).order_by("name"):
        las.setdefault(la.toolkit or NATIONAL_DEFAULT.key, []).append(la)
    choosing = dict(
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, is_active=True)
        .exclude(toolkit="")
        .values_list("toolkit")
        .annotate(n=Count("pk"))
    )
    return [
        ToolkitListing(
            toolkit=toolkit,
            source=toolkit_source(toolkit.key),
            local_authorities=tuple(las.get(toolkit.key, ())),
            schools_choosing=choosing.get(toolkit.key, 0),
        )
        for toolkit in available_toolkits()
    ]


@dataclass(frozen=True)
class SchoolToolkit:
    school: Organisation
    toolkit: Toolkit
    own_choice: bool  # False: follows its LA's default


def schools_and_toolkits(la: Organisation) -> list[SchoolToolkit]:
    """The LA's schools, each with the toolkit it uses and whether it chose it itself."""
    schools = Organisation.objects.filter(local_authority=la, kind=OrganisationKind.SCHOOL, is_active=True).order_by(
        "name"
    )
    result = []
    for school in schools:
        school.local_authority = la  # the LA is known: no query per school
        result.append(SchoolToolkit(school, toolkit_for(school), own_choice=bool(school.toolkit)))
    return result


def toolkit_after(organisation: Organisation, toolkit_key: str) -> Toolkit:
    """The toolkit a school would use if its own choice were `toolkit_key` ("" follows its LA)."""
    if toolkit_key:
        return get_toolkit(toolkit_key)
    la = organisation.local_authority if organisation.local_authority_id else None
    return TOOLKITS.get(getattr(la, "toolkit", "") or "") or national_toolkit()


# --- What a change of toolkit does to the register ---------------------------------------------


@dataclass(frozen=True)
class ToolkitChangePreview:
    """What changing a school's toolkit would do, for the confirmation page."""

    school: Organisation
    from_toolkit: Toolkit
    to_toolkit: Toolkit
    toolkit_key: str  # the school's own choice after the change ("" follows its LA)
    mappings: tuple[StageMapping, ...]
    unmappable: tuple[UnmappableStage, ...]

    @property
    def pupils_to_map(self) -> int:
        return sum(m.pupils for m in self.mappings if m.changes)

    @property
    def pupils_unchanged(self) -> int:
        return sum(m.pupils for m in self.mappings if not m.changes)

    @property
    def moves(self) -> list[StageMapping]:
        return [m for m in self.mappings if m.changes]


def preview_school_toolkit_change(school: Organisation, toolkit_key: str) -> ToolkitChangePreview:
    """How many pupils' current stages would be mapped, and to what, if the school chose `toolkit_key`."""
    toolkit_key = (toolkit_key or "").strip()
    to_toolkit = toolkit_after(school, toolkit_key)
    with in_schema_of(school):
        rows = current_stage_counts()
    mappings, unmappable = stage_mappings(rows, to_toolkit)
    return ToolkitChangePreview(
        school=school,
        from_toolkit=toolkit_for(school),
        to_toolkit=to_toolkit,
        toolkit_key=toolkit_key,
        mappings=tuple(mappings),
        unmappable=tuple(unmappable),
    )


@dataclass(frozen=True)
class LocalAuthorityChangePreview:
    la: Organisation
    from_toolkit: Toolkit
    to_toolkit: Toolkit
    toolkit_key: str
    # The schools that follow the LA's default, and what the change does to each.
    schools: tuple[ToolkitChangePreview, ...]
    schools_choosing_own: int

    @property
    def pupils_to_map(self) -> int:
        return sum(s.pupils_to_map for s in self.schools)


def preview_local_authority_toolkit_change(la: Organisation, toolkit_key: str) -> LocalAuthorityChangePreview:
    """What setting the LA's default would do to each school that follows it (one query per such school)."""
    toolkit_key = (toolkit_key or "").strip()
    to_toolkit = get_toolkit(toolkit_key) if toolkit_key else national_toolkit()
    from_toolkit = TOOLKITS.get(la.toolkit) or national_toolkit()
    rows = schools_and_toolkits(la)
    previews = []
    for row in rows:
        if row.own_choice:
            continue
        with in_schema_of(row.school):
            counts = current_stage_counts()
        mappings, unmappable = stage_mappings(counts, to_toolkit)
        previews.append(
            ToolkitChangePreview(row.school, from_toolkit, to_toolkit, "", tuple(mappings), tuple(unmappable))
        )
    return LocalAuthorityChangePreview(
        la=la,
        from_toolkit=from_toolkit,
        to_toolkit=to_toolkit,
        toolkit_key=toolkit_key,
        schools=tuple(previews),
        schools_choosing_own=sum(1 for row in rows if row.own_choice),
    )
