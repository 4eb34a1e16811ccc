"""Period arithmetic of the audit programme: table first, then properties (hypothesis)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.programme.periods import (
    DATES,
    DONE,
    DUE,
    LATE,
    MONTHLY,
    OPEN,
    QUARTERLY,
    UPCOMING,
    Period,
    due_on,
    given_periods,
    period_of,
    period_status,
    periods_between,
    periods_in_year,
)

D = dt.date


@pytest.mark.parametrize(
    "rhythm, day, start, end",
    [
        (MONTHLY, D(2026, 1, 31), D(2026, 1, 1), D(2026, 1, 31)),
        (MONTHLY, D(2026, 2, 14), D(2026, 2, 1), D(2026, 2, 28)),  # 28 days
        (MONTHLY, D(2028, 2, 29), D(2028, 2, 1), D(2028, 2, 29)),  # leap year: 29 days
        (MONTHLY, D(2026, 4, 30), D(2026, 4, 1), D(2026, 4, 30)),  # 30 days
        (MONTHLY, D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31)),
        (QUARTERLY, D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31)),
        (QUARTERLY, D(2026, 5, 17), D(2026, 4, 1), D(2026, 6, 30)),
        (QUARTERLY, D(2026, 9, 30), D(2026, 7, 1), D(2026, 9, 30)),
        (QUARTERLY, D(2026, 10, 1), D(2026, 10, 1), D(2026, 12, 31)),
    ],
)
def test_the_period_holding_a_day(rhythm, day, start, end):
    assert period_of(rhythm, day) == Period(start, end)


@pytest.mark.parametrize(
    "period, label",
    [
        (Period(D(2026, 2, 1), D(2026, 2, 28)), "February 2026"),
        (Period(D(2026, 4, 1), D(2026, 6, 30)), "April to June 2026"),
        (Period(D(2026, 3, 9), D(2026, 3, 20)), "9 March 2026 to 20 March 2026"),
    ],
)
def test_period_labels(period, label):
    assert period.label == label


def test_a_service_starting_mid_year_has_no_period_before_its_start():
    starts = D(2026, 3, 17)
    months = periods_in_year(MONTHLY, 2026, starts_on=starts)
    assert [p.start.month for p in months] == list(range(3, 13))
    quarters = periods_in_year(QUARTERLY, 2026, starts_on=starts)
    assert [p.label for p in quarters] == [
        "January to March 2026",
        "April to June 2026",
        "July to September 2026",
        "October to December 2026",
    ]
    assert [p.label for p in periods_in_year(QUARTERLY, 2026, starts_on=D(2026, 4, 1))][0] == "April to June 2026"
    assert period_of(MONTHLY, D(2026, 2, 28), starts_on=starts) is None
    assert period_of(MONTHLY, D(2026, 3, 1), starts_on=starts) == Period(D(2026, 3, 1), D(2026, 3, 31))


def test_given_dates():
    dates = given_periods([(D(2026, 9, 1), D(2026, 9, 30)), (D(2026, 3, 2), D(2026, 3, 13))])
    assert dates[0].start == D(2026, 3, 2)  # sorted
    assert period_of(DATES, D(2026, 3, 10), dates=dates) == dates[0]
    assert period_of(DATES, D(2026, 5, 1), dates=dates) is None  # between given periods
    assert periods_in_year(DATES, 2026, dates=dates) == dates
    assert periods_in_year(DATES, 2027, dates=dates) == []
    with pytest.raises(ValueError, match="overlap"):
        given_periods([(D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 3, 31), D(2026, 4, 30))])
    with pytest.raises(ValueError):
        Period(D(2026, 3, 2), D(2026, 3, 1))


@pytest.mark.parametrize(
    "today, created, finished, status",
    [
        (D(2026, 2, 28), False, False, UPCOMING),
        (D(2026, 3, 5), False, False, DUE),
        (D(2026, 3, 5), True, False, OPEN),
        (D(2026, 4, 14), True, False, OPEN),  # the due date itself is not late
        (D(2026, 4, 15), True, False, LATE),
        (D(2026, 4, 15), False, False, LATE),
        (D(2026, 4, 15), True, True, DONE),
        (D(2026, 3, 5), True, True, DONE),
    ],
)
def test_period_status(today, created, finished, status):
    march = Period(D(2026, 3, 1), D(2026, 3, 31))
    assert due_on(march, 14) == D(2026, 4, 14)
    assert period_status(march, today, due_on(march, 14), created, finished) == status


days = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))


@given(days, st.sampled_from([MONTHLY, QUARTERLY]))
def test_every_day_lies_in_exactly_one_period_of_its_year(day, rhythm):
    periods = periods_in_year(rhythm, day.year)
    assert sum(day in p for p in periods) == 1
    assert period_of(rhythm, day) in periods


@given(st.integers(min_value=1990, max_value=2100), st.sampled_from([MONTHLY, QUARTERLY]))
def test_a_years_periods_tile_it_without_gaps(year, rhythm):
    periods = periods_in_year(rhythm, year)
    assert len(periods) == (12 if rhythm == MONTHLY else 4)
    assert periods[0].start == D(year, 1, 1) and periods[-1].end == D(year, 12, 31)
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1)
    assert sum(p.days for p in periods) == (D(year + 1, 1, 1) - D(year, 1, 1)).days


@given(days, days, st.sampled_from([MONTHLY, QUARTERLY]))
def test_no_period_ends_before_the_start_date(first, starts_on, rhythm):
    last = first + dt.timedelta(days=400)
    periods = periods_between(rhythm, first, last, starts_on=starts_on)
    assert all(p.end >= starts_on for p in periods)
    if starts_on <= last and starts_on >= first:
        assert any(starts_on in p for p in periods)
