"""The general handler: answer from the nodes an intent names, summaries first and details on
request. Other handlers start from it when a question needs more than the nodes' own words."""

from __future__ import annotations

from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.answering.naming import bullet
from ccs_assist.knowledge.graph import KnowledgeGraph, Node
from ccs_assist.understanding.grounding import question_type
from ccs_assist.understanding.yesno import asks_yes_no


def topic(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """Answer from the nodes the intent names: summaries first, details on request."""
    spec = turn.intent.spec
    if not spec.answer:
        return None
    draft = Draft()
    first_words = turn.intent.opening(turn.analysis.tokens) if spec.yes_no else None
    if first_words and asks_yes_no(turn.analysis.text):
        draft.opening = first_words
    if spec.lead:
        draft.lead.append(spec.lead)
    main = [kg.node(n) for n in spec.answer]
    for node in main:
        draft.show(node.id)
        if node.kind == "action":
            # A step is its label ("Ask in writing for a school OT or PT assessment"); how
            # to do it is detail, shown on request.
            draft.bullets_title = draft.bullets_title or "What you can do:"
            draft.bullets.append(node.label)
            draft.detail.append(bullet(node))
        elif spec.lead and len(main) > 2 and node.kind == "requirement":
            draft.bullets.append(node.summary)  # a list of rules reads best as a list
        else:
            draft.lead.append(node.summary)
        if node.detail:
            draft.detail.append(node.detail)
    if not draft.lead and draft.bullets:
        first_action = main[0]
        draft.lead.append(first_action.summary)
        draft.bullets.pop(0)
        draft.detail.remove(bullet(first_action))
    _add_also(kg, turn, draft)
    _actions_from_principles(kg, draft, main)
    return draft


def _add_also(kg: KnowledgeGraph, turn: Turn, draft: Draft) -> None:
    """The intent's `also` nodes: in the detail, or in the short answer when the question
    names one of them itself (first, if it asks what that is)."""
    spec = turn.intent.spec
    named = [n for n in turn.analysis.ids() if n in spec.also]
    named = named if len(named) == 1 else []  # two named: a comparison the answer makes
    for node_id in spec.also:
        node = kg.node(node_id)
        if node_id in named:
            asks_what = question_type(" ".join(turn.analysis.words)) == "what"
            draft.lead.insert(0 if asks_what else len(draft.lead), node.summary)
            draft.show(node_id)
            continue
        draft.rest_on(node_id)
        draft.detail.append(f"{node.label}: {node.summary}")


def _actions_from_principles(kg: KnowledgeGraph, draft: Draft, nodes: list[Node]) -> None:
    """Principles point at the actions they support; offer those as next steps in detail."""
    actions: list[str] = []
    for node in nodes:
        if node.kind != "principle":
            continue
        for action, data in kg.out(node.id, "supports"):
            draft.step(node.id, "supports", action, data)
            if action not in actions and action not in draft.basis:
                actions.append(action)
    if actions:
        draft.detail.append(
            "Steps that follow from this: " + "; ".join(kg.node(a).label for a in actions[:5]) + "."
        )
