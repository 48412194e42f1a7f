"""A parent's answer made fit for a letter: control characters gone, length capped, dates read
and checked against the side of today they must fall on, therapies given their plain names."""

from __future__ import annotations

import unicodedata
from datetime import date

from ccs_assist.letters.dates import format_date, parse_date
from ccs_assist.letters.models import LetterError, LetterField
from ccs_assist.letters.services import normalize_service

__all__ = ["MAX_FIELD_CHARS", "clean_field_value"]

MAX_FIELD_CHARS = 1000


def clean_field_value(spec: LetterField, value: object, today: date) -> str:
    """One field's value as the letter will hold it (dates as ISO text); LetterError when
    it cannot be used, with a message that says what to write instead."""
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        text = _clean_text(value)
        if len(text) > MAX_FIELD_CHARS:
            raise LetterError(
                f"{spec.name}: {len(text):,} characters is too long; keep it under "
                f"{MAX_FIELD_CHARS:,}"
            )
        if spec.type == "service" and text:
            return normalize_service(text)
        if spec.type != "date" or not text:
            return text
        day = _read_date(spec, text, today)
    else:
        raise LetterError(f"{spec.name}: a field's value must be text, not {type(value).__name__}")
    _check_side_of_today(spec, day, today)
    return day.isoformat()


def _clean_text(text: str) -> str:
    kept = (ch if not unicodedata.category(ch).startswith("C") else " " for ch in text)
    return " ".join("".join(kept).split())


def _read_date(spec: LetterField, text: str, today: date) -> date:
    parsed = parse_date(text, today, spec.when)
    if parsed is None:
        raise LetterError(
            f"{spec.name}: I can't read {text[:40]!r} as a date; write it like "
            f"{format_date(today)} or {today.isoformat()}"
        )
    return parsed


def _check_side_of_today(spec: LetterField, day: date, today: date) -> None:
    if spec.when == "past" and day > today:
        raise LetterError(f"{spec.name}: {format_date(day)} is after today; {spec.label} is past")
    if spec.when == "future" and day < today:
        raise LetterError(f"{spec.name}: {format_date(day)} is before today; it must be ahead")
