"""Transfers between phases of education, as pure functions of year groups and dates.

Reg 2 of the SEND Regulations 2014 lists the transfers: early years education to school, infant
to junior school, primary (including first) to middle school, primary to secondary, middle to
secondary, and secondary school to a post-16 institution. A child moves phase when they finish
the last year group of their school, so the school's age range says which year moves: Year 2 of
an infant school, Year 4 of a first school, Year 6 of a primary or junior school, Year 8 of a
middle school, Year 11 (or Year 13 with a sixth form) of a secondary school. An all-through
school has no move at Year 6; a special school records its own range.

Reg 18(1): the plan is reviewed, and amended where necessary to name the next school, before
31 March of the calendar year of the move from secondary school to a post-16 institution, and
before 15 February of the calendar year of the move in any other case.
"""

from __future__ import annotations

import datetime
from typing import Any

from .clock import academic_year_end

YEAR_GROUPS = ("N1", "N2", "R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14")
# Years of a secondary school: leaving after any of them is a move to a post-16 institution (Reg 18(1)(a)).
POST_16_FROM = frozenset({"11", "12", "13", "14"})

# Where nothing is known of the school's range: the commonest pattern (nursery, primary R–6, secondary 7–11).
COMMON_TRANSFER_YEARS = frozenset({"N2", "6", "11"})

# The usual age range of each phase, where the school has not recorded its own.
PHASE_YEAR_RANGES: dict[str, tuple[str, str]] = {
    "nursery": ("N1", "N2"),
    "infant": ("R", "2"),
    "first": ("R", "4"),
    "junior": ("3", "6"),
    "primary": ("R", "6"),
    "middle": ("5", "8"),
    "secondary": ("7", "11"),
    "all_through": ("R", "13"),
}


def year_range(phase: str, first_year: str = "", last_year: str = "") -> tuple[str, str] | None:
    """The school's first and last year groups: as recorded, else the usual ones for its phase."""
    if first_year and last_year:
        return first_year, last_year
    return PHASE_YEAR_RANGES.get(phase)


def moves_phase(nc_year: str, last_year: str) -> bool:
    """A child moves phase at the end of their school's last year group (Reg 2).

    With the school's range unknown (`last_year` empty), the commonest pattern is assumed.
    """
    if not last_year:
        return nc_year in COMMON_TRANSFER_YEARS
    return nc_year == last_year


def transfer_deadline(last_year: str, year_of_move: int) -> datetime.date:
    """Reg 18(1): 31 March for secondary to post-16, 15 February for every other move."""
    if last_year in POST_16_FROM:
        return datetime.date(year_of_move, 3, 31)
    return datetime.date(year_of_move, 2, 15)


def phase_transfer_due(nc_year: str, on: datetime.date, *, last_year: str) -> datetime.date | None:
    """The Reg 18 date for a child in `nc_year` on `on` at a school ending at `last_year`; None if they stay.

    The move happens at the start of the next school year, so its calendar year is the one in
    which the current school year ends.
    """
    if not moves_phase(nc_year, last_year):
        return None
    return transfer_deadline(last_year or nc_year, academic_year_end(on))


def school_last_year(organisation: Any) -> str:
    """The school's last year group (from its recorded range, else its phase); "" when unknown."""
    if organisation is None:
        return ""
    span = year_range(
        getattr(organisation, "phase", ""),
        getattr(organisation, "first_year_group", ""),
        getattr(organisation, "last_year_group", ""),
    )
    return span[1] if span else ""
