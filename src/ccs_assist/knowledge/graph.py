"""Loading graph/*.yaml into one validated networkx MultiDiGraph, and asking it questions.

Validation never stops at the first problem: an advocate editing the files gets the whole list,
each with file and line, from one `ccs-assist check`.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ccs_assist.errors import GraphError, Problem, display_path
from ccs_assist.knowledge.loader import line_of, read_yaml, strip_lines
from ccs_assist.knowledge.schema import (
    EDGE_RULES,
    ENTITY_KINDS,
    KIND_ONLY_FIELDS,
    Citation,
    GraphFile,
    NodeSpec,
)
from ccs_assist.text import key

if TYPE_CHECKING:
    import networkx as nx

INTENTS_FILE = "intents.yaml"
# Both spellings are graph files; anything else (README.md, the letters/ folder) is not.
GRAPH_SUFFIXES = (".yaml", ".yml")


def project_dir(name: str, env: str) -> Path:
    """A data folder (graph/, transcripts/) beside the source tree, unless `env` names one."""
    chosen = os.environ.get(env)
    return Path(chosen) if chosen else Path(__file__).resolve().parents[3] / name


def default_graph_dir() -> Path:
    """CCS_ASSIST_GRAPH if set; in a source checkout (or editable install) the repository's
    graph/; in an installed wheel the copy shipped inside the package (`_graph`, made from
    graph/ at build time by setup.py)."""
    chosen = os.environ.get("CCS_ASSIST_GRAPH")
    if chosen:
        return Path(chosen)
    package = Path(__file__).resolve().parents[1]
    checkout = package.parents[1] / "graph"
    if package.parent.name == "src" and (checkout / INTENTS_FILE).is_file():
        return checkout
    shipped = package / "_graph"
    return shipped if shipped.is_dir() else checkout


@dataclass(frozen=True)
class Node:
    """A node's data as the answer code reads it."""

    id: str
    kind: str
    label: str
    summary: str = ""
    detail: str = ""
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    uncertain: bool = False
    url: str | None = None
    section: str | None = None
    source_type: str | None = None
    contact: dict[str, str | None] = field(default_factory=dict)
    file: str = ""
    line: int = 0


@dataclass
class _Pending:
    spec: NodeSpec
    kind: str
    file: str
    line: int
    link_lines: list[int]


class KnowledgeGraph:
    """The validated graph plus the few queries the answer code needs.

    The knowledge is a networkx MultiDiGraph (`.graph`), built and checked on load. Answering
    reads only the adjacency lists made from it, and the start-up snapshot keeps only those, so
    a process that just answers questions never needs to import networkx (it was most of the
    start-up time); `.graph` is rebuilt on first use for check, export and analysis.
    """

    def __init__(self, graph: nx.MultiDiGraph, directory: Path) -> None:
        self._graph: nx.MultiDiGraph | None = graph
        self.directory = directory
        self._nodes: dict[str, Node] = {n: data["node"] for n, data in graph.nodes(data=True)}
        self._out: dict[str, list[tuple[str, dict[str, Any]]]] = {n: [] for n in self._nodes}
        self._in: dict[str, list[tuple[str, dict[str, Any]]]] = {n: [] for n in self._nodes}
        for origin, target, data in graph.edges(data=True):
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
        if not directory.is_dir():
            raise GraphError([Problem(display_path(directory), 0, "graph folder not found")])
        files = graph_files(directory)
        if not files:
            raise GraphError([Problem(display_path(directory), 0, "no graph files (*.yaml)")])
        if (directory / "intents.yml").exists():
            problems.append(
                Problem(display_path(directory / "intents.yml"), 0, "name it intents.yaml")
            )
        pending: dict[str, _Pending] = {}
        for path in files:
            _read_file(path, pending, problems)
        graph = _build(pending, problems)
        if problems:
            raise GraphError(problems)
        return cls(graph, directory)

    # ---- plain data, for the start-up snapshot ---------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """Nodes and links as JSON-ready data, in the order they were written."""
        return {
            "nodes": [asdict(node) for node in self._nodes.values()],
            "edges": [
                [origin, target, data] for origin, out in self._out.items() for target, data in out
            ],
        }

    @classmethod
    def from_data(
        cls, nodes: list[Node], edges: list[tuple[str, str, dict[str, Any]]], directory: Path
    ) -> KnowledgeGraph:
        """The graph again from `to_data`'s parts (already type-checked by the caller); links
        to unknown nodes raise ValueError, so a tampered snapshot is never half-used."""
        graph = cls.__new__(cls)
        graph._graph = None
        graph.directory = directory
        graph._nodes = {node.id: node for node in nodes}
        graph._out = {n: [] for n in graph._nodes}
        graph._in = {n: [] for n in graph._nodes}
        for origin, target, data in edges:
            if origin not in graph._nodes or target not in graph._nodes or "type" not in data:
                raise ValueError(f"link {origin} -> {target} does not fit the nodes")
            graph._out[origin].append((target, data))
            graph._in[target].append((origin, data))
        graph._by_kind = {}
        for node in graph._nodes.values():
            graph._by_kind.setdefault(node.kind, []).append(node)
        return graph

    # ---- queries --------------------------------------------------------------------------

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_graph"] = None  # rebuilt from the adjacency lists when someone asks for it
        return state

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


