"""Problems in a transcript file in words a help-desk editor can act on: pydantic's complaints
turned into sentences at their line, and "did you mean" hints for a misspelled name.

Lines come from the shared translator (knowledge/validation.py); the words are a transcript's
own ("key", "what the parent types"), so `_say` is passed to it as `describe`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from ccs_assist.errors import Problem
from ccs_assist.knowledge.validation import validation_problems
from ccs_assist.transcripts.models import ScreenerCheck


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """' -- did you mean 'x'?' for the closest option, or nothing when none is close."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" -- did you mean '{close[0]}'?" if close else ""


def report_validation_error(
    error: ValidationError,
    raw: dict[str, Any],
    name: str,
    where: str,
    model: type[BaseModel],
    problems: list[Problem],
) -> None:
    """Each of pydantic's complaints about `raw` as a Problem at the line of the key at fault."""

    def describe(err: Any) -> str:
        return _say(err, [str(part) for part in err["loc"]], model)

    problems.extend(validation_problems(error, raw, name, where, describe=describe))


def _say(err: Any, loc: list[str], model: type[BaseModel]) -> str:
    kind = err["type"]
    last = loc[-1] if loc else ""
    dotted = ".".join(p for p in loc if not p.isdigit())
    if kind == "extra_forbidden":
        nested = len(loc) >= 2 and loc[0] == "screener"
        allowed = list((ScreenerCheck if nested else model).model_fields)
        return (
            f"unknown key '{last}'{did_you_mean(last, allowed)} (keys here: {', '.join(allowed)})"
        )
    if kind == "missing":
        if last == "ask":
            return "missing 'ask:' (what the parent types)"
        return f"missing '{last}:'"
    if kind == "value_error":
        return f"'{dotted}': {err.get('ctx', {}).get('error', err['msg'])!s}"
    if kind in ("bool_type", "bool_parsing"):
        return f"'{dotted}' must be true or false"
    if kind in ("float_type", "float_parsing", "greater_than_equal", "less_than_equal"):
        return f"'{dotted}' must be a number from 0 to 1, like 0.5"
    if kind == "string_type" and dotted in ("ask", "name"):
        return f"'{dotted}' must be text (the words themselves, not a list)"
    if kind in ("string_type", "list_type"):
        return f"'{dotted}' must be a piece of text or a list of texts"
    if kind in ("too_short", "string_too_short"):
        return f"'{dotted}' must not be empty"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"'{dotted}' must be a set of keys (see README)"
    return f"'{dotted}': {str(err['msg']).lower()}"
