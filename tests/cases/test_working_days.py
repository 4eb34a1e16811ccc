"""Working days skip weekends and England and Wales bank holidays (from the holidays package)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.working_days import add_working_days, is_working_day, one_working_day_after, working_days_between

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "day, working",
    [
        (dt.date(2026, 12, 2), True),  # a Wednesday
        (dt.date(2026, 12, 5), False),  # Saturday
        (dt.date(2026, 12, 6), False),  # Sunday
        (dt.date(2026, 4, 3), False),  # Good Friday
        (dt.date(2026, 4, 6), False),  # Easter Monday
        (dt.date(2026, 5, 25), False),  # Spring bank holiday
        (dt.date(2026, 12, 28), False),  # Boxing Day moved to Monday
        (dt.date(2027, 1, 4), True),
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(day, working):
    assert is_working_day(day) is working


def test_one_working_day_after_a_friday_before_a_bank_holiday_is_tuesday():
    raised = dt.datetime(2026, 5, 22, 15, 30, tzinfo=LONDON)  # Friday before the Spring bank holiday
    assert one_working_day_after(raised) == dt.datetime(2026, 5, 26, 15, 30, tzinfo=LONDON)


def test_one_working_day_after_an_ordinary_tuesday_is_wednesday():
    raised = dt.datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)
    assert one_working_day_after(raised) == dt.datetime(2026, 12, 2, 9, 0, tzinfo=LONDON)


def test_counting_working_days_across_christmas():
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 31)) == 3
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)
    assert working_days_between(dt.date(2026, 12, 2), dt.date(2026, 12, 2)) == 0
