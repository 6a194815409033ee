"""Small counts on a school's own pages, for the roles that see figures but no child (governors,
business managers). Pure functions: no database, no Django.

The rules are the reporting API's (graphql/suppression.py), which send_core may not import:

1. A count from 1 to 4 reads "Fewer than 5" (0 and 5 or more are shown).
2. Where counts add up to a total, a reader who sees the total and all but one part could work out
   the missing part; and two "Fewer than 5" parts whose sum is known to be 2 (or 8) must each be 1
   (or 4). Until nothing small can be worked out, another cell of the sum is withheld: the smallest
   shown non-zero one. It reads "Suppressed", not "Fewer than 5" (that would say it is at most 4).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

SMALLEST_SHOWN = 5
FEWER_THAN_5 = "Fewer than 5"
SUPPRESSED = "Suppressed"

Sum = tuple[str, Sequence[str]]  # (total cell, its part cells): the parts add up exactly to the total
_UNBOUNDED = 10**12


def is_small(count: int) -> bool:
    return 0 < count < SMALLEST_SHOWN


def protect_counts(
    cells: Mapping[str, int], sums: Sequence[Sum] = (), *, hidden: Collection[str] = ()
) -> dict[str, int | str]:
    """Each cell as a figures-only reader may see it: the count, "Fewer than 5" or "Suppressed".

    `hidden` cells are never shown but take part in sums (e.g. pupils with no need recorded); they
    are left out of the answer."""
    hidden = frozenset(hidden)
    equations = [(total, tuple(parts)) for total, parts in sums if total in cells and all(p in cells for p in parts)]
    primary = {name for name, count in cells.items() if name not in hidden and is_small(count)}
    secondary: set[str] = set()
    for _ in range(len(cells) + 1):
        leaking = _leaking_cells(cells, equations, primary, secondary, hidden)
        if leaking is None:
            break
        shown = [name for name in leaking if name not in primary | secondary | hidden and cells[name] > 0]
        if not shown:  # nothing left to withhold in those sums: withhold the whole table
            return {name: SUPPRESSED for name in cells if name not in hidden}
        secondary.add(min(shown, key=lambda name: (cells[name], name)))
    return {
        name: FEWER_THAN_5 if name in primary else SUPPRESSED if name in secondary else count
        for name, count in cells.items()
        if name not in hidden
    }


def _leaking_cells(
    cells: Mapping[str, int],
    equations: Sequence[tuple[str, tuple[str, ...]]],
    primary: set[str],
    secondary: set[str],
    hidden: frozenset[str],
) -> set[str] | None:
    """None when no "Fewer than 5" cell can be worked out exactly; otherwise the cells of every sum
    that pins a withheld cell (withholding the smallest shown one of them is the cheapest repair).

    Narrows each cell's least and greatest possible value as a reader would (shown: itself; "Fewer
    than 5": 1 to 4; "Suppressed": 0 or at least 5; hidden: at least 0) through every sum, until
    nothing changes."""
    low: dict[str, int] = {}
    high: dict[str, int] = {}
    for name, count in cells.items():
        if name in primary:
            low[name], high[name] = 1, SMALLEST_SHOWN - 1
        elif name in secondary or name in hidden:
            low[name], high[name] = 0, _UNBOUNDED
        else:
            low[name] = high[name] = count
    for _ in range(4 * len(cells) + 4):
        changed = False
        for total, parts in equations:
            # total = sum(parts): each cell is bounded by the others.
            for name in (total, *parts):
                if name == total:
                    least, most = sum(low[p] for p in parts), sum(high[p] for p in parts)
                else:
                    others = [p for p in parts if p != name]
                    least = low[total] - sum(high[p] for p in others)
                    most = high[total] - sum(low[p] for p in others)
                new_low, new_high = max(low[name], least), min(high[name], most)
                if name in secondary:  # never 1 to 4, or it would read "Fewer than 5"
                    new_low = SMALLEST_SHOWN if 0 < new_low < SMALLEST_SHOWN else new_low
                    new_high = 0 if new_high < SMALLEST_SHOWN else new_high
                if (new_low, new_high) != (low[name], high[name]):
                    low[name], high[name], changed = new_low, new_high, True
        if not changed:
            break
    pinned = {name for name in primary | secondary | hidden if low[name] == high[name]}
    if not pinned & primary:
        return None
    return {name for total, parts in equations if pinned & {total, *parts} for name in (total, *parts)}
