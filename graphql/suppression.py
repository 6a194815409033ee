"""Disclosure control: the only place that decides which figures may be shown.

Rules (applied when figures are served; exact counts stay stored):

1. Primary suppression: a count from 1 to 4 is never shown (0 and 5 or more are). It is served
   as "Fewer than 5", so a reader knows it is 1 to 4.
2. Secondary suppression, decided exactly. Figures come in tables tied by sums (a total and its
   parts, e.g. the register = SEN Support + EHC plan; a breakdown by need that adds up to the
   register; two breakdowns sharing a total). What a reader knows is written down as integer
   constraints: a shown cell is itself; "Fewer than 5" is 1 to 4; a cell suppressed only to
   protect others ("Suppressed") is 0 or at least 5, and at least 5 if it is a listed breakdown key
   (a key is listed only when someone has it, so it is at least 1); a cell never shown (`hidden`)
   is at least 0; every sum holds. This is cell suppression as in tau-ARGUS (Hundepool et al.,
   Statistical Disclosure Control, 2012, ch. 4): the attacker's feasible set is every
   non-negative integer table satisfying those constraints, searched with an integer program
   (HiGHS, through highspy), not with interval bounds, so gaps (two "Suppressed" cells adding
   to 5 can only be 5 + 0) and listed keys are reasoned over exactly.
   A table is protected when no cell whose true count is 1 to 4 ("Fewer than 5", or hidden) is
   pinned: the feasible set holds another value for it. (The stricter "a value 5 away, or the
   whole 0 to 4" cannot hold for a hidden cell between two "Fewer than 5" cells, e.g. late reviews
   = due - on time with both 1 to 4, and would blank every such table; not pinned is at least what
   a "Fewer than 5" label itself tells.)
   Secondary cells are chosen greedily at least cost, where cost is the count suppressed (each
   cell at least 1: tau-ARGUS's "cell value" information loss): while a cell is unprotected, the
   cheapest shown cell of its connected sums that protects it is suppressed (or, if none alone
   does, the cheapest in its own sums); then any secondary cell whose removal keeps the table
   protected is shown again, dearest first, so no secondary suppression is superfluous.
   If even suppressing everything would leave a cell pinned (e.g. four "Fewer than 5" parts of a
   "Fewer than 5" total), nothing of the table is shown and nothing is said "Fewer than 5": with no
   figure and no label, every sum scales freely and nothing is pinned.
3. Rates and amounts built on a suppressed count are suppressed too.

What one call cannot see: tables served in separate calls that share cells (pass them as one
call with all their sums), and differences between month-ends (each month-end is decided alone).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import highspy
import numpy as np

SMALLEST_SHOWN = 5
SUPPRESSED_TEXT = "Fewer than 5"  # a count from 1 to 4 itself
# Anything else not shown: a count suppressed only to protect others, or a rate or amount built
# on a suppressed count. Not "Fewer than 5", which would tell a reader it is at most 4.
WITHHELD_TEXT = "Suppressed"
SUPPRESSED_MARK = "c"  # the mark official statistics use for a confidential cell (CSV and charts)
NOT_AVAILABLE_TEXT = "Not available"
LISTED_KEY_SEPARATOR = ":"  # breakdown cells are named "<breakdown>:<key>" (e.g. "year:3")


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
    listed: Collection[str] | None = None,
) -> dict[str, int | None]:
    """The cells that may be shown, with None for each suppressed one (hidden cells are left out).

    `sums` say which cells add up to which: each part list must add up exactly to its total.
    `listed`: the cells a reader knows are at least 1 because their key is listed (by default the
    breakdown cells, named "<breakdown>:<key>", that are shown or suppressed and not 0).
    """
    return protect_table(cells, sums, hidden=hidden, listed=listed).shown


def protect_table(
    cells: Mapping[str, int],
    sums: Sequence[Sum] = (),
    *,
    hidden: Collection[str] = (),
    listed: Collection[str] | None = None,
) -> Protected:
    """As `protect`, also saying which cells were suppressed only to protect others."""
    hidden = frozenset(hidden)
    if listed is None:
        listed = {n for n in cells if LISTED_KEY_SEPARATOR in n}
    listed = frozenset(n for n in listed if n in cells and n not in hidden and cells[n] > 0)
    equations = [(total, tuple(parts)) for total, parts in sums if total in cells and all(p in cells for p in parts)]
    reader = _Reader(cells, equations, hidden, listed)
    suppressed = {name for name, value in cells.items() if name not in hidden and is_small(value)}
    if not reader.sensitive:
        return _protected(cells, hidden, suppressed)
    everything = frozenset(name for name in cells if name not in hidden)
    fallback = Protected(shown=dict.fromkeys(everything), secondary=everything)

    # Each round suppresses one more cell, so this ends within len(cells) rounds.
    last = None
    for _ in range(len(cells) + 1):
        exposed = reader.first_unprotected(suppressed)
        if exposed is None:
            break
        last = _secondary_candidate(reader, suppressed, exposed)
        if last is None:
            return fallback
        suppressed.add(last)
    else:
        return fallback

    # Show again any secondary cell the others already cover, dearest first. The last one added is
    # always needed: without it the table was not protected.
    for name in sorted(suppressed - reader.primary - {last}, key=lambda n: (-_cost(cells, n), n)):
        if reader.first_unprotected(suppressed - {name}) is None:
            suppressed.discard(name)
    return _protected(cells, hidden, suppressed)


def _protected(cells: Mapping[str, int], hidden: frozenset[str], suppressed: set[str]) -> Protected:
    return Protected(
        shown={name: None if name in suppressed else value for name, value in cells.items() if name not in hidden},
        secondary=frozenset(name for name in suppressed if not is_small(cells[name])),
    )


def _cost(cells: Mapping[str, int], name: str) -> int:
    """Information lost by suppressing a cell: its count, and at least 1 (a suppressed 0 still hides a cell)."""
    return max(cells[name], 1)


def _secondary_candidate(reader: _Reader, suppressed: set[str], exposed: str) -> str | None:
    """The cheapest shown cell whose suppression protects `exposed`, from the sums connected to it;
    if no single one does, the cheapest shown cell of a sum `exposed` is in, else the cheapest
    connected one (None if nothing connected is shown)."""
    cells = reader.cells
    reachable = reader.connected(exposed)
    shown = sorted(
        (n for n in reachable if n not in suppressed and n not in reader.hidden), key=lambda n: (_cost(cells, n), n)
    )
    for name in shown:
        if reader.protects(suppressed | {name}, exposed):
            return name
    neighbours = reader.neighbours(exposed)
    return next((n for n in shown if n in neighbours), shown[0] if shown else None)


class _Reader:
    """What a reader can work out from a served table, as an integer program over the cells.

    Variables: one per cell, in table order, then one binary per "Suppressed" cell not known to be
    at least 1 (it is 0, or 5 and over). Constraints: every sum (total - parts = 0). Bounds: as the
    labels tell (see the module docstring). A cap far above any real count stands in for "no
    upper bound"; it can only shrink the feasible set, so it never makes a cell look protected
    that is not.
    """

    def __init__(
        self,
        cells: Mapping[str, int],
        equations: Sequence[tuple[str, tuple[str, ...]]],
        hidden: frozenset[str],
        listed: frozenset[str],
    ) -> None:
        self.cells = dict(cells)
        self.names = list(cells)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.equations = equations
        self.hidden = hidden
        self.listed = listed
        self.primary = frozenset(n for n, v in cells.items() if n not in hidden and is_small(v))
        # Only cells in some sum can be worked out; a lone small cell is protected by its label.
        in_sums = {n for total, parts in equations for n in (total, *parts)}
        self.sensitive = [n for n in self.names if is_small(cells[n]) and n in in_sums]
        self.cap = 2 * sum(max(v, 0) for v in cells.values()) + 10 * SMALLEST_SHOWN
        self.truth = np.array([float(cells[n]) for n in self.names])
        rows = np.zeros((len(equations), len(self.names)))
        for r, (total, parts) in enumerate(equations):
            rows[r, self.index[total]] += 1
            for p in parts:
                rows[r, self.index[p]] -= 1
        self.rows = rows
        # Tables found so far that satisfy every sum; each is reused by any choice of suppressed cells
        # it is consistent with (a witness for one choice is one for any choice that hides more).
        self.witnesses: list[np.ndarray] = []
        self._links: dict[str, set[str]] = {n: set() for n in self.names}
        for total, parts in equations:
            members = {total, *parts}
            for m in members:
                self._links[m] |= members - {m}

    def neighbours(self, name: str) -> set[str]:
        return self._links[name]

    def connected(self, name: str) -> set[str]:
        seen, todo = {name}, [name]
        while todo:
            for n in self._links[todo.pop()]:
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return seen

    def first_unprotected(self, suppressed: set[str]) -> str | None:
        """The first small cell a reader could work out too closely, or None when the table is protected."""
        model = _Model(self, suppressed)
        for name in self.sensitive:
            if (name in suppressed or name in self.hidden) and not model.protected(name):
                return name
            if name not in suppressed and name not in self.hidden:
                return name  # shown: never meant to happen, but never let it pass
        return None

    def protects(self, suppressed: set[str], name: str) -> bool:
        return _Model(self, suppressed).protected(name)


# One HiGHS instance per thread, reused (each new one prints a banner, and a model is cheap to pass).
_solver = threading.local()


def _highs() -> highspy.Highs:
    highs = getattr(_solver, "highs", None)
    if highs is None:
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", 1)
        _solver.highs = highs
    return highs


def _program(
    rows: np.ndarray, row_lower: np.ndarray, row_upper: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> highspy.HighsLp:
    """A feasibility program (no objective) over integers: row_lower <= rows @ x <= row_upper, lower <= x <= upper."""
    program = highspy.HighsLp()
    program.num_col_, program.num_row_ = len(lower), len(rows)
    program.col_cost_ = np.zeros(len(lower))
    program.col_lower_, program.col_upper_ = lower, upper
    program.row_lower_, program.row_upper_ = row_lower, row_upper
    columns, entries = np.nonzero(rows.reshape(len(rows), len(lower)).T)  # column by column
    program.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    program.a_matrix_.start_ = np.searchsorted(columns, np.arange(len(lower) + 1)).astype(np.int32)
    program.a_matrix_.index_ = entries.astype(np.int32)
    program.a_matrix_.value_ = rows[entries, columns].astype(float)
    program.a_matrix_.num_col_, program.a_matrix_.num_row_ = len(lower), len(rows)
    program.integrality_ = [highspy.HighsVarType.kInteger] * len(lower)
    return program


class _Model:
    """The reader's integer program for one choice of suppressed cells, with the solutions found so
    far kept as witnesses (a witness that already moves a cell saves a solve)."""

    def __init__(self, reader: _Reader, suppressed: set[str]) -> None:
        self.reader = reader
        n = len(reader.names)
        lower = np.zeros(n)
        upper = np.full(n, float(reader.cap))
        gapped = []
        for name, i in reader.index.items():
            value = reader.cells[name]
            if name in reader.hidden:
                continue
            if name not in suppressed:
                lower[i] = upper[i] = value
            elif is_small(value):
                lower[i], upper[i] = 1, SMALLEST_SHOWN - 1
            elif name in reader.listed:
                lower[i] = SMALLEST_SHOWN  # at least 1, and not 1 to 4
            else:
                gapped.append(i)
        width = n + len(gapped)
        rows = np.zeros((len(reader.equations) + 2 * len(gapped), width))
        rows[: len(reader.equations), :n] = reader.rows
        row_lower = np.zeros(len(rows))
        row_upper = np.zeros(len(rows))
        for k, i in enumerate(gapped):
            # "Suppressed": x = 0 when the switch is off, 5 <= x <= cap when it is on.
            r = len(reader.equations) + 2 * k
            rows[r, i], rows[r, n + k] = 1, -SMALLEST_SHOWN
            row_lower[r], row_upper[r] = 0, np.inf
            rows[r + 1, i], rows[r + 1, n + k] = 1, -reader.cap
            row_lower[r + 1], row_upper[r + 1] = -np.inf, 0
        self.lower = np.concatenate([lower, np.zeros(len(gapped))])
        self.upper = np.concatenate([upper, np.ones(len(gapped))])
        self.program = _program(rows, row_lower, row_upper, self.lower, self.upper)
        self.gapped = np.array(gapped, dtype=int)
        self.witnesses = [reader.truth, *(w for w in reader.witnesses if self._consistent(w))]

    def _consistent(self, table: np.ndarray) -> bool:
        """Whether a table (that satisfies every sum) is one this reader cannot rule out."""
        n = len(self.reader.names)
        if np.any(table < self.lower[:n]) or np.any(table > self.upper[:n]):
            return False
        values = table[self.gapped] if len(self.gapped) else table[:0]
        return not np.any((values > 0) & (values < SMALLEST_SHOWN))

    def _witness(self, i: int, low: float, high: float) -> bool:
        """Whether some table the reader cannot rule out has cell i between low and high."""
        if any(low <= w[i] <= high for w in self.witnesses):
            return True
        low, high = max(low, self.lower[i]), min(high, self.upper[i])
        if low > high:
            return False
        highs = _highs()
        if getattr(_solver, "program", None) is not self.program:
            highs.passModel(self.program)
            _solver.program = self.program
        highs.changeColBounds(i, low, high)
        try:
            highs.run()
            # Anything but a solution (infeasible, or a limit reached) counts as none: safe, as it
            # can only make a cell look pinned and so suppress more.
            if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return False
            solution = np.array(highs.getSolution().col_value)
        finally:
            highs.changeColBounds(i, self.lower[i], self.upper[i])
        table = np.round(solution[: len(self.reader.names)])
        self.witnesses.append(table)
        self.reader.witnesses.append(table)
        return True

    def protected(self, name: str) -> bool:
        """Whether the reader cannot pin the cell: some table they cannot rule out gives it another value."""
        i = self.reader.index[name]
        value = self.reader.cells[name]
        return self._witness(i, value + 1, np.inf) or self._witness(i, -np.inf, value - 1)


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
