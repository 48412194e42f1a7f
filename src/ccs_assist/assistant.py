"""The one library API every interface calls.

from ccs_assist import Assistant
assistant = Assistant()                      # loads and validates graph/ once
chat = assistant.conversation()
print(chat.ask("Is spina bifida covered by CCS?").answer)
"""

from __future__ import annotations

import unicodedata
from functools import cached_property
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from . import contract, snapshot
from .answers import Draft, finish
from .dialogue import Conversation
from .errors import GraphError, QuestionError
from .glossary import Glossary
from .graph import INTENTS_FILE, KnowledgeGraph, default_graph_dir
from .grounding import Grounder
from .intents import Catalogue, load_catalogue
from .letters import Letters
from .matcher import Analysis, Matcher
from .passages import Passages
from .retrieval import IntentIndex
from .schema import Answer, Referral

FALLBACK_SCOPE = (
    "I only answer questions about CCS, its therapy program at school, and your child's IEP. "
    "I only say what my sources back up."
)
FALLBACK_TEXT = "Sorry, I don't know the answer to that. " + FALLBACK_SCOPE


class Assistant:
    """Holds the graph and the prebuilt indexes; conversations share it and stay cheap."""

    def __init__(
        self,
        graph_dir: Path | str | None = None,
        *,
        kg: KnowledgeGraph | None = None,
        catalogue: Catalogue | None = None,
        cache: bool = True,
    ) -> None:
        """Load graph_dir (default: the shipped graph, or CCS_ASSIST_GRAPH), or use a ready `kg`
        (and `catalogue`, else read from kg.directory) as tests do. `cache` reads and writes
        the JSON start-up snapshot; a bad snapshot is rebuilt. Anything the code relies on
        that the graph lacks (contract.py) is a GraphError here, not a KeyError mid-answer."""
        key: str | None = None
        if kg is None:
            directory = Path(graph_dir) if graph_dir else default_graph_dir()
            key = snapshot.fingerprint(directory) if cache else None
            saved = snapshot.load(key, directory)
            if saved is not None:
                try:
                    kg, catalogue = saved[0], load_catalogue(saved[0], data=saved[1])
                    key = None  # nothing new to save
                except GraphError:
                    kg = catalogue = None
            if kg is None:
                kg = KnowledgeGraph.load(directory)
                catalogue = None
        if catalogue is None:
            catalogue = load_catalogue(kg)
        problems = contract.check(kg, catalogue, kg.directory / INTENTS_FILE)
        if problems:
            raise GraphError(problems)
        self.kg: KnowledgeGraph = kg
        self.catalogue: Catalogue = catalogue
        self.matcher = Matcher(kg, catalogue)
        if key is not None:
            snapshot.save(key, kg, catalogue.data)
        settings = self.catalogue.settings
        self.threshold = settings.fallback_below
        self.gap = settings.clarify_gap
        self.max_chars = settings.max_question_chars
        self.referrals = list(settings.referrals)

    def conversation(self, session_id: str | None = None) -> Conversation:
        return Conversation(self, session_id)

    def ask(self, question: object) -> Answer:
        """A one-off question with no memory of earlier ones."""
        return self.conversation().ask(question)

    def terms(self) -> list[str]:
        """Names of the graph's conditions, programs, services and terms, for completion.
        Aliases that are only misspellings of the label ("cerebral palsey") are left out."""
        out: set[str] = set()
        for node in self.kg.nodes():
            if node.kind in {"condition", "program", "service", "term", "organization"}:
                out.add(node.label)
                label = node.label.lower()
                out.update(
                    alias
                    for alias in node.aliases
                    if not 0 < Levenshtein.distance(alias.lower(), label[: len(alias)]) <= 2
                )
        return sorted(out, key=str.lower)

    # ---- shared pieces for conversations --------------------------------------------------

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
        draft = Draft(fallback=True, referrals=self.referrals)
        return finish(
            self.kg,
            draft,
            question="",
            intent=None,
            confidence=0.0,
            entities={},
            follow_ups=[],
            default_referrals=self.referrals,
        ).referrals

    @cached_property
    def retriever(self) -> IntentIndex:
        """BM25 over each intent's own words, the second opinion on what was asked."""
        return IntentIndex(self.kg, self.catalogue)

    @cached_property
    def letters(self) -> Letters:
        """The letter kinds in graph/letters/ (none when the folder is absent)."""
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
        return finish(
            self.kg,
            draft,
            question=question,
            intent=None,
            confidence=0.0,
            entities=entities,
            follow_ups=[],
            default_referrals=self.referrals,
        )

    def notice(self, question: str, text: str) -> Answer:
        """A non-substantive reply (a greeting, a prompt, a clarification): no citations."""
        return Answer(question=question, intent=None, confidence=1.0, answer=text)
