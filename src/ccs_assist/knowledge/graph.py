"""The knowledge graph the answer code asks questions of: nodes, their links, their sources.

Reading and checking graph/*.yaml is `node_files.py` and `build.py`; this module holds the
loaded result. Its old names (Node, INTENTS_FILE, default_graph_dir, ...) stay importable here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccs_assist.errors import GraphError, Problem
from ccs_assist.knowledge.build import build_graph
from ccs_assist.knowledge.folders import (
    GRAPH_SUFFIXES,
    INTENTS_FILE,
    default_graph_dir,
    graph_files,
    project_dir,
)
from ccs_assist.knowledge.node_files import read_graph_folder
from ccs_assist.knowledge.schema import Citation, Node

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "GRAPH_SUFFIXES",
    "INTENTS_FILE",
    "KnowledgeGraph",
    "Node",
    "default_graph_dir",
    "graph_files",
    "project_dir",
]

Links = dict[str, list[tuple[str, dict[str, Any]]]]


class KnowledgeGraph:
    """The validated graph plus the few queries the answer code needs.

    The knowledge is a networkx MultiDiGraph (`.graph`), built and checked on load. Answering
    reads only the adjacency lists made from it, and the start-up snapshot keeps only those, so
    a process that just answers questions never needs to import networkx (it was most of the
    start-up time); `.graph` is rebuilt on first use for check, export and analysis.
    """

    def __init__(
        self,
        nodes: Iterable[Node],
        edges: Iterable[tuple[str, str, dict[str, Any]]],
        directory: Path,
        graph: nx.MultiDiGraph | None = None,
    ) -> None:
        """Links to unknown nodes, or without a type, raise ValueError, so a tampered snapshot
        is never half-used."""
        self._graph: nx.MultiDiGraph | None = graph
        self.directory = directory
        self._nodes: dict[str, Node] = {node.id: node for node in nodes}
        self._out: Links = {n: [] for n in self._nodes}
        self._in: Links = {n: [] for n in self._nodes}
        for origin, target, data in edges:
            if origin not in self._nodes or target not in self._nodes or "type" not in data:
                raise ValueError(f"link {origin} -> {target} does not fit the nodes")
            self._out[origin].append((target, data))
            self._in[target].append((origin, data))
        self._by_kind: dict[str, list[Node]] = {}
        for node in self._nodes.values():
            self._by_kind.setdefault(node.kind, []).append(node)

    # ---- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, directory: Path | None = None) -> KnowledgeGraph:
        """Read and validate every graph file; raise GraphError listing every problem found."""
        directory = Path(directory) if directory else default_graph_dir()
        problems: list[Problem] = []
        written = read_graph_folder(directory, problems)
        graph = build_graph(written, problems)
        if problems:
            raise GraphError(problems)
        nodes = (data["node"] for _, data in graph.nodes(data=True))
        return cls(nodes, graph.edges(data=True), directory, graph)

    # ---- plain data, for the start-up snapshot ---------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """Nodes and links as JSON-ready data, in the order they were written; the constructor
        takes them back."""
        return {
            "nodes": [asdict(node) for node in self._nodes.values()],
            "edges": [
                [origin, target, data] for origin, out in self._out.items() for target, data in out
            ],
        }

    # ---- queries --------------------------------------------------------------------------

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            import networkx as nx

            graph = nx.MultiDiGraph()
            for node in self._nodes.values():
                graph.add_node(node.id, kind=node.kind, label=node.label, node=node)
            for origin, edges in self._out.items():
                for target, data in edges:
                    graph.add_edge(origin, target, key=data["type"], **data)
            self._graph = graph
        return self._graph

    def node(self, node_id: str) -> Node:
        return self._nodes[node_id]

    def nodes(self, kind: str | None = None) -> Iterator[Node]:
        return iter(self._nodes.values() if kind is None else self._by_kind.get(kind, ()))

    def out(self, node_id: str, edge_type: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Targets of a node's links (of one type), in the order they were written."""
        return [
            (target, data)
            for target, data in self._out.get(node_id, ())
            if edge_type is None or data["type"] == edge_type
        ]

    def into(self, node_id: str, edge_type: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Nodes linking to this one (with one type of link)."""
        return [
            (origin, data)
            for origin, data in self._in.get(node_id, ())
            if edge_type is None or data["type"] == edge_type
        ]

    def sources_of(self, node_id: str) -> list[str]:
        return [target for target, _ in self.out(node_id, "cites")]

    def citation(self, source_id: str) -> Citation:
        source = self._nodes[source_id]
        return Citation(
            id=source.id,
            title=source.label,
            section=source.section,
            url=source.url,
            type=source.source_type,
        )

    def counts(self) -> Counter[str]:
        return Counter(n.kind for n in self._nodes.values())
