"""Writing the graph out for other tools: JSON (node-link), GraphML, or DOT for a picture."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

import networkx as nx

from ccs_assist.knowledge.graph import KnowledgeGraph

FORMATS = ("json", "graphml", "dot")
_TEXT_FIELDS = ("label", "summary", "detail", "url", "section", "publisher")


def plain_graph(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are plain values, as JSON and GraphML need."""
    plain = nx.MultiDiGraph()
    for node in kg.nodes():
        attrs: dict[str, Any] = {"kind": node.kind}
        attrs.update({f: getattr(node, f) for f in _TEXT_FIELDS if getattr(node, f)})
        if node.aliases:
            attrs["aliases"] = list(node.aliases)
        if node.examples:
            attrs["examples"] = list(node.examples)
        if node.params:
            attrs["params"] = dict(node.params)
        if node.uncertain:
            attrs["uncertain"] = True
        plain.add_node(node.id, **attrs)
    for origin, target, data in kg.graph.edges(data=True):
        plain.add_edge(origin, target, **{k: v for k, v in data.items() if k != "line"})
    return plain


def export(kg: KnowledgeGraph, fmt: str) -> str:
    plain = plain_graph(kg)
    if fmt == "json":
        return json.dumps(nx.node_link_data(plain, edges="links"), indent=2, ensure_ascii=False)
    if fmt == "graphml":
        flat = nx.MultiDiGraph()
        for node_id, attrs in plain.nodes(data=True):
            flat.add_node(node_id, **{k: _flat(v) for k, v in attrs.items()})
        for origin, target, k, attrs in plain.edges(keys=True, data=True):
            flat.add_edge(origin, target, key=k, **{a: _flat(v) for a, v in attrs.items()})
        buffer = BytesIO()
        nx.write_graphml(flat, buffer)
        return buffer.getvalue().decode("utf-8")
    if fmt == "dot":
        return _dot(plain)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return value


_SHAPES = {
    "condition": "ellipse",
    "program": "box3d",
    "service": "box",
    "purpose": "octagon",
    "requirement": "hexagon",
    "principle": "note",
    "action": "cds",
    "fact": "note",
    "term": "plaintext",
    "organization": "house",
    "source": "folder",
}


def _dot(plain: nx.MultiDiGraph) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["digraph ccs_assist {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
    for node_id, attrs in plain.nodes(data=True):
        shape = _SHAPES.get(attrs["kind"], "box")
        lines.append(f"  {quote(node_id)} [label={quote(attrs['label'])}, shape={shape}];")
    for origin, target, attrs in plain.edges(data=True):
        lines.append(f"  {quote(origin)} -> {quote(target)} [label={quote(attrs['type'])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
