"""Small counts withheld from figures-only readers, checked on tables worked by hand."""

from __future__ import annotations

import datetime

from send_core.disclosure import FEWER_THAN_5, SUPPRESSED, protect_counts
from send_core.selectors.register import last_month_end


def test_nothing_small_is_shown_exactly():
    assert protect_counts({"total": 10, "K": 5, "E": 5}, [("total", ["K", "E"])]) == {"total": 10, "K": 5, "E": 5}
    assert protect_counts({"alone": 4}) == {"alone": FEWER_THAN_5}
    assert protect_counts({"alone": 0}) == {"alone": 0}


def test_a_total_with_one_other_cell_is_withheld():
    # 12 on the register, 9 at K, 3 at E: with 12 and 9 shown, E = 12 - 9 = 3. So K is withheld too;
    # then K = 12 - E is 8 to 11 and E = 12 - K is 1 to 4 (K is 0 or 5+): nothing is pinned.
    assert protect_counts({"register": 12, "K": 9, "E": 3}, [("register", ["K", "E"])]) == {
        "register": 12,
        "K": SUPPRESSED,
        "E": FEWER_THAN_5,
    }


def test_two_small_cells_whose_sum_is_known_to_be_two():
    # 20 = A + B + C with A = B = 1: showing C = 18 says A + B = 2, so each is 1. C is withheld;
    # then C is at most 18, A + B at least 2 and at most 8: nothing is pinned.
    shown = protect_counts({"all": 20, "A": 1, "B": 1, "C": 18}, [("all", ["A", "B", "C"])])
    assert shown == {"all": 20, "A": FEWER_THAN_5, "B": FEWER_THAN_5, "C": SUPPRESSED}


def test_a_withheld_cell_is_known_not_to_be_one_to_four():
    # 6 = A + B with A = 1, B = 5. Withholding B alone fails: B = 6 - A is 2 to 5, and a reader knows
    # a withheld cell is 0 or at least 5, so B = 5 and A = 1. The total must go as well.
    assert protect_counts({"all": 6, "A": 1, "B": 5}, [("all", ["A", "B"])]) == {
        "all": SUPPRESSED,
        "A": FEWER_THAN_5,
        "B": SUPPRESSED,
    }


def test_a_hidden_cell_takes_part_but_is_never_shown():
    # 10 on the register: 6 SPLD, 3 ASD, 1 with no need recorded (hidden). 10 - 6 - 3 = 1 would give
    # away the hidden 1 only if shown; ASD (3) is 10 - 6 - hidden, hidden being 0 or more, so at most 4.
    shown = protect_counts(
        {"register": 10, "SPLD": 6, "ASD": 3, "none": 1}, [("register", ["SPLD", "ASD", "none"])], hidden=["none"]
    )
    assert shown == {"register": 10, "SPLD": 6, "ASD": FEWER_THAN_5}
    # With no hidden cell, 10 - 6 = 4 would pin ASD: SPLD goes.
    assert protect_counts({"register": 10, "SPLD": 6, "ASD": 4}, [("register", ["SPLD", "ASD"])])["SPLD"] == SUPPRESSED


def test_month_ends():
    assert last_month_end(datetime.date(2026, 10, 31)) == datetime.date(2026, 10, 31)
    assert last_month_end(datetime.date(2026, 11, 17)) == datetime.date(2026, 10, 31)
    assert last_month_end(datetime.date(2026, 3, 1)) == datetime.date(2026, 2, 28)
    assert last_month_end(datetime.date(2024, 3, 30)) == datetime.date(2024, 2, 29)
    assert last_month_end(datetime.date(2026, 1, 5)) == datetime.date(2025, 12, 31)
