"""What the decider returns: a Decision says what to do with one message without doing it;
a Reading is the message as the decider reads it (its asking sentence, the story, memory)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from ccs_assist.knowledge.catalogue import Intent
from ccs_assist.text import words
from ccs_assist.understanding.focus import Focus
from ccs_assist.understanding.matcher import Analysis, Scored

Action = Literal["answer", "clarify", "decline", "screener", "letter"]


@dataclass
class Decision:
    """What to do with one message; `remember` lists analyses whose entities memory keeps."""

    action: Action
    analysis: Analysis
    intent: Intent | None = None
    confidence: float = 0.0
    follow_on: bool = False
    candidates: list[Scored] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    remember: list[Analysis] = field(default_factory=list)


@dataclass
class Reading:
    """One message as the decider reads it: `asking` is its asking sentence, `analysis` what
    the intents are matched on (the whole message when the question leans on its story), and
    `remember` the analyses whose entities memory keeps."""

    folded: str
    focus: Focus
    asking: Analysis
    analysis: Analysis
    remember: list[Analysis] = field(default_factory=list)
    # A state outside California the message (story included) says the family lives in.
    other_state: str | None = None

    @cached_property
    def asked_folded(self) -> str:
        """The asking sentence as folded words, what the shape rules read."""
        return " ".join(words(self.focus.question))

    def decline(self, near: list[Scored], unknown: list[str] | None = None) -> Decision:
        return Decision(
            "decline",
            self.analysis,
            candidates=near,
            unknown=unknown or [],
            remember=[*self.remember, self.analysis],
        )

    def answer(self, intent: Intent, confidence: float, follow_on: bool = False) -> Decision:
        return Decision(
            "answer", self.analysis, intent, confidence, follow_on, remember=self.remember
        )
