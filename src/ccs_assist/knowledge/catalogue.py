"""The intent catalogue: graph/intents.yaml read and checked against the graph.

Cue phrases are data so that an advocate can teach the assistant a new way parents ask without
touching Python. Each cue is a few words; it fires when all its words (stemmed) appear in the
question, in any order. `@kind` or `@node_id` in a cue stands for an entity the matcher found.
"""

# pydantic copies a mutable default for each instance; ruff cannot see across files that
# StrictModel is a pydantic model, so its mutable-default rule is off here.
# ruff: noqa: RUF012

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from ccs_assist.errors import GraphError, Problem, display_path
from ccs_assist.knowledge.folders import INTENTS_FILE
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.loader import line_of, read_yaml, strip_lines
from ccs_assist.knowledge.schema import NODE_KINDS
from ccs_assist.knowledge.validation import StrictModel, validation_problems
from ccs_assist.text import ARTICLES, stem, words

Handler = Literal[
    "topic",
    "describe",
    "condition_covered",
    "conditions_list",
    "service_providers",
    "program_covers",
    "age_check",
    "income_check",
    "screener",
    "more_detail",
    "next_step",
    "how_to_step",
    "county_list",
    "letter",
    "smalltalk",
    "decline",
]


AskType = Literal["amount", "time", "who", "where", "why", "how", "what", "yes_no"]


