"""Working days: Monday to Friday except England and Wales bank holidays. No Django.

The holiday calendar comes from the `holidays` package (maintained, shipped with the code, so
nothing is fetched at run time); England's calendar is the one England and Wales share.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year):
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (which need not be a working day itself)."""
    day = start
    added = 0
    while added < days:
        day += timedelta(days=1)
        if is_working_day(day):
            added += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def one_working_day_after(moment: datetime) -> datetime:
    """The same time of day on the next working day: Friday 10:00 -> Monday 10:00, or Tuesday
    10:00 when that Monday is a bank holiday."""
    return datetime.combine(add_working_days(moment.date(), 1), moment.timetz())
