"""School terms and years as the provision map counts them.

English schools set their own term dates, so the map uses fixed calendar spans that hold every
school's terms:

- autumn term: 1 September to 31 December;
- spring term: 1 January to 31 March;
- summer term: 1 April to 31 July.

A school year runs from 1 September to 31 July; August is holiday and costs nothing. A term is
named by the school year it belongs to: "autumn 2025" is September–December 2025, "spring 2026"
and "summer 2026" complete the 2025-26 school year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

TERM_NAMES = ("autumn", "spring", "summer")


@dataclass(frozen=True)
class Term:
    name: str  # autumn, spring or summer
    year_start: int  # the calendar year the school year starts in (September)

    @property
    def starts_on(self) -> datetime.date:
        return {
            "autumn": datetime.date(self.year_start, 9, 1),
            "spring": datetime.date(self.year_start + 1, 1, 1),
            "summer": datetime.date(self.year_start + 1, 4, 1),
        }[self.name]

    @property
    def ends_on(self) -> datetime.date:
        return {
            "autumn": datetime.date(self.year_start, 12, 31),
            "spring": datetime.date(self.year_start + 1, 3, 31),
            "summer": datetime.date(self.year_start + 1, 7, 31),
        }[self.name]

    @property
    def key(self) -> str:
        """As it appears in addresses: autumn-2025, spring-2026."""
        return f"{self.name}-{self.starts_on.year}"

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} term {self.starts_on.year}"

    @property
    def school_year(self) -> SchoolYear:
        return SchoolYear(self.year_start)


@dataclass(frozen=True)
class SchoolYear:
    year_start: int

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.year_start, 9, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.year_start + 1, 7, 31)

    @property
    def label(self) -> str:
        return f"{self.year_start}-{(self.year_start + 1) % 100:02d}"

    @property
    def terms(self) -> list[Term]:
        return [Term(name, self.year_start) for name in TERM_NAMES]


def school_year_of(day: datetime.date) -> SchoolYear:
    """The school year a date falls in (August counts with the year that follows)."""
    return SchoolYear(day.year if day.month >= 8 else day.year - 1)


def term_of(day: datetime.date) -> Term | None:
    """The term a date falls in; None in August."""
    year = school_year_of(day)
    for term in year.terms:
        if term.starts_on <= day <= term.ends_on:
            return term
    return None


def current_term(day: datetime.date) -> Term:
    """The term a date falls in; in August, the autumn term about to start."""
    return term_of(day) or Term("autumn", day.year)


def parse_term(key: str) -> Term | None:
    """A term from its key ("autumn-2025"); None if it is not one."""
    name, _, year = (key or "").partition("-")
    if name not in TERM_NAMES or not year.isdigit() or len(year) != 4:
        return None
    calendar_year = int(year)
    return Term(name, calendar_year if name == "autumn" else calendar_year - 1)
