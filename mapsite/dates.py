"""Work-back dates: ``go_live - 6w``, ``security + 5bd``, and the calendar they count on.

Pure functions and immutable values; the holiday tables come from the ``holidays``
package, imported only when a plan counts business days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from pydantic_core import PydanticCustomError

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
        step = 1 if amount > 0 else -1
        day, left = start, abs(amount)
        while left:
            day += timedelta(days=step)
            if self.is_business_day(day):
                left -= 1
        return day

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _holidays(self.country, day.year)


@lru_cache(maxsize=256)
def _holidays(country: str | None, year: int) -> frozenset[date]:
    if country is None:
        return frozenset()
    import holidays  # about 0.3 s to import: only when business days are counted

    return frozenset(holidays.country_holidays(country, years=year))


def supported_countries() -> set[str]:
    import holidays

    return set(holidays.list_supported_countries())
