"""What the transcripts exercise: every intent, principle and program in the graph should be
reached by at least one answer, so a change there is caught by some conversation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ccs_assist.transcripts.checking import CaseResult

if TYPE_CHECKING:
    from ccs_assist.assistant import Assistant

# An answer with no intent (a fallback) exercises this intent when the matcher saw off-topic cues.
OUT_OF_SCOPE = "out_of_scope"


@dataclass
class Coverage:
    missing: dict[str, list[tuple[str, str]]]
    totals: dict[str, int]

    @property
    def complete(self) -> bool:
        return not any(self.missing.values())


def measure_coverage(assistant: Assistant, results: Iterable[CaseResult]) -> Coverage:
    """Which intents, principles and programs no answer in the results touched."""
    intents: set[str] = set()
    touched: set[str] = set()
    for result in results:
        for turn in result.turns:
            answer = turn.answer
            if answer is None:
                continue
            if answer.intent:
                intents.add(answer.intent)
            if answer.fallback and _declined(assistant, turn.turn.spec.ask):
                intents.add(OUT_OF_SCOPE)
            touched.update(b.id for b in answer.basis)
            touched.update(answer.nodes)
    kg = assistant.kg
    catalogue = {k: v for k, v in assistant.catalogue.intents.items() if not v.spec.implicit}
    missing = {
        "intents": [(i, catalogue[i].spec.title) for i in catalogue if i not in intents],
        "principles": [(n.id, n.label) for n in kg.nodes("principle") if n.id not in touched],
        "programs": [(n.id, n.label) for n in kg.nodes("program") if n.id not in touched],
    }
    totals = {
        "intents": len(catalogue),
        "principles": sum(1 for _ in kg.nodes("principle")),
        "programs": sum(1 for _ in kg.nodes("program")),
    }
    return Coverage(missing, totals)


def _declined(assistant: Assistant, question: str) -> bool:
    """Did the matcher see off-topic cues (the decline intent) in this question?"""
    matcher = assistant.matcher
    scored = matcher.score(matcher.analyze(assistant.clean(question)))
    return any(s.intent.spec.handler == "decline" for s in scored)
