"""Which sources an answer shows (one to three, the most specific first) and which it keeps
for /sources, and what each source is in a parent's words."""

from __future__ import annotations

from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.schema import Citation

# Primary law first, then what agencies say, then guides; background articles last.
SOURCE_RANK = {"statute": 0, "regulation": 0, "case": 1, "agency_page": 2, "publication": 3}
SHOWN_SOURCES = 3


def choose_sources(
    kg: KnowledgeGraph, basis: list[str], edge_sources: list[str]
) -> tuple[list[Citation], list[Citation]]:
    """The one to three sources to show and the rest. Each node the answer rests on, in
    order, gives its most specific source until three are chosen; those are shown most
    specific first."""
    per_node = [sorted(kg.sources_of(n), key=lambda s: _rank(kg, s)) for n in basis]
    per_node.append([s for s in edge_sources if s in kg])
    chosen: list[str] = []
    depth = 0
    while len(chosen) < SHOWN_SOURCES and any(depth < len(ids) for ids in per_node):
        for ids in per_node:
            if depth < len(ids) and ids[depth] not in chosen and len(chosen) < SHOWN_SOURCES:
                chosen.append(ids[depth])
        depth += 1
    chosen.sort(key=lambda s: _rank(kg, s))
    rest = list(dict.fromkeys(s for ids in per_node for s in ids if s not in chosen))
    return [_citation(kg, s) for s in chosen], [_citation(kg, s) for s in rest]


def source_kind(citation: Citation) -> str:
    """What a source is, in a parent's words."""
    text = f"{citation.title} {citation.section or ''}"
    where = "Federal" if ("CFR" in text or "U.S.C" in text) else "California"
    return {
        "statute": f"{where} law",
        "regulation": f"{where} regulation",
        "case": "Court decision",
        "agency_page": "Government agency page",
        "publication": "Guide or report",
        "seed": "Background article",
    }.get(citation.type or "", "Source")


def _rank(kg: KnowledgeGraph, source_id: str) -> int:
    return SOURCE_RANK.get(kg.node(source_id).source_type or "", 9)


def _citation(kg: KnowledgeGraph, source_id: str) -> Citation:
    citation = kg.citation(source_id)
    citation.what = source_kind(citation)
    if citation.type == "seed":
        citation.section = None  # where this project keeps its copy: no use to a parent
    return citation
