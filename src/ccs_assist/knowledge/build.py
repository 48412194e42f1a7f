"""Joining the written nodes into one networkx MultiDiGraph, checking what needs them all.

A link is only added when its target exists and the link type may join those two kinds
(schema.EDGE_RULES); then no node may be an orphan, and no two nodes a parent can name may
answer to the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ccs_assist.errors import Problem
from ccs_assist.knowledge.node_files import WrittenNode
from ccs_assist.knowledge.schema import EDGE_RULES, ENTITY_KINDS, Node
from ccs_assist.text import key

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["build_graph"]

_LINK_EXTRAS = ("source", "purpose", "note")


def build_graph(written: dict[str, WrittenNode], problems: list[Problem]) -> nx.MultiDiGraph:
    """The graph of every written node and every link that passes its checks; each link or
    node that does not is added to `problems`."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node_id, item in written.items():
        graph.add_node(node_id, kind=item.kind, label=item.spec.label, node=_node(node_id, item))
    for node_id, item in written.items():
        for source in item.spec.sources:
            link = _Link(node_id, "cites", source, {}, item.line)
            _add_link(graph, written, problems, item, link)
        for spec, line in zip(item.spec.links, item.link_lines, strict=True):
            extra = {k: v for k in _LINK_EXTRAS if (v := getattr(spec, k))}
            link = _Link(node_id, spec.type, spec.to, extra, line)
            _add_link(graph, written, problems, item, link)
    problems.extend(_orphans(graph, written))
    problems.extend(_alias_clashes(written))
    return graph


def _node(node_id: str, item: WrittenNode) -> Node:
    spec = item.spec
    return Node(
        id=node_id,
        kind=item.kind,
        label=spec.label,
        summary=spec.summary or "",
        detail=spec.detail or "",
        aliases=tuple(spec.aliases),
        examples=tuple(spec.examples),
        params=dict(spec.params),
        uncertain=spec.uncertain,
        url=spec.url or (spec.contact.url if spec.contact else None),
        section=spec.section,
        source_type=spec.type,
        publisher=spec.publisher,
        contact=spec.contact.model_dump() if spec.contact else {},
        file=item.file,
        line=item.line,
    )


@dataclass(frozen=True)
class _Link:
    """One link as written: from `origin` to `target`, its extras (source, purpose, note)."""

    origin: str
    type: str
    target: str
    extra: dict[str, str]
    line: int


def _add_link(
    graph: nx.MultiDiGraph,
    written: dict[str, WrittenNode],
    problems: list[Problem],
    item: WrittenNode,
    link: _Link,
) -> None:
    refused = _link_problem(written, item, link)
    if refused:
        problems.append(Problem(item.file, link.line or item.line, refused))
        return
    graph.add_edge(
        link.origin, link.target, key=link.type, type=link.type, line=link.line, **link.extra
    )


def _link_problem(written: dict[str, WrittenNode], item: WrittenNode, link: _Link) -> str | None:
    """Why this link cannot be added, or None when it can."""
    origin, edge_type, target, extra = link.origin, link.type, link.target, link.extra
    if target not in written:
        hint = " (listed in 'sources')" if edge_type == "cites" else ""
        return f"'{origin}' {edge_type} '{target}', which does not exist{hint}"
    origins, targets = EDGE_RULES[edge_type]
    target_kind = written[target].kind
    allowed = {item.kind} if targets == "same" else targets
    if item.kind not in origins or target_kind not in allowed:
        return (
            f"a '{edge_type}' link cannot go from a {item.kind} ('{origin}') "
            f"to a {target_kind} ('{target}')"
        )
    if "source" in extra and written.get(extra["source"]) is None:
        return f"link source '{extra['source']}' does not exist"
    if "source" in extra and written[extra["source"]].kind != "source":
        return f"link source '{extra['source']}' is not a source node"
    if "purpose" in extra:
        purpose = written.get(extra["purpose"])
        if edge_type != "provides":
            return "'purpose:' is only used on 'provides' links"
        if purpose is None or purpose.kind != "purpose":
            return f"purpose '{extra['purpose']}' is not a purpose node"
    return None


def _orphans(graph: nx.MultiDiGraph, written: dict[str, WrittenNode]) -> list[Problem]:
    """A node nothing links to or from is knowledge no answer can reach."""
    link_sources = {data["source"] for _, _, data in graph.edges(data=True) if "source" in data}
    found: list[Problem] = []
    for node_id, item in written.items():
        if graph.degree(node_id) == 0 and node_id not in link_sources:
            what = "nothing cites this source" if item.kind == "source" else "no link at all"
            found.append(Problem(item.file, item.line, f"orphan node '{node_id}': {what}"))
    return found


def _alias_clashes(written: dict[str, WrittenNode]) -> list[Problem]:
    """Two nodes answering to the same name would make the matcher guess; refuse that."""
    owners: dict[str, str] = {}
    found: list[Problem] = []
    for node_id, item in written.items():
        if item.kind not in ENTITY_KINDS:
            continue
        names = {key(item.spec.label)} | {key(a) for a in item.spec.aliases}
        for name in sorted(n for n in names if n):
            other = owners.setdefault(name, node_id)
            if other != node_id:
                message = f"name '{name}' of '{node_id}' is already a name of '{other}'"
                found.append(Problem(item.file, item.line, message))
    return found
