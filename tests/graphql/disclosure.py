"""An attacker's view of served figures, worked independently of the suppression module.

Given the sums a table obeys and what was shown, can any cell from 1 to 4 be worked out?
Two ways are tried: exact linear algebra over every sum at once (reduced row echelon form over
the fractions: a cell is worked out when a row of the reduced system is that cell alone), and
bounds (suppressed cells are at least 1, hidden ones at least 0: a sum whose unknowns can only
be at their least gives them all away).
"""

from __future__ import annotations

from fractions import Fraction


def determined_cells(cells: dict[str, int], sums, shown: dict[str, int | None], hidden=(), secondary=None) -> set[str]:
    """Cells whose exact value follows from the shown figures and the sums.

    `secondary`: the suppressed cells labelled "Suppressed" rather than "Fewer than 5" (by default,
    those that are not 1 to 4).
    """
    hidden = set(hidden)
    unknown = [name for name in cells if name in hidden or shown.get(name) is None]
    index = {name: i for i, name in enumerate(unknown)}
    rows = []
    for total, parts in sums:
        coeffs = [Fraction(0)] * (len(unknown) + 1)
        for name, sign in [(total, 1), *[(p, -1) for p in parts]]:
            if name in index:
                coeffs[index[name]] += sign
            else:
                coeffs[-1] -= sign * shown[name]
        rows.append(coeffs)
    found = set()
    for row in _rref(rows, len(unknown)):
        nonzero = [i for i in range(len(unknown)) if row[i] != 0]
        if len(nonzero) == 1:
            found.add(unknown[nonzero[0]])
    if secondary is None:
        secondary = {n for n in cells if n not in hidden and shown.get(n) is None and not 0 < cells[n] < 5}
    found |= _pinned_by_bounds(cells, sums, shown, hidden, set(secondary))
    return found


def _pinned_by_bounds(cells, sums, shown, hidden, secondary) -> set[str]:
    """Cells whose least and greatest possible values meet, reasoning over every sum repeatedly.

    What the reader is told: a shown cell is itself; "Fewer than 5" is 1 to 4; any other suppressed
    cell ("Suppressed") is 0 or at least 5, as it is not 1 to 4; a hidden cell is at least 0. When
    nothing at all is shown and nothing says "Fewer than 5", "Suppressed" says nothing more.
    """
    suppressed = {n for n in cells if n not in hidden and shown.get(n) is None}
    whole_table = suppressed == set(cells) - set(hidden) and suppressed <= secondary
    big = 10**9
    bounds = {}
    for name in cells:
        if name in hidden:
            bounds[name] = [0, big]
        elif shown.get(name) is not None:
            bounds[name] = [shown[name], shown[name]]
        elif name not in secondary:
            bounds[name] = [1, 4]
        else:
            bounds[name] = [0, big]
    labelled_not_small = set() if whole_table else suppressed & secondary
    for _ in range(200):
        before = {n: tuple(b) for n, b in bounds.items()}
        for total, parts in sums:
            lo_parts = sum(bounds[p][0] for p in parts)
            hi_parts = sum(bounds[p][1] for p in parts)
            t = bounds[total]
            t[0], t[1] = max(t[0], lo_parts), min(t[1], hi_parts)
            for p in parts:
                b = bounds[p]
                b[0] = max(b[0], t[0] - (hi_parts - bounds[p][1]))
                b[1] = min(b[1], t[1] - (lo_parts - bounds[p][0]))
        for n in labelled_not_small:
            b = bounds[n]
            if b[1] < 5:
                b[1] = 0
            if b[0] > 0:
                b[0] = max(b[0], 5)
        if before == {n: tuple(b) for n, b in bounds.items()}:
            break
    return {n for n, (lo, hi) in bounds.items() if lo == hi and (n in hidden or shown.get(n) is None)}


def _rref(rows, width):
    rows = [list(r) for r in rows]
    pivot_row = 0
    for col in range(width):
        pick = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pick is None:
            continue
        rows[pivot_row], rows[pick] = rows[pick], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    return rows[:pivot_row]


def small_cells_recovered(cells, sums, shown, hidden=(), secondary=None) -> set[str]:
    """The cells from 1 to 4 an attacker can work out (must always be empty)."""
    return {c for c in determined_cells(cells, sums, shown, hidden, secondary) if 0 < cells[c] < 5}