class IntentSpec(StrictModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    handler: Handler = "topic"
    needs: list[str] = []
    cues: list[str] = []
    strong: list[str] = []
    against: list[str] = []
    lead: str | None = None
    # Openings for yes/no questions, each with the phrases that call for it:
    # {"No, not by itself.": [replace, instead of]}; the first whose phrase matches is used.
    yes_no: dict[str, list[str]] = {}
    answer: list[str] = []
    also: list[str] = []
    strict: bool = False
    follow_ups: list[str] = []
    implicit: bool = False
    # The kinds of question this intent answers (see grounding.QUESTION_TYPES); empty: any.
    asks: list[AskType] = []
    # Real questions parents asked that this intent answers, each "text — where it came from".
    questions: list[str] = []


class Settings(StrictModel):
    fallback_below: float = Field(0.4, ge=0, le=1)
    clarify_gap: float = Field(0.05, ge=0, le=1)
    max_question_chars: int = Field(2000, ge=10)
    referrals: list[str] = []
    # Which programs are the health side and which the school side, for grounding answers.
    sides: dict[str, list[str]] = {}
    # Abbreviations a parent meets everywhere, never spelled out in answers.
    plain_abbreviations: list[str] = []


class IntentsFile(StrictModel):
    settings: Settings = Settings()
    synonyms: dict[str, str] = {}
    known_words: list[str] = []
    california_counties: list[str] = []
    other_states: list[str] = []
    never_correct: list[str] = []
    intents: list[dict[str, object]]


@dataclass(frozen=True)
class Cue:
    """A cue phrase ready for matching: its stems and weight."""

    stems: frozenset[str]
    weight: float
    text: str
    # Taken from a node's aliases: the matcher writes the names inside it as `@id`.
    alias: bool = False


@dataclass
class Intent:
    spec: IntentSpec
    cues: list[Cue] = field(default_factory=list)
    openings: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    line: int = 0  # where intents.yaml defines it, for check's messages

    def opening(self, tokens: frozenset[str]) -> str | None:
        """The yes/no opening whose phrase the question contains, if any."""
        return next((text for text, stems in self.openings if stems <= tokens), None)

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass
class Catalogue:
    settings: Settings
    synonyms: dict[str, str]
    known_words: list[str]
    counties: frozenset[str]
    never_correct: list[str]
    intents: dict[str, Intent]
    # Places outside California, folded ("new york", "tx").
    other_states: frozenset[str] = frozenset()
    # intents.yaml as plain validated data: what the start-up snapshot keeps and rebuilds from.
    data: dict[str, object] = field(default_factory=dict)


PLACEHOLDERS = frozenset(NODE_KINDS) | {"entity", "money", "age"}
WEIGHTS = {"cues": 1.0, "strong": 2.0, "against": -2.0}
BARE_NAME_FACTOR = 0.5


def load_catalogue(
    kg: KnowledgeGraph, path: Path | None = None, data: object | None = None
) -> Catalogue:
    """Read intents.yaml beside the graph (or take its plain `data`, from the start-up
    snapshot) and check it; raise GraphError with every problem found."""
    path = path or kg.directory / INTENTS_FILE
    name = display_path(path)
    problems: list[Problem] = []
    raw_file, parsed = _read_intents_file(path, name, data, problems)
    synonyms = {k.lower(): v.lower() for k, v in parsed.synonyms.items()}
    intents: dict[str, Intent] = {}
    for raw in raw_file["intents"]:
        try:
            spec = IntentSpec.model_validate(strip_lines(raw))
        except ValidationError as error:
            problems.extend(validation_problems(error, raw, name, f"intent '{raw.get('id', '?')}'"))
            continue
        line = line_of(raw)
        if spec.id in intents:
            problems.append(Problem(name, line, f"duplicate intent id '{spec.id}'"))
            continue
        problems.extend(Problem(name, line, message) for message in _reference_problems(spec, kg))
        intent = Intent(spec, line=line)
        intent.openings = [
            (text, frozenset(_cue_stems(phrase, synonyms)))
            for text, phrases in spec.yes_no.items()
            for phrase in phrases
        ]
        intent.cues = _cues(intent, synonyms, kg, name, problems)
        intents[spec.id] = intent
    _add_node_aliases(kg, intents, synonyms)
    problems.extend(Problem(name, 0, message) for message in _settings_problems(parsed, kg))
    if problems:
        raise GraphError(problems)
    counties = frozenset(" ".join(c.lower().split()) for c in parsed.california_counties)
    return Catalogue(
        parsed.settings,
        parsed.synonyms,
        parsed.known_words,
        counties,
        parsed.never_correct,
        intents,
        other_states=frozenset(" ".join(words(state)) for state in parsed.other_states),
        data=strip_lines(raw_file),
    )


def _read_intents_file(
    path: Path, name: str, data: object | None, problems: list[Problem]
) -> tuple[dict[str, Any], IntentsFile]:
    """The file as loaded (with its lines) and its top level checked; an unreadable file or a
    bad top level raises GraphError at once, since no intent can be read without it."""
    if data is None:
        data = read_yaml(path, problems)
    if not isinstance(data, dict):
        raise GraphError(
            problems or [Problem(name, 1, "intents file must be a mapping with 'intents:'")]
        )
    try:
        return data, IntentsFile.model_validate(strip_lines(data))
    except ValidationError as error:
        raise GraphError(validation_problems(error, data, name)) from None


def _reference_problems(spec: IntentSpec, kg: KnowledgeGraph) -> list[str]:
    """Node ids and kinds an intent names that the graph does not have."""
    found = [
        f"intent '{spec.id}' names node '{node_id}', which does not exist"
        for node_id in [*spec.answer, *spec.also]
        if node_id not in kg
    ]
    found.extend(
        f"intent '{spec.id}' needs '{need}': not a kind or node id"
        for need in spec.needs
        if need not in NODE_KINDS and need not in kg and need != "entity"
    )
    return found


def _cues(
    intent: Intent,
    synonyms: dict[str, str],
    kg: KnowledgeGraph,
    name: str,
    problems: list[Problem],
) -> list[Cue]:
    """The intent's cue phrases as stems with their weights, each set of stems once; a cue
    naming an unknown `@placeholder` is a problem."""
    spec = intent.spec
    cues: list[Cue] = []
    seen: dict[frozenset[str], int] = {}
    for group, weight in WEIGHTS.items():
        for text in getattr(spec, group):
            cue_stems = _cue_stems(text, synonyms)
            bad = [
                s[1:]
                for s in cue_stems
                if s.startswith("@") and s[1:] not in PLACEHOLDERS and s[1:] not in kg
            ]
            if bad:
                message = f"intent '{spec.id}': cue '{text}' names unknown '@{bad[0]}'"
                problems.append(Problem(name, intent.line, message))
            key = frozenset(cue_stems)
            if not key:
                continue
            cue_weight = weight
            if weight == WEIGHTS["cues"] and len(key) == 1 and next(iter(key)).startswith("@"):
                # A bare name ("@medi_cal") says what the question is about, not what it
                # asks: "how do I get Medi-Cal" is not a question about Medi-Cal and CCS.
                cue_weight *= BARE_NAME_FACTOR
            if key in seen:  # "cover" and "covers" are one cue, counted once
                index = seen[key]
                if abs(cue_weight) > abs(cues[index].weight):
                    cues[index] = Cue(key, cue_weight, text)
                continue
            seen[key] = len(cues)
            cues.append(Cue(key, cue_weight, text))
    return cues


def _settings_problems(parsed: IntentsFile, kg: KnowledgeGraph) -> list[str]:
    """Referrals and sides must name nodes of the graph."""
    found = [
        f"referral '{ref}' is not a node in the graph"
        for ref in parsed.settings.referrals
        if ref not in kg
    ]
    found.extend(
        f"side '{side}' names '{program}', which is not a node"
        for side, programs in parsed.settings.sides.items()
        for program in programs
        if program not in kg
    )
    return found


ALIAS_KINDS = ("fact", "principle", "action")
# Handlers whose answer is their `answer` nodes' own text: those nodes' aliases are their cues.
NODE_ANSWER_HANDLERS = frozenset({"topic", "county_list"})


def _add_node_aliases(
    kg: KnowledgeGraph, intents: dict[str, Intent], synonyms: dict[str, str]
) -> None:
    """A fact's, principle's or action's aliases are phrases parents use to ask about it: they
    become strong cues of the intent that answers with that node first, or of an implicit
    intent of its own, so every such node in the graph can be reached without editing intents."""
    leading = {
        i.spec.answer[0]: i
        for i in intents.values()
        if i.spec.answer and i.spec.handler in NODE_ANSWER_HANDLERS
    }
    for node in kg.nodes():
        if node.kind not in ALIAS_KINDS or not node.aliases:
            continue
        intent = leading.get(node.id)
        if intent is None:
            spec = IntentSpec(
                id=f"about_{node.id}", title=node.label, answer=[node.id], implicit=True
            )
            intent = intents.setdefault(spec.id, Intent(spec))
        known = {cue.stems for cue in intent.cues}
        for alias in node.aliases:
            cue_stems = frozenset(_cue_stems(alias, synonyms))
            if cue_stems and cue_stems not in known:
                known.add(cue_stems)
                intent.cues.append(Cue(cue_stems, WEIGHTS["strong"], alias, alias=True))


def _cue_stems(text: str, synonyms: dict[str, str]) -> list[str]:
    """Stems of a cue, through the same synonyms as questions ("kids" and "children" both
    become "child"); `@kind` and `@node_id` placeholders pass through whole; articles drop
    out unless they are the whole cue."""
    out: list[str] = []
    for part in text.split():
        if part.startswith("@"):
            out.append(part.lower())
        else:
            out.extend(stem(synonyms.get(w, w)) for w in words(part) if w not in ARTICLES)
    return out or [stem(w) for w in words(text)]
