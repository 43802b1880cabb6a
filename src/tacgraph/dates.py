"""Calendar arithmetic shared by the rules and the synthesiser: ages, periods open on a
date, working days. Weekends are never working days; bank holidays are the caller's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

__all__ = [
    "add_working_days",
    "age",
    "next_weekday",
    "open_on",
    "working_days",
    "years_before",
]

_DAY = timedelta(days=1)


def age(dob: date, on: date) -> int:
    """Whole years between ``dob`` and ``on`` (negative before birth)."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def open_on(start: date | None, end: date | None, on: date) -> bool:
    """Whether a period that began on ``start`` and ended on ``end`` (the last day it ran;
    ``None``: still running) is running on ``on``. A period with no start never is."""
    return start is not None and start <= on and (end is None or on <= end)


def working_days(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (weekends and
    ``holidays`` excluded); 0 when ``end`` is not after ``start``."""
    off = set(holidays)
    count, day = 0, start
    while day < end:
        day += _DAY
        if day.weekday() < 5 and day not in off:
            count += 1
    return count


def add_working_days(start: date, n: int, holidays: Iterable[date] = ()) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself when ``n`` <= 0)."""
    off = set(holidays)
    day = start
    while n > 0:
        day += _DAY
        if day.weekday() < 5 and day not in off:
            n -= 1
    return day


def next_weekday(day: date) -> date:
    """``day`` itself on a weekday, else the Monday after it."""
    while day.weekday() >= 5:
        day += _DAY
    return day


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
