"""The parts a conversation works with, built once from the graph and shared by every
conversation: the matcher, the lazily built indexes, and the replies that are not answers
(a notice, the fallback). The Assistant (one level up) loads the graph and hands it here; a
conversation only needs these parts, so it depends on this module, not on the Assistant.
"""

from __future__ import annotations

import unicodedata
from functools import cached_property
from typing import TYPE_CHECKING

from ccs_assist.answering import Composer, Draft
from ccs_assist.answering.glossary import Glossary
from ccs_assist.answering.passages import Passages
from ccs_assist.errors import QuestionError
from ccs_assist.knowledge.catalogue import Catalogue
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.schema import Answer, Referral
from ccs_assist.understanding.grounding import Grounder
from ccs_assist.understanding.matcher import Analysis, Matcher
from ccs_assist.understanding.retrieval import IntentIndex

if TYPE_CHECKING:
    from ccs_assist.letters import Letters

FALLBACK_SCOPE = (
    "I only answer questions about CCS, its therapy program at school, and your child's IEP. "
    "I only say what my sources back up."
)
FALLBACK_TEXT = "Sorry, I don't know the answer to that. " + FALLBACK_SCOPE


class Engine:
    """The graph and its prebuilt parts; conversations share one and stay cheap."""

    def __init__(
        self, kg: KnowledgeGraph, catalogue: Catalogue, matcher: Matcher | None = None
    ) -> None:
        """Build the parts from a checked graph and catalogue (and a matcher built on them,
        when one is at hand); the costly indexes only some questions need come on first use."""
        self.kg: KnowledgeGraph = kg
        self.catalogue: Catalogue = catalogue
        self.matcher = matcher or Matcher(kg, catalogue)
        settings = self.catalogue.settings
        self.threshold = settings.fallback_below
        self.gap = settings.clarify_gap
        self.max_chars = settings.max_question_chars
        self.referrals = list(settings.referrals)
        self.composer = Composer(kg, tuple(self.referrals))

    # ---- replies and lazily built indexes --------------------------------------------------

    def clean(self, text: object) -> str:
        """Check a question is text of a sane size; drop control characters."""
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise QuestionError("the question is not UTF-8 text") from None
        if not isinstance(text, str):
            raise QuestionError(f"a question must be text, not {type(text).__name__}")
        if len(text) > self.max_chars:
            raise QuestionError(
                f"the question is {len(text):,} characters long; please keep it under "
                f"{self.max_chars:,} characters"
            )
        kept = (
            ch if ch in "\n\t" or not unicodedata.category(ch).startswith("C") else " "
            for ch in text
        )
        return " ".join("".join(kept).split())

    def fallback_referrals(self) -> list[Referral]:
        return self.composer.referrals(self.referrals)

    @cached_property
    def retriever(self) -> IntentIndex:
        """BM25 over each intent's own words, the second opinion on what was asked."""
        return IntentIndex(self.kg, self.catalogue)

    @cached_property
    def letters(self) -> Letters:
        """The letter kinds in graph/letters/ (none when the folder is absent)."""
        from ccs_assist.letters import Letters  # on first use: most runs write no letter

        return Letters.load(self.kg)

    @cached_property
    def glossary(self) -> Glossary:
        """Abbreviations and their words, to spell jargon out on first use."""
        return Glossary(self.kg, self.catalogue.settings.plain_abbreviations)

    @cached_property
    def passages(self) -> Passages:
        """Sentences of the graph's texts, to add the one detail a question asks about."""
        return Passages(self.kg)

    @cached_property
    def grounder(self) -> Grounder:
        """Sides of every intent's answer, built once from the graph."""
        return Grounder(self.kg, self.catalogue)

    def fallback(
        self, question: str, analysis: Analysis | None = None, unknown: list[str] | None = None
    ) -> Answer:
        lead = FALLBACK_TEXT
        if unknown:
            names = " or ".join(f'"{w}"' for w in unknown[:2])
            lead = f"Sorry, I don't know about {names}. " + FALLBACK_SCOPE
        draft = Draft(fallback=True, lead=[lead], referrals=self.referrals)
        entities: dict[str, list[str]] = {}
        if analysis is not None:
            for entity in analysis.entities:
                entities.setdefault(entity.kind, []).append(entity.node_id)
        return self.composer.compose(draft, question, entities=entities)

    def notice(self, question: str, text: str) -> Answer:
        """A non-substantive reply (a greeting, a prompt, a clarification): no citations."""
        return Answer(question=question, intent=None, confidence=1.0, answer=text)
