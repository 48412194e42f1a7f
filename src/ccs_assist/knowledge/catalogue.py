"""The intent catalogue: graph/intents.yaml read and checked against the graph.

Cue phrases are data so that an advocate can teach the assistant a new way parents ask without
touching Python. Each cue is a few words; it fires when all its words (stemmed) appear in the
question, in any order. `@kind` or `@node_id` in a cue stands for an entity the matcher found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from ccs_assist.errors import GraphError, Problem, display_path
from ccs_assist.knowledge.graph import INTENTS_FILE, KnowledgeGraph
from ccs_assist.knowledge.loader import line_of, read_yaml, strip_lines
from ccs_assist.knowledge.schema import NODE_KINDS
from ccs_assist.text import stem, words

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class IntentSpec(_Strict):
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


class Settings(_Strict):
    fallback_below: float = Field(0.4, ge=0, le=1)
    clarify_gap: float = Field(0.05, ge=0, le=1)
    max_question_chars: int = Field(2000, ge=10)
    referrals: list[str] = []
    # Which programs are the health side and which the school side, for grounding answers.
    sides: dict[str, list[str]] = {}
    # Abbreviations a parent meets everywhere, never spelled out in answers.
    plain_abbreviations: list[str] = []


class IntentsFile(_Strict):
    settings: Settings = Settings()
    synonyms: dict[str, str] = {}
    known_words: list[str] = []
    california_counties: list[str] = []
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
    if data is None:
        data = read_yaml(path, problems)
    if not isinstance(data, dict):
        raise GraphError(
            problems or [Problem(name, 1, "intents file must be a mapping with 'intents:'")]
        )
    try:
        parsed = IntentsFile.model_validate(strip_lines(data))
    except ValidationError as error:
        raise GraphError(
            [
                Problem(name, line_of(data, str(e["loc"][0]) if e["loc"] else None), _say(e))
                for e in error.errors()
            ]
        ) from None
    intents: dict[str, Intent] = {}
    for raw in data["intents"]:
        line = line_of(raw)
        try:
            spec = IntentSpec.model_validate(strip_lines(raw))
        except ValidationError as error:
            for e in error.errors():
                where = line_of(raw, str(e["loc"][0])) if e["loc"] else line
                problems.append(Problem(name, where, f"intent '{raw.get('id', '?')}': {_say(e)}"))
            continue
        if spec.id in intents:
            problems.append(Problem(name, line, f"duplicate intent id '{spec.id}'"))
            continue
        for node_id in [*spec.answer, *spec.also]:
            if node_id not in kg:
                problems.append(
                    Problem(
                        name,
                        line,
                        f"intent '{spec.id}' names node '{node_id}', which does not exist",
                    )
                )
        for need in spec.needs:
            if need not in NODE_KINDS and need not in kg and need != "entity":
                problems.append(
                    Problem(name, line, f"intent '{spec.id}' needs '{need}': not a kind or node id")
                )
        intent = Intent(spec, line=line)
        synonyms = {k.lower(): v.lower() for k, v in parsed.synonyms.items()}
        intent.openings = [
            (text, frozenset(_cue_stems(phrase, synonyms)))
            for text, phrases in spec.yes_no.items()
            for phrase in phrases
        ]
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
                    problems.append(
                        Problem(
                            name,
                            line,
                            f"intent '{spec.id}': cue '{text}' names unknown '@{bad[0]}'",
                        )
                    )
                key = frozenset(cue_stems)
                if not key:
                    continue
                if weight == WEIGHTS["cues"] and len(key) == 1 and next(iter(key)).startswith("@"):
                    # A bare name ("@medi_cal") says what the question is about, not what it
                    # asks: "how do I get Medi-Cal" is not a question about Medi-Cal and CCS.
                    weight *= BARE_NAME_FACTOR
                if key in seen:  # "cover" and "covers" are one cue, counted once
                    index = seen[key]
                    if abs(weight) > abs(intent.cues[index].weight):
                        intent.cues[index] = Cue(key, weight, text)
                    continue
                seen[key] = len(intent.cues)
                intent.cues.append(Cue(key, weight, text))
        intents[spec.id] = intent
    _add_node_aliases(kg, intents, {k.lower(): v.lower() for k, v in parsed.synonyms.items()})
    for ref in parsed.settings.referrals:
        if ref not in kg:
            problems.append(Problem(name, 0, f"referral '{ref}' is not a node in the graph"))
    for side, programs in parsed.settings.sides.items():
        for program in programs:
            if program not in kg:
                problems.append(
                    Problem(name, 0, f"side '{side}' names '{program}', which is not a node")
                )
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
        strip_lines(data),
    )


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
    become "child"); `@kind` and `@node_id` placeholders pass through whole."""
    out: list[str] = []
    for part in text.split():
        if part.startswith("@"):
            out.append(part.lower())
        else:
            out.extend(stem(synonyms.get(w, w)) for w in words(part))
    return out


def _say(err: ErrorDetails) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"unknown field '{loc}'"
    if err["type"] == "missing":
        return f"missing field '{loc}'"
    return f"'{loc}': {str(err['msg']).lower()}"
