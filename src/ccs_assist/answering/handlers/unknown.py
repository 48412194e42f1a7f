"""For intents marked strict: a question about something the graph does not hold ("does CCS
cover asthma?") gets an honest "I don't know" naming it, not a nearby answer."""

from __future__ import annotations

from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.understanding.matcher import Analysis

# Entities of these kinds are what a question is about; one named means the subject is known.
SUBJECT_KINDS = frozenset({"condition", "service", "term", "purpose", "requirement"})
# Words before an unknown word that are not part of its name ("has asthma", "the asthma").
_GLUE = frozenset(
    {
        "the",
        "a",
        "an",
        "my",
        "his",
        "her",
        "has",
        "have",
        "with",
        "is",
        "of",
        "for",
        "about",
        "does",
        "do",
        "cover",
        "covers",
        "and",
        "or",
        "to",
        "in",
    }
)


def unknown_subject(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """An honest "I don't have X" when the question's subject is a word the graph does not
    hold; None when the question names a known subject (the intent's handler answers)."""
    if not turn.analysis.unknown:
        return None
    if any(e.kind in SUBJECT_KINDS for e in turn.analysis.entities):
        return None
    names = ", ".join(f'"{w}"' for w in _unknown_phrases(turn.analysis)[:3])
    draft = Draft(fallback=True, referrals=["county_ccs_office", "school_district", "drc"])
    if turn.intent.spec.handler in ("condition_covered", "program_covers"):
        draft.lead.append(
            f"I don't have {names} in my list of CCS conditions and services. So I can't say "
            "if CCS covers it."
        )
        for node_id in ("req_medical_condition", *turn.intent.spec.answer):
            if node_id in kg:
                draft.lead.append(kg.node(node_id).summary)
                draft.rest_on(node_id)
    else:
        draft.lead.append(
            f"I don't have information about {names} in my sources, so I can't answer that "
            "reliably."
        )
    return draft


def _unknown_phrases(analysis: Analysis) -> list[str]:
    """Unknown words with the word before them when it is part of the name ("down syndrome")."""
    out: list[str] = []
    for index, word in enumerate(analysis.words):
        if word not in analysis.unknown:
            continue
        before = analysis.words[index - 1] if index else ""
        joined = before.isalpha() and before not in _GLUE and before not in analysis.unknown
        phrase = f"{before} {word}" if joined else word
        if phrase not in out:
            out.append(phrase)
    return out
