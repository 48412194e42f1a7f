"""Dates in letters: today in California, a date as a letter spells it, and a date as parents
write it (2026-11-03, 11/3/2026, Nov 3, yesterday)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

__all__ = ["california_today", "format_date", "parse_date"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?(?:,?\s+(\d{4}))?$")
_TODAY_WORDS = ("today", "now", "today's date", "todays date")
_DAYS_FROM_TODAY = {"yesterday": -1, "tomorrow": 1}


def california_today() -> date:
    """Today where the parents are: a late-evening letter in California is not dated tomorrow."""
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("America/Los_Angeles")).date()
    except Exception:  # no time zone data on this machine: the local date is close enough
        return date.today()


def format_date(day: date) -> str:
    """'November 24, 2026': the way a letter spells a date."""
    return f"{day:%B} {day.day}, {day.year}"


def parse_date(text: str, today: date, when: str = "any") -> date | None:
    """A date as parents write it: 2026-11-03, 11/3/2026, Nov 3 2026, 3 November, today,
    yesterday. Without a year, the nearest such date on the right side of today (a notice's
    date is in the past, a meeting's in the future). None when it cannot be read."""
    raw = _tidy(text)
    if raw in _TODAY_WORDS:
        return today
    if raw in _DAYS_FROM_TODAY:
        return today + timedelta(days=_DAYS_FROM_TODAY[raw])
    parts = _year_month_day(raw, today)
    if parts is None:
        return None
    year, month, day = parts
    if year is not None:
        return _make_date(year, month, day)
    return _nearest(month, day, today, when)


def _tidy(text: str) -> str:
    """Lower case, one space between words, without a leading 'on', 'it was' or 'the'."""
    raw = " ".join(unicodedata.normalize("NFKC", text).lower().replace(",", ", ").split())
    raw = re.sub(r"^(on|it was|it is|the)\s+", "", raw).strip(" .")
    return raw.replace(" ,", ",")


def _year_month_day(raw: str, today: date) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) from the four shapes a date may take; None for none."""
    if match := _ISO.match(raw):
        year, month, day = (int(g) for g in match.groups())
        return year, month, day
    if match := _NUMERIC.match(raw):
        return _full_year(match.group(3), today), int(match.group(1)), int(match.group(2))
    if (match := _MONTH_FIRST.match(raw)) and match.group(1) in _MONTHS:
        return _optional_year(match.group(3)), _MONTHS[match.group(1)], int(match.group(2))
    if (match := _DAY_FIRST.match(raw)) and match.group(2) in _MONTHS:
        return _optional_year(match.group(3)), _MONTHS[match.group(2)], int(match.group(1))
    return None


def _nearest(month: int, day: int, today: date, when: str) -> date | None:
    """A month and day without a year: this year's, unless that is on the wrong side of today."""
    guess = _make_date(today.year, month, day)
    if guess is None:
        return None
    if when == "past" and guess > today:
        return _make_date(today.year - 1, month, day)
    if when == "future" and guess < today:
        return _make_date(today.year + 1, month, day)
    return guess


def _optional_year(text: str | None) -> int | None:
    return int(text) if text else None


def _full_year(text: str | None, today: date) -> int | None:
    if text is None:
        return None
    value = int(text)
    if len(text) == 4:
        return value
    return 2000 + value if 2000 + value <= today.year + 1 else 1900 + value


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
