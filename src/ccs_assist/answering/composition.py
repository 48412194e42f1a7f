"""From a Draft to the Answer a parent reads: the yes/no opening first, a short answer of at
most five sentences (the rest opens the details), bullets, a note when a source is unsure, the
offices to ask, and one to three sources.

A Composer holds what every answer is composed with (the graph and the offices to name when an
answer falls back or is unsure), so a caller passes only what differs per question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ccs_assist.answering.citations import choose_sources
from ccs_assist.answering.draft import Draft
from ccs_assist.answering.sentences import split_sentences, without_repeats
from ccs_assist.knowledge.graph import KnowledgeGraph, Node
from ccs_assist.knowledge.schema import Answer, Basis, Referral

# The short answer: the yes/no opening, then at most five sentences; the rest is detail.
SHORT_SENTENCES = 5
UNCERTAIN_NOTE = (
    "Part of this is not fully confirmed in the sources we checked. Please check it with the "
    "office named below before you rely on it."
)
OUT_OF_SCOPE = (
    "Sorry, I can't answer that one. I only know about CCS, its therapy program at school, and "
    "your child's IEP."
)
_YES_OR_NO = re.compile(r"^(yes|no)\b[,.]?\s*", flags=re.I)


@dataclass(frozen=True)
class Composer:
    """Composes Answers from Drafts for one graph. `default_referrals` are the offices named
    when an answer falls back or rests on something unconfirmed and its draft names none."""

    kg: KnowledgeGraph
    default_referrals: tuple[str, ...] = ()

    def compose(
        self,
        draft: Draft,
        question: str = "",
        *,
        intent: str | None = None,
        confidence: float = 0.0,
        entities: dict[str, list[str]] | None = None,
        follow_ups: Sequence[str] = (),
    ) -> Answer:
        """The Answer contract: text, citations taken from the graph, the walk. A fallback
        draft answers no intent, with confidence 0, whatever is passed."""
        kg = self.kg
        shown, more = choose_sources(kg, draft.basis, draft.edge_sources)
        uncertain = any(kg.node(n).uncertain for n in draft.shown)
        text = _short_answer(draft, intent)  # before the detail: what does not fit opens it
        if uncertain:
            text += "\n" + UNCERTAIN_NOTE
        unsure_or_lost = draft.fallback or uncertain
        referrals = self.referrals(
            draft.referrals or (self.default_referrals if unsure_or_lost else ())
        )
        if draft.fallback:
            text = _with_help(text or OUT_OF_SCOPE, referrals)
        cited = draft.substantive or draft.fallback
        return Answer(
            question=question,
            intent=None if draft.fallback else intent,
            confidence=0.0 if draft.fallback else confidence,
            answer=text.strip(),
            detail="\n\n".join(d for d in draft.detail if d) or None,
            citations=shown if cited else [],
            more_citations=more if cited else [],
            basis=[Basis(id=n, kind=kg.node(n).kind, label=kg.node(n).label) for n in draft.basis],
            nodes=_nodes_used(draft),
            walk=draft.walk,
            entities=entities if entities is not None else {},
            fallback=draft.fallback,
            follow_ups=list(follow_ups),
            referrals=referrals,
            uncertain=uncertain,
        )

    def referrals(self, node_ids: Sequence[str]) -> list[Referral]:
        """The offices with these ids, as the graph records them; ids not in it are skipped."""
        return [_referral(self.kg.node(r)) for r in node_ids if r in self.kg]


def _short_answer(draft: Draft, intent: str | None) -> str:
    """The opening, the lead cut to SHORT_SENTENCES (the rest goes first in the detail), and
    the bullets. The screener, a fallback and small talk are never cut."""
    lead = [p.strip() for p in draft.lead if p.strip()]
    short = draft.substantive and not draft.fallback and intent != "screener"
    if short:
        lead = without_repeats(lead)
    sentences = split_sentences(" ".join(lead))
    if short and len(sentences) > SHORT_SENTENCES:
        draft.detail.insert(0, " ".join(sentences[SHORT_SENTENCES:]))
        lead = sentences[:SHORT_SENTENCES]
    if draft.opening:
        # The opening answers yes or no; a summary that starts with its own "Yes," would
        # answer twice, and perhaps the other way.
        lead = [_drop_yes_no(part) for part in lead]
    text = " ".join([draft.opening, *lead] if draft.opening else lead)
    if draft.bullets:
        title = f"\n{draft.bullets_title}" if draft.bullets_title else ""
        text += title + "\n" + "\n".join(f"- {b}" for b in draft.bullets)
    return text


def _drop_yes_no(text: str) -> str:
    text = _YES_OR_NO.sub("", text)
    return text[:1].upper() + text[1:]


def _with_help(text: str, referrals: list[Referral]) -> str:
    """A fallback names who can help: the office and its phone (the web address stays in the
    referral, for links)."""
    if not referrals:
        return text
    offices = [f"{r.name} ({r.phone})" if r.phone else r.name for r in referrals]
    return text + "\nFor help, you can ask: " + "; ".join(offices) + "."


def _nodes_used(draft: Draft) -> list[str]:
    """Every node the answer rests on, then every node its walk reached, once each."""
    return list(dict.fromkeys([*draft.basis, *(s.target for s in draft.walk)]))


def _referral(node: Node) -> Referral:
    return Referral(id=node.id, name=node.label, phone=node.contact.get("phone"), url=node.url)
