"""What a handler receives (a Turn) and what it returns (a Draft): the answer's text parts and
the graph walk behind them, before composition turns them into the Answer a parent reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ccs_assist.knowledge.catalogue import Intent
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.schema import Step
from ccs_assist.understanding.matcher import Analysis


@dataclass
class Draft:
    """An answer being built: text parts plus the graph walk behind them."""

    lead: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    walk: list[Step] = field(default_factory=list)
    edge_sources: list[str] = field(default_factory=list)
    referrals: list[str] = field(default_factory=list)
    fallback: bool = False
    substantive: bool = True
    bullets_title: str = ""
    shown: list[str] = field(default_factory=list)
    # "Yes.", "No.", "It depends.": always the first words of the answer.
    opening: str = ""

    def show(self, *node_ids: str) -> None:
        """Nodes whose own words are in the short answer; their doubts must be voiced."""
        self.shown.extend(node_ids)
        self.rest_on(*node_ids)

    def rest_on(self, *node_ids: str) -> None:
        for node_id in node_ids:
            if node_id not in self.basis:
                self.basis.append(node_id)

    def step(self, source: str, edge_type: str, target: str, data: dict[str, object]) -> None:
        self.walk.append(Step(source=source, type=edge_type, target=target))
        if isinstance(data.get("source"), str):
            self.edge_sources.append(str(data["source"]))


@dataclass
class Turn:
    """What a handler knows: the question, the entities (question first, then memory)."""

    analysis: Analysis
    entities: dict[str, list[str]]
    intent: Intent
    last_detail: str | None = None
    # The nodes the previous answer rested on, for "then what?" and "how do I do that?".
    last_basis: list[str] = field(default_factory=list)

    def first(self, kind: str) -> str | None:
        """The first entity of this kind, from the question or else from memory."""
        found = self.entities.get(kind) or []
        return found[0] if found else None


# A handler walks the graph for one kind of question; None means the graph cannot answer.
HandlerFn = Callable[[KnowledgeGraph, Turn], Draft | None]
