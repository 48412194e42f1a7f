"""Reading YAML so that every value remembers the line it came from, and nothing can hurt us.

Validation messages must name file and line; PyYAML's plain loaders forget positions, so this
loader keeps, for every mapping, the line of the mapping and of each key. Graph files are edited
by hand and may be hostile, so before anything is built the file must be a regular file under a
size limit, and one cheap pass over the parser's events refuses what would crash or stall the
real load: nesting deeper than Python's stack allows, anchors and aliases (billion laughs),
integers too long for int(), and more values than any graph file needs.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from ccs_assist.errors import Problem, display_path

LINE = "__line__"
KEY_LINES = "__key_lines__"
MAX_FILE_BYTES = 2_000_000
# The real files nest 6 deep and hold under 5,000 values; these limits are far above both.
MAX_DEPTH = 64
MAX_EVENTS = 200_000
MAX_INT_DIGITS = 100

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INTEGER = re.compile(r"[-+]?(0[xob])?[0-9_a-fA-F]+")


class _LineLoader(_Base):
    """Safe loader (no object construction from tags) that records line numbers and collects
    duplicate keys instead of letting the last one silently win."""

    duplicates: list[tuple[int, str]]


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            key = str(key)
        line = key_node.start_mark.line + 1
        if str(key) in key_lines:
            found = getattr(loader, "duplicates", None)
            if found is None:
                found = loader.duplicates = []
            found.append((line, f"duplicate key '{key}' (first at line {key_lines[str(key)]})"))
            continue  # the first one stays; the error stops the load anyway
        mapping[key] = loader.construct_object(value_node, deep=True)
        key_lines[str(key)] = line
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


def _scan(text: str) -> tuple[int, str] | None:
    """One pass over the parser's events (no objects built, no recursion): the first thing
    that would make the real load crash, stall or explode, as (line, message); None if none.
    A syntax error is left to the real load, which reports it with its own message."""
    depth = 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=_Base)):
            line = int(event.start_mark.line) + 1 if event.start_mark else 0
            if count > MAX_EVENTS:
                return line, f"more than {MAX_EVENTS:,} values; a graph file needs far fewer"
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return line, "YAML anchors and aliases (& and *) are not allowed here"
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return line, f"lists or mappings nested more than {MAX_DEPTH} deep"
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif (
                isinstance(event, yaml.ScalarEvent)
                and not event.style
                and len(event.value) > MAX_INT_DIGITS
                and _INTEGER.fullmatch(event.value)
            ):
                return line, f"a number with {len(event.value):,} digits; put it in quotes"
    except yaml.YAMLError as error:
        # libyaml (0.2.5 and later) has its own nesting limit, hit while it scans ahead through
        # a run of '[' before we see the events; it is the same problem, so say it our way.
        if "nesting depth" in str(getattr(error, "problem", "")):
            mark = getattr(error, "problem_mark", None)
            line = int(mark.line) + 1 if mark else 0
            return line, f"lists or mappings nested more than {MAX_DEPTH} deep"
        return None
    return None


def read_bytes_safely(path: Path, limit: int = MAX_FILE_BYTES) -> bytes | str:
    """The bytes of a regular file of at most `limit` bytes, or why not (a sentence).

    Checked before opening, and again on the open descriptor, so a FIFO, a device such as
    /dev/zero, a directory or a symlink loop is refused without blocking or reading forever."""
    try:
        info = os.stat(path)  # follows symlinks: a link to a regular file is fine
    except OSError as error:
        return f"cannot read the file ({error.strerror})"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a folder, device, pipe or socket); graph files must be files"
    if info.st_size > limit:
        return f"file is {info.st_size:,} bytes; the limit is {limit:,}"
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        return f"cannot read the file ({error.strerror})"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "not a regular file; graph files must be files"
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        return f"cannot read the file ({error.strerror})"
    finally:
        os.close(fd)
    if size > limit:
        return f"file is over {limit:,} bytes, the limit"
    return b"".join(chunks)


def read_yaml(path: Path, problems: list[Problem]) -> Any | None:
    """Load one YAML file, turning every way it can fail into a Problem instead of a traceback."""
    name = display_path(path)
    raw = read_bytes_safely(path)
    if isinstance(raw, str):
        problems.append(Problem(name, 0, raw))
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
    refused = _scan(text)
    if refused:
        problems.append(Problem(name, *refused))
        return None
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        what = error.problem or error.context or "cannot be parsed"
        problems.append(Problem(name, line, f"malformed YAML: {what}"))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(name, 0, f"malformed YAML: {error}"))
        return None
    except (ValueError, RecursionError, MemoryError) as error:  # belt and braces after _scan
        problems.append(Problem(name, 0, f"cannot be loaded: {type(error).__name__}"))
        return None
    finally:
        loader.dispose()
    duplicates = getattr(loader, "duplicates", [])
    if duplicates:
        problems.extend(Problem(name, line, message) for line, message in duplicates)
        return None
    return data
