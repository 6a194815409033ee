"""CSV files never carry a cell a spreadsheet would run as a formula."""

from __future__ import annotations

import pytest

from send_core.csv_cells import safe_cell


@pytest.mark.parametrize(
    "value, written",
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+44 7700", "'+44 7700"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Amara Okafor", "Amara Okafor"),
        ("", ""),
        (12, 12),
    ],
)
def test_a_cell_that_starts_like_a_formula_is_written_as_text(value, written):
    assert safe_cell(value) == written