# ---- validation --------------------------------------------------------------------------


def graph_files(directory: Path) -> list[Path]:
    """The node files of a graph folder: *.yaml and *.yml directly in it, not intents.yaml and
    not subfolders (graph/letters/ has its own reader). Non-regular files are kept so the
    loader names them instead of skipping them silently."""
    try:
        entries = list(directory.iterdir())
    except OSError:
        return []
    return sorted(
        p
        for p in entries
        if p.suffix in GRAPH_SUFFIXES
        and p.name not in (INTENTS_FILE, "intents.yml")
        and not (p.is_dir() and not p.is_symlink())
    )


def _read_file(path: Path, pending: dict[str, _Pending], problems: list[Problem]) -> None:
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
        for err in error.errors():
            field_name = str(err["loc"][0]) if err["loc"] else None
            problems.append(Problem(name, line_of(data, field_name), _say(err, "file")))
        return
    if not isinstance(data.get("nodes"), list) or not data["nodes"]:
        problems.append(Problem(name, line_of(data, "nodes"), "'nodes:' must be a non-empty list"))
        return
    for raw in data["nodes"]:
        _read_node(raw, header.kind, name, pending, problems)


def _read_node(
    raw: Any, kind: str, name: str, pending: dict[str, _Pending], problems: list[Problem]
) -> None:
    if not isinstance(raw, dict):
        problems.append(Problem(name, 0, f"a node must be a mapping of fields, not {raw!r:.40}"))
        return
    line = line_of(raw)
    try:
        spec = NodeSpec.model_validate(strip_lines(raw))
    except ValidationError as error:
        for err in error.errors():
            loc = err["loc"]
            where = line_of(raw, str(loc[0])) if loc else line
            if len(loc) >= 3 and loc[0] == "links" and isinstance(loc[1], int):
                links = raw.get("links") or []
                if loc[1] < len(links):
                    where = line_of(links[loc[1]], str(loc[2])) or where
            problems.append(Problem(name, where, _say(err, f"node '{raw.get('id', '?')}'")))
        return
    for field_name, kinds in KIND_ONLY_FIELDS.items():
        if field_name in spec.model_fields_set and kind not in kinds:
            problems.append(
                Problem(
                    name,
                    line_of(raw, field_name),
                    f"node '{spec.id}': field '{field_name}' is not used on a {kind} node "
                    f"(only on: {', '.join(sorted(kinds))})",
                )
            )
    if kind != "source" and not spec.summary:
        problems.append(Problem(name, line, f"node '{spec.id}': missing 'summary'"))
    if kind != "source" and not spec.sources:
        problems.append(
            Problem(name, line, f"node '{spec.id}': must cite at least one source in 'sources'")
        )
    if kind == "source" and not spec.type:
        problems.append(Problem(name, line, f"source '{spec.id}': missing 'type'"))
    if spec.id in pending:
        first = pending[spec.id]
        problems.append(
            Problem(name, line, f"duplicate id '{spec.id}' (first at {first.file}:{first.line})")
        )
        return
    link_lines = [line_of(link) for link in raw.get("links") or []]
    pending[spec.id] = _Pending(spec, kind, name, line, link_lines)


