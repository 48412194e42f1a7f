"""The strict model every hand-edited file is read through, and its complaints as Problems.

Advocates edit graph files, intents.yaml and transcripts by hand: a misspelt key must be an
error, not a field silently ignored, and each error must name the line to fix in words an
editor understands, not pydantic's. Any reader of a YAML file loaded by `loader.read_yaml` can
use `validation_problems`; a reader with its own vocabulary (transcripts say "key", not
"field") passes its own `describe`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from ccs_assist.errors import Problem
from ccs_assist.knowledge.loader import KEY_LINES, line_of

__all__ = ["StrictModel", "describe_error", "error_line", "validation_problems"]


class StrictModel(BaseModel):
    """Unknown keys are errors (a typo never passes), and text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def describe_error(err: ErrorDetails) -> str:
    """One pydantic error in an editor's words."""
    loc = ".".join(str(part) for part in err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown field '{loc}'"
    if kind == "missing":
        return f"missing field '{loc}'"
    if kind == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"'{loc}' is {err.get('input')!r}, expected one of {allowed}"
    if kind == "string_pattern_mismatch" and loc == "id":
        return f"id must be lower case letters, digits and _ (got {err.get('input')!r})"
    return f"'{loc}': {str(err['msg']).lower()}"


def error_line(raw: Any, loc: Sequence[int | str]) -> int:
    """The line of the deepest part of `loc` that the loaded data knows: the key itself when it
    was written ("links.0.to" points at `to:`), else the nearest mapping around it."""
    line = line_of(raw)
    value = raw
    for part in loc:
        if isinstance(value, dict):
            if str(part) not in value.get(KEY_LINES, {}):
                break
            line = line_of(value, str(part))
            value = next((v for k, v in value.items() if str(k) == str(part)), None)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
            line = line_of(value) or line
        else:
            break
    return line


def validation_problems(
    error: ValidationError,
    raw: Any,
    file: str,
    what: str = "",
    describe: Callable[[ErrorDetails], str] = describe_error,
) -> list[Problem]:
    """Every complaint in `error` about the loaded mapping `raw`, at its line, each message
    starting with `what` ("node 'x'") when given."""
    prefix = f"{what}: " if what else ""
    return [
        Problem(file, error_line(raw, err["loc"]), prefix + describe(err))
        for err in error.errors()
    ]
