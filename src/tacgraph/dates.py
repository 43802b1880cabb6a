"""Calendar arithmetic shared by the rules and the synthesiser: ages, periods open on a
date, calendar months, working days. Weekends are never working days; bank holidays are
the caller's.

Two kinds of end date are recorded. A period's last day (a plan's ``ended_on``, a
statutory basis's ``valid_until``): :func:`open_on`. The first day something no longer
holds (an involvement or membership ended on a date no longer counts on that date, nor
does a CAF closed on it, a consent withdrawn or expired on it): :func:`ended_by` and
:func:`current_on`."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TypeGuard

__all__ = [
    "DAY",
    "add_months",
    "add_working_days",
    "age",
    "age_on",
    "current_on",
    "ended_by",
    "next_weekday",
    "open_on",
    "working_days",
    "years_before",
]

DAY = timedelta(days=1)


def age(dob: date, on: date) -> int:
    """Whole years between ``dob`` and ``on`` (negative before birth)."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def age_on(dob: date | None, on: date) -> int | None:
    """A child's age in whole years on ``on``; None where the child was not born by then
    (no date of birth yet, or one after ``on``: a lookup as of a day before the birth)."""
    return None if dob is None or on < dob else age(dob, on)


def open_on(start: date | None, end: date | None, on: date) -> bool:
    """Whether a period that began on ``start`` and ended on ``end`` (the last day it ran;
    ``None``: still running) is running on ``on``. A period with no start never is."""
    return start is not None and start <= on and (end is None or on <= end)


def ended_by(end: date | None, on: date) -> TypeGuard[date]:
    """Whether something that stopped on ``end`` (the first day it no longer held;
    ``None``: it still holds) has stopped by ``on`` (then ``end`` is a date)."""
    return end is not None and end <= on


def current_on(start: date | None, end: date | None, on: date) -> bool:
    """Whether something that began on ``start`` and stopped on ``end`` (the first day it
    no longer held; ``None``: still holding) holds on ``on``. With no start it never does."""
    return start is not None and start <= on and not ended_by(end, on)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def working_days(start: date, end: date, holidays: Iterable[date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (weekends and
    ``holidays`` excluded); 0 when ``end`` is not after ``start``."""
    off = set(holidays)
    count, day = 0, start
    while day < end:
        day += DAY
        if day.weekday() < 5 and day not in off:
            count += 1
    return count


def add_working_days(start: date, n: int, holidays: Iterable[date] = ()) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself when ``n`` <= 0)."""
    off = set(holidays)
    day = start
    while n > 0:
        day += DAY
        if day.weekday() < 5 and day not in off:
            n -= 1
    return day


def next_weekday(day: date) -> date:
    """``day`` itself on a weekday, else the Monday after it."""
    while day.weekday() >= 5:
        day += DAY
    return day


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