def _say(err: Any, what: str) -> str:
    """A pydantic error in words an editor understands."""
    loc = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"{what}: unknown field '{loc}'"
    if kind == "missing":
        return f"{what}: missing field '{loc}'"
    if kind == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"{what}: '{loc}' is {err.get('input')!r}, expected one of {allowed}"
    if kind == "string_pattern_mismatch" and loc == "id":
        return f"{what}: id must be lower case letters, digits and _ (got {err.get('input')!r})"
    return f"{what}: '{loc}' {err['msg'].lower()}"


def _build(pending: dict[str, _Pending], problems: list[Problem]) -> nx.MultiDiGraph:
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node_id, item in pending.items():
        spec = item.spec
        graph.add_node(
            node_id,
            kind=item.kind,
            label=spec.label,
            node=Node(
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
                contact=spec.contact.model_dump() if spec.contact else {},
                file=item.file,
                line=item.line,
            ),
        )
    for node_id, item in pending.items():
        for source in item.spec.sources:
            _add_edge(graph, pending, problems, item, node_id, "cites", source, {}, item.line)
        for link, line in zip(item.spec.links, item.link_lines, strict=True):
            extra = {k: v for k in ("source", "purpose", "note") if (v := getattr(link, k))}
            _add_edge(graph, pending, problems, item, node_id, link.type, link.to, extra, line)
    _check_orphans(graph, pending, problems)
    _check_alias_clashes(pending, problems)
    return graph


def _add_edge(
    graph: nx.MultiDiGraph,
    pending: dict[str, _Pending],
    problems: list[Problem],
    item: _Pending,
    origin: str,
    edge_type: str,
    target: str,
    extra: dict[str, str],
    line: int,
) -> None:
    where = (item.file, line or item.line)
    if target not in pending:
        hint = " (listed in 'sources')" if edge_type == "cites" else ""
        problems.append(
            Problem(*where, f"'{origin}' {edge_type} '{target}', which does not exist{hint}")
        )
        return
    origins, targets = EDGE_RULES[edge_type]
    target_kind = pending[target].kind
    allowed = {item.kind} if targets == "same" else targets
    if item.kind not in origins or target_kind not in allowed:
        problems.append(
            Problem(
                *where,
                f"a '{edge_type}' link cannot go from a {item.kind} ('{origin}') "
                f"to a {target_kind} ('{target}')",
            )
        )
        return
    if "source" in extra and pending.get(extra["source"]) is None:
        problems.append(Problem(*where, f"link source '{extra['source']}' does not exist"))
        return
    if "source" in extra and pending[extra["source"]].kind != "source":
        problems.append(Problem(*where, f"link source '{extra['source']}' is not a source node"))
        return
    if "purpose" in extra:
        purpose = pending.get(extra["purpose"])
        if edge_type != "provides":
            problems.append(Problem(*where, "'purpose:' is only used on 'provides' links"))
            return
        if purpose is None or purpose.kind != "purpose":
            problems.append(Problem(*where, f"purpose '{extra['purpose']}' is not a purpose node"))
            return
    graph.add_edge(origin, target, key=edge_type, type=edge_type, line=line, **extra)


def _check_orphans(
    graph: nx.MultiDiGraph, pending: dict[str, _Pending], problems: list[Problem]
) -> None:
    link_sources = {data["source"] for _, _, data in graph.edges(data=True) if "source" in data}
    for node_id, item in pending.items():
        if graph.degree(node_id) == 0 and node_id not in link_sources:
            what = "nothing cites this source" if item.kind == "source" else "no link at all"
            problems.append(Problem(item.file, item.line, f"orphan node '{node_id}': {what}"))


def _check_alias_clashes(pending: dict[str, _Pending], problems: list[Problem]) -> None:
    """Two nodes answering to the same name would make the matcher guess; refuse that."""
    owners: dict[str, str] = {}
    for node_id, item in pending.items():
        if item.kind not in ENTITY_KINDS:
            continue
        names = {key(item.spec.label)} | {key(a) for a in item.spec.aliases}
        for name in sorted(n for n in names if n):
            other = owners.setdefault(name, node_id)
            if other != node_id:
                problems.append(
                    Problem(
                        item.file,
                        item.line,
                        f"name '{name}' of '{node_id}' is already a name of '{other}'",
                    )
                )


def summarize(counts: Counter[str]) -> Iterable[str]:
    for kind, count in sorted(counts.items()):
        yield f"{kind:<13}{count:>5}"
