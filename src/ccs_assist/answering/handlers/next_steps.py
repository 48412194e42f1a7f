"""Questions that follow the last answer: "what if they still say no?" (the next steps on the
graph's paths) and "how do I ask for that?" (how to do the step just suggested)."""

from __future__ import annotations

from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.answering.naming import bullet, join_names
from ccs_assist.knowledge.graph import KnowledgeGraph


def next_step(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """'What if they still say no?': the steps that follow the last answer's steps on the
    graph's paths (next_step links), or an honest 'that was the last step I know'."""
    done = [n for n in turn.last_basis if n in kg and kg.node(n).kind == "action"]
    if not done:
        return Draft(
            lead=[
                "Tell me a bit more about what happened, and I can say what to do next. For "
                "example: 'the school said no to OT' or 'CCS cut his PT'."
            ],
            substantive=False,
        )
    ahead: list[str] = []
    for action in done:
        for target, _ in kg.out(action, "next_step"):
            if target not in turn.last_basis and target not in ahead:
                ahead.append(target)
    if not ahead:
        return _no_steps_left(kg, done[-1])
    first_step = kg.node(ahead[0])
    draft = Draft(opening="If that does not work, the next step is:")
    draft.lead.append(f"{first_step.label}. {first_step.summary}")
    draft.show(first_step.id)
    for action in done:
        for target, data in kg.out(action, "next_step"):
            if target in ahead:
                draft.step(action, "next_step", target, data)
    if first_step.detail:
        draft.detail.append(first_step.detail)
    for later in ahead[1:]:
        draft.bullets_title = "Or:"
        draft.bullets.append(kg.node(later).label)
        draft.rest_on(later)
        draft.detail.append(bullet(kg.node(later)))
    return draft


def _no_steps_left(kg: KnowledgeGraph, last_step: str) -> Draft:
    """The last step the graph knows was taken: name who can help with the case itself."""
    helpers = [h for h in ("drc", "county_ccs_office") if h in kg]
    names = join_names([kg.node(h).label for h in helpers])
    draft = Draft(
        lead=[f"Those are all the steps I know of. For help with your own case, ask {names}."],
        referrals=helpers,
    )
    draft.rest_on(last_step, *helpers)
    return draft


def how_to_step(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """'How do I ask for that?': how to do the first step the last answer suggested, from
    that step's own summary and detail."""
    steps = [n for n in turn.last_basis if n in kg and kg.node(n).kind == "action"]
    if not steps:
        return next_step(kg, turn)  # nothing suggested yet: ask what happened
    step = kg.node(steps[0])
    draft = Draft()
    draft.show(step.id)
    draft.lead.append(f"To {step.label[:1].lower()}{step.label[1:]}: {step.summary}")
    if step.detail:
        draft.lead.append(step.detail)
    return draft
