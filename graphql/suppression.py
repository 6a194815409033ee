"""Disclosure control: the only place that decides which figures may be shown.

Rules (applied when figures are served; exact counts stay stored):

1. Primary suppression: a count from 1 to 4 is never shown (0 and 5 or more are).
2. Secondary suppression: figures come in tables tied by sums (a total and its parts, e.g. the
   register = SEN Support + EHC plan; or a breakdown by need that adds up to the register).
   Someone who sees some cells of a sum can work out a missing one. So, until nothing small can
   be worked out, another cell of the sum is suppressed: the smallest shown, non-zero one.
   "Worked out" covers a sum with one unknown left (repeatedly, as deduced cells become known)
   and bounds: a "Fewer than 5" cell is 1 to 4, so a sum whose suppressed parts must each be at
   their least (two that add up to 2) or at their greatest (two that add up to 8) gives them away.
   A cell suppressed only to protect others is labelled "Suppressed", not "Fewer than 5" (that
   would tell a reader it is at most 4); a reader still knows it is 0 or at least 5.
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
SUPPRESSED_TEXT = "Fewer than 5"  # a count from 1 to 4 itself
# Anything else not shown: a count suppressed only to protect others, or a rate or amount built
# on a suppressed count. Not "Fewer than 5", which would tell a reader it is at most 4.
WITHHELD_TEXT = "Suppressed"
SUPPRESSED_MARK = "c"  # the mark official statistics use for a confidential cell (CSV and charts)
NOT_AVAILABLE_TEXT = "Not available"


def is_small(value: int | None) -> bool:
    """A count that must not be shown (1 to 4)."""
    return value is not None and 0 < value < SMALLEST_SHOWN


Sum = tuple[str, Sequence[str]]  # (total cell, its part cells)


@dataclass(frozen=True)
class Protected:
    """A table after suppression: the cells that may be shown (None = suppressed, hidden cells left
    out), and which suppressed cells were suppressed only to protect others (labelled differently,
    so that no reader is told they are below 5)."""

    shown: dict[str, int | None]
    secondary: frozenset[str]


def protect(
    cells: Mapping[str, int],
    sums: Sequence[Sum] = (),
    *,
    hidden: Collection[str] = (),
) -> dict[str, int | None]:
    """The cells that may be shown, with None for each suppressed one (hidden cells are left out).

    `sums` say which cells add up to which: each part list must add up exactly to its total.
    """
    return protect_table(cells, sums, hidden=hidden).shown


def protect_table(
    cells: Mapping[str, int],
    sums: Sequence[Sum] = (),
    *,
    hidden: Collection[str] = (),
) -> Protected:
    """As `protect`, also saying which cells were suppressed only to protect others."""
    hidden = frozenset(hidden)
    equations = [(total, tuple(parts)) for total, parts in sums if total in cells and all(p in cells for p in parts)]
    suppressed = {name for name, value in cells.items() if name not in hidden and is_small(value)}
    sensitive = {name for name, value in cells.items() if is_small(value)}

    # Each round suppresses one more cell, so this ends within len(cells) rounds.
    for _ in range(len(cells) + 1):
        leak = _first_leak(cells, equations, hidden, suppressed, sensitive)
        if leak is None:
            break
        candidate = None
        for total, parts in leak:
            candidate = _secondary_candidate(cells, (total, *parts), hidden | suppressed)
            if candidate is not None:
                break
        if candidate is None:
            # Nothing left to suppress in those sums: show nothing of the table rather than risk it,
            # and say "Fewer than 5" of none of it (those labels alone can give the cells away).
            everything = frozenset(name for name in cells if name not in hidden)
            return Protected(shown=dict.fromkeys(everything), secondary=everything)
        suppressed.add(candidate)
    return Protected(
        shown={name: None if name in suppressed else value for name, value in cells.items() if name not in hidden},
        secondary=frozenset(name for name in suppressed if not is_small(cells[name])),
    )


_UNBOUNDED = float("inf")


def _first_leak(
    cells: Mapping[str, int],
    equations: Sequence[tuple[str, tuple[str, ...]]],
    hidden: frozenset[str],
    suppressed: set[str],
    sensitive: set[str],
) -> list[tuple[str, tuple[str, ...]]] | None:
    """The sums through which a small cell can be worked out (the one that gave it away first),
    or None when none can.

    Works as a reader would, with each cell's least and greatest possible value: a shown cell is
    exactly itself; a "Fewer than 5" cell is 1 to 4; a cell suppressed only to protect others is 0
    or at least 5 (the reader knows it is not 1 to 4, or it would say "Fewer than 5"); a hidden
    cell is at least 0. Every sum narrows its cells from the others' bounds (a remainder at the
    others' least, or at their greatest, pins them all), repeatedly, until nothing changes. A small
    cell whose least and greatest meet has been worked out.
    """
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    for name, value in cells.items():
        if name in hidden:
            low[name], high[name] = 0, _UNBOUNDED
        elif name not in suppressed:
            low[name] = high[name] = value
        elif is_small(value):
            low[name], high[name] = 1, SMALLEST_SHOWN - 1
        else:
            low[name], high[name] = 0, _UNBOUNDED
    gapped = {name for name in suppressed if not is_small(cells[name])}

    # Bounds only ever narrow, by at least 1 each time; the cap stops a slow walk down an unbounded pair.
    for _ in range(4 * len(cells) + 8):
        changed = False
        for equation in equations:
            total, parts = equation
            for member in (total, *parts):
                if member == total:
                    least = sum(low[p] for p in parts)
                    most = sum(high[p] for p in parts)
                else:
                    others = [p for p in parts if p != member]
                    least = low[total] - sum(high[p] for p in others)
                    most = high[total] - sum(low[p] for p in others)
                new_low, new_high = max(low[member], least), min(high[member], most)
                if member in gapped:
                    # 0 or at least 5: nothing between.
                    if new_high < SMALLEST_SHOWN:
                        new_high = 0
                    if new_low > 0:
                        new_low = max(new_low, SMALLEST_SHOWN)
                if (new_low, new_high) != (low[member], high[member]):
                    low[member], high[member] = new_low, new_high
                    changed = True
                    if member in sensitive and new_low >= new_high:
                        return [equation, *[e for e in equations if member in (e[0], *e[1]) and e != equation]]
        if not changed:
            return None
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
    small: bool = False  # suppressed because it is a count from 1 to 4 (said as "Fewer than 5")

    @property
    def suppressed(self) -> bool:
        return self.status == "suppressed"

    @property
    def available(self) -> bool:
        return self.status != "not_available"

    def display(self, *, suffix: str = "", money: bool = False) -> str:
        if self.status == "suppressed":
            return SUPPRESSED_TEXT if self.small else WITHHELD_TEXT
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
SUPPRESSED = Figure(None, "suppressed")  # suppressed to protect a small count, or built on one
SMALL_COUNT = Figure(None, "suppressed", small=True)  # a count from 1 to 4


def count_figure(
    protected: Mapping[str, int | None],
    name: str,
    *,
    available: bool = True,
    secondary: Collection[str] = (),
) -> Figure:
    """A served count; `secondary` names the cells suppressed only to protect others."""
    if not available or name not in protected:
        return NOT_AVAILABLE
    value = protected[name]
    if value is None:
        return SUPPRESSED if name in secondary else SMALL_COUNT
    return Figure(value, "shown")


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
