"""Reading the fields a letter file lists: a shared field's name (from `_fields.yaml`), or a
mapping that defines a field or adjusts a shared one. Problems go to a list as file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccs_assist.errors import Problem, display_path
from ccs_assist.knowledge.loader import line_of, read_yaml
from ccs_assist.letters.models import LetterField
from ccs_assist.letters.templates import PLAIN_NAME

__all__ = ["FIELD_TYPES", "SHARED_FILE", "WHEN", "load_shared_fields", "read_field", "unknown_keys"]

SHARED_FILE = "_fields.yaml"
FIELD_TYPES = ("text", "date", "service")
WHEN = ("past", "future", "any")
_FIELD_KEYS = {"name", "label", "ask", "type", "optional", "when", "default", "aliases"}
_CHOICES = (("type", "text", FIELD_TYPES), ("when", "any", WHEN))  # key, when unset, allowed


def unknown_keys(mapping: dict[Any, Any], allowed: set[str] | tuple[str, ...]) -> list[Any]:
    """The keys a file wrote that are not allowed, sorted; the loader's line markers aside."""
    return sorted(k for k in mapping if not str(k).startswith("__") and k not in allowed)


def load_shared_fields(path: Path, problems: list[Problem]) -> dict[str, LetterField]:
    """The fields in `_fields.yaml`, by name; none when the file is missing or unreadable."""
    if not path.exists():
        return {}
    data = read_yaml(path, problems)
    name = display_path(path)
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        problems.append(Problem(name, line_of(data), "the shared file must have a 'fields:' list"))
        return {}
    shared: dict[str, LetterField] = {}
    for raw in data["fields"]:
        spec = read_field(raw, {}, name, line_of(data, "fields"), problems)
        if spec is not None:
            if spec.name in shared:
                problems.append(
                    Problem(name, line_of(raw), f"field '{spec.name}' is defined twice")
                )
            shared[spec.name] = spec
    return shared


def read_field(
    raw: Any, shared: dict[str, LetterField], file: str, line: int, problems: list[Problem]
) -> LetterField | None:
    """One field: a shared field's name, or a mapping that defines or adjusts one."""
    if isinstance(raw, str):
        if raw not in shared:
            problems.append(
                Problem(
                    file,
                    line,
                    f"field '{raw}' is not in {SHARED_FILE}; define "
                    "it here with name, label and ask",
                )
            )
            return None
        return shared[raw]
    if not isinstance(raw, dict):
        problems.append(
            Problem(file, line, f"a field must be a name or a mapping, not {raw!r:.40}")
        )
        return None
    return _field_mapping(raw, shared, file, line_of(raw) or line, problems)


def _field_mapping(
    raw: dict[Any, Any],
    shared: dict[str, LetterField],
    file: str,
    line: int,
    problems: list[Problem],
) -> LetterField | None:
    for extra in unknown_keys(raw, _FIELD_KEYS):
        problems.append(Problem(file, line_of(raw, extra), f"field: unknown key '{extra}'"))
    name = raw.get("name")
    if not isinstance(name, str) or not PLAIN_NAME.match(name):
        problems.append(Problem(file, line, "field: 'name' must be lower case letters, digits, _"))
        return None
    base = shared[name].model_dump() if name in shared else {}
    merged = base | {k: v for k, v in raw.items() if k in _FIELD_KEYS}
    problem = _first_problem(name, merged)
    if problem is not None:
        key, message = problem
        problems.append(Problem(file, line if key is None else line_of(raw, key), message))
        return None
    merged["aliases"] = merged.get("aliases") or []
    merged["ask"] = " ".join(str(merged["ask"]).split())
    merged["optional"] = bool(merged.get("optional", False))
    return LetterField.model_validate(merged)


def _first_problem(name: str, merged: dict[str, Any]) -> tuple[str | None, str] | None:
    """What is wrong with a field (shared parts and this file's together), as (the key whose
    line to show, or None for the field's own line, message); None when it is fine."""
    for needed in ("label", "ask"):
        if not isinstance(merged.get(needed), str) or not merged[needed].strip():
            return None, f"field '{name}': missing '{needed}'"
    for choice, unset, allowed in _CHOICES:
        if merged.get(choice, unset) not in allowed:
            return choice, f"field '{name}': '{choice}' must be one of {', '.join(allowed)}"
    default = merged.get("default")
    if default not in (None, "today") or (default and merged.get("type") != "date"):
        return "default", f"field '{name}': 'default' can only be 'today', on a date field"
    aliases = merged.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        return "aliases", f"field '{name}': 'aliases' must be a list of words"
    return None
