"""Period arithmetic of the audit programme: months, quarters and given dates. No Django here.

A template's rhythm cuts the calendar into periods; each period gets one audit. A period is
named by its first day, runs to its last day inclusive, and its audit is due `days_to_complete`
days after it ends. A template that starts mid-year (a service joining the programme in
March) has no period before the one holding its start date.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MONTHLY = "monthly"
QUARTERLY = "quarterly"
DATES = "dates"

# What the calendar shows for each period.
UPCOMING = "upcoming"  # not started yet
DUE = "due"  # started, no audit created yet, not late
OPEN = "open"  # created, not finished, not late
LATE = "late"  # past its due date and not finished
DONE = "done"  # finished (published)
STATUS_LABELS = {UPCOMING: "Upcoming", DUE: "Due", OPEN: "Open", LATE: "Late", DONE: "Done"}


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.end == month_end(self.start):
            return f"{self.start:%B %Y}"
        if self.start.day == 1 and self.end == month_end(add_months(self.start, 2)) and self.start.month % 3 == 1:
            return f"{self.start:%B} to {self.end:%B %Y}"
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_of(day: dt.date) -> Period:
    return Period(day.replace(day=1), month_end(day))


def quarter_of(day: dt.date) -> Period:
    """Calendar quarters: January-March, April-June, July-September, October-December."""
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(first, month_end(add_months(first, 2)))


def given_periods(dates: Iterable[tuple[dt.date, dt.date]]) -> list[Period]:
    """Given periods in order; overlapping periods are refused (a case would belong to two audits)."""
    periods = sorted(Period(start, end) for start, end in dates)
    for before, after in zip(periods, periods[1:], strict=False):
        if after.start <= before.end:
            raise ValueError(f"the periods {before.label} and {after.label} overlap")
    return periods


def period_of(
    rhythm: str, day: dt.date, starts_on: dt.date | None = None, dates: Sequence[Period] = ()
) -> Period | None:
    """The period holding `day`, or None (before the template starts, or between given dates)."""
    if rhythm == MONTHLY:
        period = month_of(day)
    elif rhythm == QUARTERLY:
        period = quarter_of(day)
    elif rhythm == DATES:
        period = next((p for p in dates if day in p), None)
    else:
        raise ValueError(f"unknown rhythm {rhythm!r}")
    if period is None or (starts_on is not None and period.end < starts_on):
        return None
    return period


def periods_between(
    rhythm: str, first: dt.date, last: dt.date, starts_on: dt.date | None = None, dates: Sequence[Period] = ()
) -> list[Period]:
    """Every period that overlaps first..last, none ending before `starts_on`."""
    if last < first:
        return []
    if rhythm == DATES:
        found = [p for p in dates if p.end >= first and p.start <= last]
    else:
        step = 1 if rhythm == MONTHLY else 3
        of = month_of if rhythm == MONTHLY else quarter_of
        found, period = [], of(first)
        while period.start <= last:
            found.append(period)
            period = of(add_months(period.start, step))
    return [p for p in found if starts_on is None or p.end >= starts_on]


def periods_in_year(
    rhythm: str, year: int, starts_on: dt.date | None = None, dates: Sequence[Period] = ()
) -> list[Period]:
    return periods_between(rhythm, dt.date(year, 1, 1), dt.date(year, 12, 31), starts_on, dates)


def due_on(period: Period, days_to_complete: int) -> dt.date:
    if days_to_complete < 0:
        raise ValueError("days to complete cannot be negative")
    return period.end + dt.timedelta(days=days_to_complete)


def period_status(period: Period, today: dt.date, due: dt.date, created: bool, finished: bool) -> str:
    """Upcoming, due, open, late or done: what the calendar shows for a period on `today`."""
    if finished:
        return DONE
    if today > due:
        return LATE
    if created:
        return OPEN
    return UPCOMING if today < period.start else DUE
