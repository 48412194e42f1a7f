"""Handlers that walk no graph: "tell me more", small talk, a decline, and the letter intent
when no letters are installed."""

from __future__ import annotations

from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.knowledge.graph import KnowledgeGraph


def more_detail(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """'Tell me more': the detail the last answer kept back."""
    if not turn.last_detail:
        return Draft(
            lead=["Ask me a question first, then say 'tell me more' for the details."],
            substantive=False,
        )
    return Draft(lead=[turn.last_detail], substantive=False)


def letter(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """The letter interview is the conversation's to run (conversation/letter_turns.py);
    reaching this handler means no letters are installed."""
    return None


def smalltalk(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    spec = turn.intent.spec
    return Draft(lead=[spec.lead or spec.title], substantive=False)


def decline(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    return Draft(fallback=True, substantive=False)
