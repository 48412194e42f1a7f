"""Reading YAML so that every value remembers the line it came from.

Validation messages must name file and line; PyYAML's plain loaders forget positions, so this
loader keeps, for every mapping, the line of the mapping and of each key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, display_path

LINE = "__line__"
KEY_LINES = "__key_lines__"
MAX_FILE_BYTES = 5_000_000

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader (no object construction from tags) that records line numbers."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            key = str(key)
        mapping[key] = loader.construct_object(value_node, deep=True)
        key_lines[str(key)] = key_node.start_mark.line + 1
    mapping[LINE] = node.start_mark.line + 1
    mapping[KEY_LINES] = key_lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def strip_lines(value: Any) -> Any:
    """The same data without our position markers, for validators that forbid extra keys."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k not in (LINE, KEY_LINES)}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def line_of(mapping: Any, key: str | None = None) -> int:
    """The line of a key in a loaded mapping, or of the mapping itself; 0 when unknown."""
    if not isinstance(mapping, dict):
        return 0
    if key is not None and key in mapping.get(KEY_LINES, {}):
        return int(mapping[KEY_LINES][key])
    return int(mapping.get(LINE, 0))


def _first_alias_line(text: str) -> int:
    """Aliases can make a small file expand to billions of values; graph files never need
    them. Returns the line of the first alias, or 0 (also when the text does not parse: the
    real load reports that with its own message)."""
    try:
        for event in yaml.parse(text, Loader=_Base):
            if isinstance(event, yaml.AliasEvent):
                return int(event.start_mark.line) + 1
    except yaml.YAMLError:
        return 0
    return 0


def read_yaml(path: Path, problems: list[Problem]) -> Any | None:
    """Load one YAML file, turning every way it can fail into a Problem instead of a traceback."""
    name = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(Problem(name, 0, f"cannot read the file ({error.strerror})"))
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.append(
            Problem(name, 0, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
        )
        return None
    if b"\x00" in raw:
        problems.append(Problem(name, 0, "file is binary, not YAML text"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(Problem(name, line, "file is not UTF-8 text"))
        return None
    if not text.strip():
        problems.append(Problem(name, 0, "file is empty"))
        return None
    if "&" in text and "*" in text:
        alias_line = _first_alias_line(text)
        if alias_line:
            problems.append(
                Problem(name, alias_line, "YAML anchors and aliases (& and *) are not allowed here")
            )
            return None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        what = error.problem or error.context or "cannot be parsed"
        problems.append(Problem(name, line, f"malformed YAML: {what}"))
    except yaml.YAMLError as error:
        problems.append(Problem(name, 0, f"malformed YAML: {error}"))
    return None
