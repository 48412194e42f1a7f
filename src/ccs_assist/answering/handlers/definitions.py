"""What is X: the node's own summary, plus the one link a parent most needs next."""

from __future__ import annotations

from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.answering.handlers.conditions import condition_covered
from ccs_assist.answering.handlers.services import providers
from ccs_assist.knowledge.graph import KnowledgeGraph

# Named in most questions, so never the thing a "what is" question is about when another is.
HUBS = frozenset({"ccs"})


def describe(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """What is X: the node's own summary, plus the one link a parent most needs next."""
    target = _most_specific(turn)
    if target is None:
        return None
    node = kg.node(target)
    if node.kind == "condition":
        return condition_covered(kg, turn)
    draft = Draft(lead=[node.summary])
    draft.show(node.id)
    if node.detail:
        draft.detail.append(node.detail)
    if node.kind == "program":
        for org, data in kg.out(node.id, "administered_by")[:2]:
            draft.step(node.id, "administered_by", org, data)
            draft.detail.append(f"Run by: {kg.node(org).label}.")
    if node.kind == "service":
        given_by = providers(kg, node.id, draft)
        if given_by:
            draft.detail.append("Who gives it: " + "; ".join(given_by) + ".")
    if node.kind == "organization" and node.contact:
        contact = ", ".join(v for v in node.contact.values() if v)
        if contact:
            draft.detail.append(f"Contact: {contact}.")
    return draft


def _most_specific(turn: Turn) -> str | None:
    """The entity a 'what is' question is about: the first one named after the last question
    word ("my IEP says DIS, what is DIS" -> DIS), else the longest name in the question."""
    words = turn.analysis.words
    named = [e for e in turn.analysis.entities if e.node_id not in HUBS] or turn.analysis.entities
    asks = [i for i, w in enumerate(words) if w in ("what", "define", "mean", "meaning")]
    if asks:
        after = [e for e in named if e.start > asks[-1]]
        if after:
            return min(after, key=lambda e: e.start).node_id
    entities = sorted(named, key=lambda e: e.end - e.start, reverse=True)
    if entities:
        return entities[0].node_id
    for kind in ("service", "program", "condition", "term", "organization"):
        if turn.entities.get(kind):
            return turn.entities[kind][0]
    return None
