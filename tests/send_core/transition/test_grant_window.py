"""A grant's window is capped at the hand-over period: Year 5 summer term to Year 7 autumn term.

Worked examples, by hand: a child is in Year N in the school year (1 September to 31 August) in
which they turn N + 5. Born 10 October 2015, they turn 10 on 10 October 2025, so Year 5 is
2025/26: its summer term starts 1 April 2026; Year 7 is 2027/28, its autumn term ends
31 December 2027.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from send_core.models import Pupil
from send_core.transition import services
from send_core.transition.models import TransitionGrant

AUTUMN_2025 = datetime.date(2025, 11, 1)


def period(date_of_birth: datetime.date, nc_year: str) -> tuple[datetime.date, datetime.date]:
    return services.handover_period(Pupil(date_of_birth=date_of_birth, nc_year=nc_year), on=AUTUMN_2025)


def test_the_hand_over_period_from_date_of_birth():
    # Born 10 October 2015: Year 5 in 2025/26, Year 7 in 2027/28.
    assert period(datetime.date(2015, 10, 10), "5") == (datetime.date(2026, 4, 1), datetime.date(2027, 12, 31))
    # Born 31 August 2016, the youngest of the same year group: the same period.
    assert period(datetime.date(2016, 8, 31), "5") == (datetime.date(2026, 4, 1), datetime.date(2027, 12, 31))
    # Born a day later, 1 September 2016: turns 10 in 2026/27, a year later.
    assert period(datetime.date(2016, 9, 1), "4") == (datetime.date(2027, 4, 1), datetime.date(2028, 12, 31))


def test_a_pupil_taught_a_year_below_their_age_keeps_both_periods():
    # Born 10 October 2015 (Year 5 by age in 2025/26) but in Year 4: Year 5 with their group is 2026/27,
    # so the period runs from 1 April 2026 (by age) to 31 December 2028 (by group).
    assert period(datetime.date(2015, 10, 10), "4") == (datetime.date(2026, 4, 1), datetime.date(2028, 12, 31))


def school_year_now() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def test_a_window_past_year_7_autumn_or_before_year_5_summer_is_refused(transition, in_schema):
    # The fixture's pupil is in Year 6 in the school year starting 1 September Y: their Year 5 summer
    # term began 1 April Y and their Year 7 autumn term ends 31 December Y + 1.
    y = school_year_now()
    today = timezone.localdate()
    with in_schema(transition.primary):
        with pytest.raises(ValidationError) as refused:
            services.grant_access(
                transition.pupil, granted_by=transition.senco_a, starts_on=today, ends_on=datetime.date(2099, 12, 31)
            )
        assert refused.value.message_dict["ends_on"] == [
            f"Access can last no later than 31 December {y + 1}, the end of the autumn term of Tomas's Year 7."
        ]
        with pytest.raises(ValidationError) as refused:
            services.grant_access(
                transition.pupil,
                granted_by=transition.senco_a,
                starts_on=datetime.date(y, 3, 31),
                ends_on=datetime.date(y + 1, 12, 31),
            )
        assert refused.value.message_dict["starts_on"] == [
            f"Access can start no earlier than 1 April {y}, the start of the summer term of Tomas's Year 5."
        ]
        assert not TransitionGrant.objects.filter(primary_pupil_id=transition.pupil.pk).exists()
        grant = services.grant_access(
            transition.pupil,
            granted_by=transition.senco_a,
            starts_on=datetime.date(y, 4, 1),
            ends_on=datetime.date(y + 1, 12, 31),
        )
        with pytest.raises(ValidationError, match="no later than"):
            services.change_grant_window(
                grant, changed_by=transition.senco_a, starts_on=grant.starts_on, ends_on=datetime.date(y + 2, 1, 1)
            )
        grant.refresh_from_db()
        assert grant.ends_on == datetime.date(y + 1, 12, 31)


def test_the_form_says_why_a_long_window_is_refused(transition, client_for):
    y = school_year_now()
    client = client_for(transition.senco_a, transition.primary)
    refused = client.post(
        f"/transition/pupils/{transition.pupil.pk}/grant/",
        {"starts_on": timezone.localdate().isoformat(), "ends_on": "2099-12-31"},
    )
    assert refused.status_code == 400
    assert f"Access can last no later than 31 December {y + 1}" in refused.content.decode()
    assert not TransitionGrant.objects.filter(primary_pupil_id=transition.pupil.pk).exists()
    # Another school's SENCO gets nothing for this pupil, whatever the dates.
    other = client_for(transition.senco_b, transition.other)
    assert other.get(f"/transition/pupils/{transition.pupil.pk}/grant/").status_code == 404
