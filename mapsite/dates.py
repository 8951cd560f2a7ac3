"""Work-back dates: ``go_live - 6w``, ``security + 5bd``, and the calendar they count on.

Pure functions and immutable values; the holiday tables come from the ``holidays``
package, imported only when a plan counts business days and the tables are not in
this machine's cache yet (``cache.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from pydantic_core import PydanticCustomError

from . import cache

Unit = Literal["d", "w", "bd"]
UNIT_WORDS = {"d": ("day", "days"), "w": ("week", "weeks"), "bd": ("business day", "business days")}
GO_LIVE = "go_live"

EXPRESSION = re.compile(
    r"\s*(?P<ref>[a-z][a-z0-9_-]*?)\s*(?:(?P<sign>[+-])\s*(?P<amount>\d+)\s*(?P<unit>bd|d|w))?\s*"
)
DATE_HINT = "use YYYY-MM-DD or an offset like 'go_live - 6w'"


@dataclass(frozen=True)
class Offset:
    """A date counted from another: ``ref`` plus ``amount`` ``unit`` (negative: before)."""

    ref: str
    amount: int = 0
    unit: Unit = "d"

    def __str__(self) -> str:
        if not self.amount:
            return self.ref
        sign = "+" if self.amount > 0 else "-"
        return f"{self.ref} {sign} {abs(self.amount)}{self.unit}"

    def describe(self) -> str:
        """``6 weeks before go-live``."""
        ref = "go-live" if self.ref == GO_LIVE else f"'{self.ref}'"
        if not self.amount:
            return f"same day as {ref}"
        one, many = UNIT_WORDS[self.unit]
        n = abs(self.amount)
        return f"{n} {one if n == 1 else many} {'after' if self.amount > 0 else 'before'} {ref}"


DateSpec = date | Offset


def parse_date_spec(value: Any) -> Any:
    """YAML gives dates as ``date``; anything else must be an ISO date or an offset."""
    if isinstance(value, datetime):
        raise PydanticCustomError(
            "date_spec", "'{value}' has a time of day", {"value": value.isoformat(sep=" ")}
        )
    if value is None or isinstance(value, date | Offset):
        return value
    if not isinstance(value, str):
        # a number, true, a list or a mapping: one "not a date", not one error per
        # member of the union (and not "Input should be ... an instance of Offset")
        raise PydanticCustomError("date_spec_type", "not a date")
    return _parse_text(value)


@lru_cache(maxsize=4096)  # plans repeat the same few offsets: 'contract - 3bd'
def _parse_text(value: str) -> date | Offset:
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d\d?-\d\d?", text):
        try:
            return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            raise PydanticCustomError(
                "date_spec", "'{value}' is not a real date", {"value": value}
            ) from None
    match = EXPRESSION.fullmatch(text)
    if not match:
        raise PydanticCustomError("date_spec", "'{value}' is not a date", {"value": value})
    amount = int(match["amount"] or 0)
    return Offset(match["ref"], -amount if match["sign"] == "-" else amount, match["unit"] or "d")


class Calendar:
    """Counts days, weeks and business days; business days skip weekends and holidays."""

    def __init__(self, country: str | None = None) -> None:
        self.country = country

    def add(self, start: date, amount: int, unit: Unit) -> date:
        if unit == "d":
            return start + timedelta(days=amount)
        if unit == "w":
            return start + timedelta(weeks=amount)
        return add_business_days(self.country, start, amount)

    def is_business_day(self, day: date) -> bool:
        return is_business_day(self.country, day)


def is_business_day(country: str | None, day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(country, day.year)


# A plan's projection asks for the same sums again on every pass: remembered.
@lru_cache(maxsize=65536)
def add_business_days(country: str | None, start: date, amount: int) -> date:
    """The business day ``amount`` business days after (or before) ``start``."""
    step = 1 if amount > 0 else -1
    day, left = start, abs(amount)
    # Any seven days in a row hold five weekdays: skip whole weeks at once, less the
    # holidays in them, and walk the last days one by one (they decide where it ends)
    while left > 5:
        weeks = (left - 1) // 5
        end = day + timedelta(weeks=weeks * step)
        left -= 5 * weeks - _weekday_holidays(country, day, end)
        day = end
    while left:
        day += timedelta(days=step)
        if is_business_day(country, day):
            left -= 1
    return day


def _weekday_holidays(country: str | None, start: date, end: date) -> int:
    """Holidays on weekdays from ``start`` (not counted) to ``end``, either way round."""
    if country is None:
        return 0
    low, high = sorted((start, end))
    return sum(
        1
        for year in range(low.year, high.year + 1)
        for day in _holidays(country, year)
        if low <= day <= high and day != start and day.weekday() < 5
    )


# Importing the holidays package and its country tables takes about 0.2 s (more than
# the dates of a thousand plans), so the tables are kept in this machine's cache, one
# file per country and year, in a folder per installed copy of the package.


@lru_cache(maxsize=256)
def _holidays(country: str | None, year: int) -> frozenset[date]:
    if country is None:
        return frozenset()
    name = f"{_holidays_release()}/{country}-{year}.txt"
    lines = cache.read_lines(name)
    if lines is not None:
        with contextlib.suppress(ValueError):
            return frozenset(date.fromisoformat(line) for line in lines)
    import holidays

    days = frozenset(holidays.country_holidays(country, years=year))
    cache.write_lines(name, sorted(d.isoformat() for d in days))
    return days


@lru_cache(maxsize=1)
def supported_countries() -> frozenset[str]:
    name = f"{_holidays_release()}/countries.txt"
    lines = cache.read_lines(name)
    if lines:
        return frozenset(lines)
    import holidays

    codes = frozenset(holidays.list_supported_countries())
    cache.write_lines(name, sorted(codes))
    return codes


@lru_cache(maxsize=1)
def _holidays_release() -> str:
    """Names the installed holidays package: a new version (or copy) gets new tables."""
    spec = importlib.util.find_spec("holidays")
    origin = spec.origin if spec and spec.origin else "holidays"
    try:
        stat = os.stat(origin)
        key = f"{origin}|{stat.st_size}|{stat.st_mtime_ns}"
    except OSError:
        key = origin
    return "holidays-" + hashlib.sha256(key.encode()).hexdigest()[:16]
