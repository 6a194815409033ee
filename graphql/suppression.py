"""Disclosure control: the only place that decides which figures may be shown.

Rules (applied when figures are served; exact counts stay stored):

1. Primary suppression: a count from 1 to 4 is never shown (0 and 5 or more are).
2. Secondary suppression: figures come in tables tied by sums (a total and its parts, e.g. the
   register = SEN Support + EHC plan; or a breakdown by need that adds up to the register).
   Someone who sees some cells of a sum can work out a missing one. So, until nothing small can
   be worked out, another cell of the sum is suppressed: the smallest shown, non-zero one.
   "Worked out" covers a sum with one unknown left (repeatedly, as deduced cells become known)
   and a sum whose unknown cells must each be at their least (every suppressed cell is at least
   1, so two suppressed cells that add up to 2 are both 1).
3. Rates and amounts built on a suppressed count are suppressed too.

Some cells are never shown but take part in sums (`hidden`: e.g. reviews that were late, which
is the plans due less those on time). They are protected like any other: if one is small, the
figures it could be worked out from are suppressed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SMALLEST_SHOWN = 5
SUPPRESSED_TEXT = "Fewer than 5"
SUPPRESSED_MARK = "c"  # the mark official statistics use for a confidential cell (CSV and charts)
NOT_AVAILABLE_TEXT = "Not available"


def is_small(value: int | None) -> bool:
    """A count that must not be shown (1 to 4)."""
    return value is not None and 0 < value < SMALLEST_SHOWN


Sum = tuple[str, Sequence[str]]  # (total cell, its part cells)


def protect(
    cells: Mapping[str, int],
    sums: Sequence[Sum] = (),
    *,
    hidden: Collection[str] = (),
) -> dict[str, int | None]:
    """The cells that may be shown, with None for each suppressed one (hidden cells are left out).

    `sums` say which cells add up to which: each part list must add up exactly to its total.
    """
    hidden = frozenset(hidden)
    equations = [(total, tuple(parts)) for total, parts in sums if total in cells and all(p in cells for p in parts)]
    suppressed = {name for name, value in cells.items() if name not in hidden and is_small(value)}
    sensitive = {name for name, value in cells.items() if is_small(value)}

    # Each round suppresses one more cell, so this ends within len(cells) rounds.
    for _ in range(len(cells) + 1):
        leak = _first_leak(cells, equations, hidden, suppressed, sensitive)
        if leak is None:
            break
        members = (leak[0], *leak[1])
        candidate = _secondary_candidate(cells, members, hidden | suppressed)
        if candidate is None:
            # Nothing left to suppress in that sum: show nothing of the table rather than risk it.
            suppressed = {name for name in cells if name not in hidden}
            break
        suppressed.add(candidate)
    return {name: None if name in suppressed else value for name, value in cells.items() if name not in hidden}


def _first_leak(
    cells: Mapping[str, int],
    equations: Sequence[tuple[str, tuple[str, ...]]],
    hidden: frozenset[str],
    suppressed: set[str],
    sensitive: set[str],
) -> tuple[str, tuple[str, ...]] | None:
    """The first sum through which a small cell can be worked out, or None when none can."""
    known = {name for name in cells if name not in hidden and name not in suppressed}
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            members = (total, *parts)
            unknown = [m for m in members if m not in known]
            if len(unknown) == 1:
                if unknown[0] in sensitive:
                    return total, parts
                known.add(unknown[0])
                changed = True
            elif len(unknown) > 1 and total in known:
                # Every suppressed cell is at least 1 (hidden ones at least 0): if the unknown
                # parts add up to no more than that, each is at its least and so known.
                left = cells[total] - sum(cells[p] for p in parts if p in known)
                least = sum(0 if p in hidden else 1 for p in unknown)
                if left <= least:
                    if any(p in sensitive for p in unknown):
                        return total, parts
                    known.update(unknown)
                    changed = True
    return None


def _secondary_candidate(cells: Mapping[str, int], members: Sequence[str], unavailable: Collection[str]) -> str | None:
    """The cell of a sum to suppress next: the smallest shown non-zero one (a zero only if nothing else)."""
    shown = [m for m in members if m not in unavailable]
    if not shown:
        return None
    non_zero = [m for m in shown if cells[m] > 0]
    pool = non_zero or shown
    return min(pool, key=lambda m: (cells[m], m))


# --- Served figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A figure as served: its value, or why it is not shown."""

    value: int | Decimal | None
    status: str  # "shown" | "suppressed" | "not_available"

    @property
    def suppressed(self) -> bool:
        return self.status == "suppressed"

    @property
    def available(self) -> bool:
        return self.status != "not_available"

    def display(self, *, suffix: str = "", money: bool = False) -> str:
        if self.status == "suppressed":
            return SUPPRESSED_TEXT
        if self.status == "not_available":
            return NOT_AVAILABLE_TEXT
        if money:
            return f"£{self.value:,.0f}"
        return f"{self.value}{suffix}"

    def csv(self) -> str:
        if self.status == "suppressed":
            return SUPPRESSED_MARK
        if self.status == "not_available":
            return ""
        return str(self.value)


NOT_AVAILABLE = Figure(None, "not_available")
SUPPRESSED = Figure(None, "suppressed")


def count_figure(protected: Mapping[str, int | None], name: str, *, available: bool = True) -> Figure:
    if not available or name not in protected:
        return NOT_AVAILABLE
    value = protected[name]
    return SUPPRESSED if value is None else Figure(value, "shown")


def rate_figure(numerator: Figure, denominator: Figure, *, places: int = 1) -> Figure:
    """A percentage built from two served counts: suppressed if either is (never from exact counts)."""
    if not numerator.available or not denominator.available:
        return NOT_AVAILABLE
    if numerator.suppressed or denominator.suppressed:
        return SUPPRESSED
    if not denominator.value:
        return NOT_AVAILABLE
    percent = Decimal(numerator.value) * 100 / Decimal(denominator.value)
    return Figure(percent.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "shown")


def amount_per_figure(amount: Decimal | None, per: Figure) -> Figure:
    """An amount per pupil: suppressed when the number of pupils is."""
    if amount is None or not per.available:
        return NOT_AVAILABLE
    if per.suppressed:
        return SUPPRESSED
    if not per.value:
        return NOT_AVAILABLE
    return Figure((Decimal(amount) / per.value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "shown")
