"""An attacker's view of served figures, worked independently of the suppression module.

Given the sums a table obeys and what was served, which cells from 1 to 4 can be worked out? For
every cell not shown, the least and the greatest value it can take over all non-negative integer
tables consistent with what was served are found with an integer program (scipy's HiGHS): two
solves per cell. What was served: a shown cell is itself; "Fewer than 5" is 1 to 4; "Suppressed"
(`secondary`) is 0 or at least 5, and at least 5 if its key is listed (`listed`: a listed key is
at least 1); a hidden cell is at least 0; every sum holds. When nothing at all is shown and
nothing says "Fewer than 5", "Suppressed" says nothing more (listed keys are still at least 1).
A cell from 1 to 4 whose least and greatest meet has been worked out.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

CAP = 10**5  # far above any count here; stands in for "no upper bound"


def feasible_ranges(cells, sums, shown, hidden=(), secondary=None, listed=None) -> dict[str, tuple[int, int]]:
    """The least and greatest value of each cell not shown, over every table the reader cannot rule out."""
    hidden = set(hidden)
    names = list(cells)
    unknown = [n for n in names if n in hidden or shown.get(n) is None]
    if secondary is None:
        secondary = {n for n in unknown if n not in hidden and not 0 < cells[n] < 5}
    if listed is None:
        listed = {n for n in names if ":" in n and n not in hidden and cells[n] > 0}
    suppressed = {n for n in names if n not in hidden and shown.get(n) is None}
    whole_table = suppressed == set(names) - hidden and suppressed <= set(secondary)
    index = {n: i for i, n in enumerate(names)}
    gap = [n for n in suppressed if n in secondary and not whole_table and n not in listed]
    width = len(names) + len(gap)
    low, high = np.zeros(width), np.full(width, float(CAP))
    for n in names:
        i = index[n]
        if n in hidden:
            continue
        if shown.get(n) is not None:
            low[i] = high[i] = shown[n]
        elif whole_table:
            low[i] = 1 if n in listed else 0
        elif n not in secondary:
            low[i], high[i] = 1, 4
        elif n in listed:
            low[i] = 5
    high[len(names) :] = 1
    rows, lo_rows, hi_rows = [], [], []
    for total, parts in sums:
        row = np.zeros(width)
        row[index[total]] += 1
        for p in parts:
            row[index[p]] -= 1
        rows.append(row)
        lo_rows.append(0)
        hi_rows.append(0)
    for k, n in enumerate(gap):
        switch = len(names) + k
        on = np.zeros(width)
        on[index[n]], on[switch] = 1, -5  # on: at least 5
        rows.append(on)
        lo_rows.append(0)
        hi_rows.append(np.inf)
        off = np.zeros(width)
        off[index[n]], off[switch] = 1, -CAP  # off: 0
        rows.append(off)
        lo_rows.append(-np.inf)
        hi_rows.append(0)
    constraints = [LinearConstraint(np.array(rows), lo_rows, hi_rows)] if rows else []
    ranges = {}
    for n in unknown:
        found = []
        for sign in (1, -1):
            objective = np.zeros(width)
            objective[index[n]] = sign
            result = milp(objective, constraints=constraints, integrality=np.ones(width), bounds=Bounds(low, high))
            assert result.status == 0, f"the served table is inconsistent with the truth ({result.message})"
            found.append(round(result.x[index[n]]))
        ranges[n] = (found[0], found[1])
    return ranges


def small_cells_recovered(cells, sums, shown, hidden=(), secondary=None, listed=None) -> set[str]:
    """The cells from 1 to 4 an attacker can pin to one value (must always be empty)."""
    ranges = feasible_ranges(cells, sums, shown, hidden, secondary, listed)
    return {n for n, (least, most) in ranges.items() if 0 < cells[n] < 5 and least == most}
