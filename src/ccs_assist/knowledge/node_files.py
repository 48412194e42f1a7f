"""Reading a graph folder's node files: each node checked on its own, with file and line.

This stage knows one node at a time (its fields, its kind's rules, a repeated id); whether its
links point anywhere sensible is `build.py`'s job, once every node has been read. It never
stops at the first problem: an advocate gets the whole list from one `ccs-assist check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ccs_assist.errors import GraphError, Problem, display_path
from ccs_assist.knowledge.folders import MISNAMED_INTENTS_FILE, graph_files
from ccs_assist.knowledge.loader import line_of, read_yaml, strip_lines
from ccs_assist.knowledge.schema import KIND_ONLY_FIELDS, GraphFile, NodeSpec
from ccs_assist.knowledge.validation import validation_problems

__all__ = ["WrittenNode", "read_graph_folder"]


@dataclass
class WrittenNode:
    """A node that passed its own checks, with where it was written, awaiting its links."""

    spec: NodeSpec
    kind: str
    file: str
    line: int
    link_lines: list[int]


def read_graph_folder(directory: Path, problems: list[Problem]) -> dict[str, WrittenNode]:
    """Every node of every node file, by id; each problem found is added to `problems`. A
    missing folder, or one without node files, raises GraphError at once: nothing to check."""
    if not directory.is_dir():
        raise GraphError([Problem(display_path(directory), 0, "graph folder not found")])
    files = graph_files(directory)
    if not files:
        raise GraphError([Problem(display_path(directory), 0, "no graph files (*.yaml)")])
    misnamed = directory / MISNAMED_INTENTS_FILE
    if misnamed.exists():
        problems.append(Problem(display_path(misnamed), 0, "name it intents.yaml"))
    written: dict[str, WrittenNode] = {}
    for path in files:
        _read_file(path, written, problems)
    return written


def _read_file(path: Path, written: dict[str, WrittenNode], problems: list[Problem]) -> None:
    name = display_path(path)
    data = read_yaml(path, problems)
    if data is None:
        return
    if not isinstance(data, dict):
        problems.append(Problem(name, 1, "a graph file must start with 'kind:' and 'nodes:'"))
        return
    try:
        header = GraphFile.model_validate(strip_lines(data) | {"nodes": data.get("nodes") or []})
    except ValidationError as error:
        problems.extend(validation_problems(error, data, name, "file"))
        return
    if not isinstance(data.get("nodes"), list) or not data["nodes"]:
        problems.append(Problem(name, line_of(data, "nodes"), "'nodes:' must be a non-empty list"))
        return
    for raw in data["nodes"]:
        _read_node(raw, header.kind, name, written, problems)


def _read_node(
    raw: Any, kind: str, name: str, written: dict[str, WrittenNode], problems: list[Problem]
) -> None:
    if not isinstance(raw, dict):
        problems.append(Problem(name, 0, f"a node must be a mapping of fields, not {raw!r:.40}"))
        return
    line = line_of(raw)
    try:
        spec = NodeSpec.model_validate(strip_lines(raw))
    except ValidationError as error:
        problems.extend(validation_problems(error, raw, name, f"node '{raw.get('id', '?')}'"))
        return
    problems.extend(_kind_problems(spec, kind, raw, name))
    if spec.id in written:
        first = written[spec.id]
        problems.append(
            Problem(name, line, f"duplicate id '{spec.id}' (first at {first.file}:{first.line})")
        )
        return
    link_lines = [line_of(link) for link in raw.get("links") or []]
    written[spec.id] = WrittenNode(spec, kind, name, line, link_lines)


def _kind_problems(spec: NodeSpec, kind: str, raw: dict[str, Any], name: str) -> list[Problem]:
    """What this node's kind forbids or requires: a source's type; everything else's summary
    and sources; fields only some kinds use."""
    line = line_of(raw)
    found = [
        Problem(
            name,
            line_of(raw, field_name),
            f"node '{spec.id}': field '{field_name}' is not used on a {kind} node "
            f"(only on: {', '.join(sorted(kinds))})",
        )
        for field_name, kinds in KIND_ONLY_FIELDS.items()
        if field_name in spec.model_fields_set and kind not in kinds
    ]
    if kind != "source" and not spec.summary:
        found.append(Problem(name, line, f"node '{spec.id}': missing 'summary'"))
    if kind != "source" and not spec.sources:
        found.append(
            Problem(name, line, f"node '{spec.id}': must cite at least one source in 'sources'")
        )
    if kind == "source" and not spec.type:
        found.append(Problem(name, line, f"source '{spec.id}': missing 'type'"))
    return found
