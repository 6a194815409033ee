"""An attacker's view of served figures, worked independently of the suppression module.

Given the sums a table obeys and what was shown, can any cell from 1 to 4 be worked out?
Two ways are tried: exact linear algebra over every sum at once (reduced row echelon form over
the fractions: a cell is worked out when a row of the reduced system is that cell alone), and
bounds (suppressed cells are at least 1, hidden ones at least 0: a sum whose unknowns can only
be at their least gives them all away).
"""

from __future__ import annotations

from fractions import Fraction


def determined_cells(cells: dict[str, int], sums, shown: dict[str, int | None], hidden=()) -> set[str]:
    """Cells whose exact value follows from the shown figures and the sums."""
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
    # Bounds: one sum at a time.
    for total, parts in sums:
        if total in index:
            continue
        members = [p for p in parts if p in index]
        if len(members) < 2:
            continue
        left = shown[total] - sum(shown[p] for p in parts if p not in index)
        least = sum(0 if p in hidden else 1 for p in members)
        if left <= least:
            found.update(members)
    return found


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


def small_cells_recovered(cells, sums, shown, hidden=()) -> set[str]:
    """The cells from 1 to 4 an attacker can work out (must always be empty)."""
    return {c for c in determined_cells(cells, sums, shown, hidden) if 0 < cells[c] < 5}
