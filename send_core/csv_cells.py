"""Cells for CSV files a spreadsheet will open.

A cell that starts with = + - @, a tab or a carriage return can be run as a formula when the file
is opened in Excel or LibreOffice, so text from the database (a pupil's name, a group's name) is
written with a leading apostrophe, which spreadsheets show as plain text. Numbers are left alone.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet will show it, never run it: text starting with a formula
    character gets a leading apostrophe; anything that is not text is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def safe_row(values: list[Any]) -> list[Any]:
    """A row of cells, each made safe."""
    return [safe_cell(value) for value in values]
