"""The shapes of data that cross a boundary: graph files coming in, nodes as the code (and the
start-up snapshot) keeps them, answers going out.

The rules of the graph (which kinds exist, which links may join which kinds, which fields a kind
may use) live here as tables, so the validator and the docs in graph/README.md speak of one thing.
"""

# pydantic copies a mutable default for each instance; ruff cannot see across files that
# StrictModel is a pydantic model, so its mutable-default rule is off here.
# ruff: noqa: RUF012

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from ccs_assist.knowledge.validation import StrictModel

NodeKind = Literal[
    "condition",
    "program",
    "service",
    "purpose",
    "requirement",
    "principle",
    "action",
    "fact",
    "term",
    "organization",
    "source",
]
NODE_KINDS: tuple[str, ...] = NodeKind.__args__  # type: ignore[attr-defined]

# Kinds whose names a parent types and the matcher looks for; principles, actions and facts are
# reached through intents instead, so their aliases never shadow a program's name.
ENTITY_KINDS = frozenset(
    {"condition", "program", "service", "purpose", "requirement", "term", "organization"}
)

EdgeType = Literal[
    "covered_by",
    "part_of",
    "provides",
    "serves_purpose",
    "administered_by",
    "requires",
    "applies_to",
    "supports",
    "involves",
    "related_to",
    "cites",
    "next_step",
]

_NOT_SOURCE = frozenset(NODE_KINDS) - {"source"}

# type -> (kinds it may start from, kinds it may point to); "same" means: to the same kind as from.
EDGE_RULES: dict[str, tuple[frozenset[str], frozenset[str] | Literal["same"]]] = {
    "covered_by": (frozenset({"condition"}), frozenset({"program"})),
    "part_of": (frozenset({"condition", "program", "service", "organization"}), "same"),
    "provides": (frozenset({"program"}), frozenset({"service"})),
    "serves_purpose": (frozenset({"program", "service"}), frozenset({"purpose"})),
    "administered_by": (frozenset({"program"}), frozenset({"organization"})),
    "requires": (frozenset({"program"}), frozenset({"requirement"})),
    "applies_to": (frozenset({"principle", "fact", "requirement", "term", "action"}), _NOT_SOURCE),
    "supports": (frozenset({"principle"}), frozenset({"action"})),
    "involves": (
        frozenset({"action"}),
        frozenset({"organization", "program", "service", "term"}),
    ),
    "related_to": (_NOT_SOURCE, _NOT_SOURCE),
    "cites": (_NOT_SOURCE, frozenset({"source"})),
    # What to do if this step does not work: actions form paths ("then what?").
    "next_step": (frozenset({"action"}), frozenset({"action"})),
}

# Fields only some kinds use; every other field is common to all kinds.
KIND_ONLY_FIELDS: dict[str, frozenset[str]] = {
    "examples": frozenset({"condition"}),
    "params": frozenset({"requirement", "fact"}),
    "contact": frozenset({"organization"}),
    "url": frozenset({"program", "source", "organization"}),
    "section": frozenset({"source"}),
    "publisher": frozenset({"source"}),
    "type": frozenset({"source"}),
}

SourceType = Literal["statute", "regulation", "agency_page", "publication", "case", "seed"]


class LinkSpec(StrictModel):
    """One typed link as written in a graph file."""

    type: EdgeType
    to: str
    source: str | None = None
    purpose: str | None = None
    note: str | None = None


class Contact(StrictModel):
    phone: str | None = None
    url: str | None = None


class NodeSpec(StrictModel):
    """One node as written in a graph file; which fields a kind may use is checked after."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    aliases: list[str] = []
    summary: str | None = None
    detail: str | None = None
    sources: list[str] = []
    links: list[LinkSpec] = []
    uncertain: bool = False
    examples: list[str] = []
    params: dict[str, int | float | str] = {}
    contact: Contact | None = None
    url: str | None = None
    section: str | None = None
    publisher: str | None = None
    type: SourceType | None = None


class GraphFile(StrictModel):
    """A whole graph file: one kind, many nodes."""

    kind: NodeKind
    nodes: list[dict[str, object]]


@dataclass(frozen=True)
class Node:
    """A node as the answer code reads it: built from a checked NodeSpec, or read back from the
    start-up snapshot."""

    id: str
    kind: str
    label: str
    summary: str = ""
    detail: str = ""
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    uncertain: bool = False
    url: str | None = None
    section: str | None = None
    source_type: str | None = None
    publisher: str | None = None
    contact: dict[str, str | None] = field(default_factory=dict)
    file: str = ""
    line: int = 0


# ---- what goes out -------------------------------------------------------------------------


class Citation(BaseModel):
    """A source an answer rests on, as the graph records it (never composed)."""

    id: str
    title: str
    section: str | None = None
    url: str | None = None
    type: str | None = None
    what: str | None = None  # what kind of source it is, in plain words ("California law")


class Basis(BaseModel):
    """A principle, fact or requirement node an answer rests on."""

    id: str
    kind: str
    label: str


class Step(BaseModel):
    """One edge walked to build an answer, so an interface can show why."""

    source: str
    type: str
    target: str


class Referral(BaseModel):
    """Where to ask when the assistant cannot or should not answer alone."""

    id: str
    name: str
    phone: str | None = None
    url: str | None = None


class Answer(BaseModel):
    """The one contract: the REPL renders it, HTTP and --json serialize it, tests assert on it."""

    question: str = Field(
        description="The question as answered: control characters dropped, spaces collapsed."
    )
    intent: str | None = Field(
        default=None,
        description="The intent answered (an id in graph/intents.yaml); null for a notice or a "
        "fallback.",
    )
    confidence: float = Field(
        ge=0.0,
        le=1.0,
        description="How sure the assistant is that it understood the question, 0 to 1.",
    )
    answer: str = Field(
        description="The short answer, plain text (show it first, as text, never as HTML)."
    )
    detail: str | None = Field(
        default=None,
        description='More detail for "tell me more", plain text; null when there is none.',
    )
    citations: list[Citation] = Field(
        default=[],
        description="The one to three sources to show under the answer, most specific first, as "
        "the graph records them.",
    )
    more_citations: list[Citation] = Field(
        default=[], description="Every other source the answer rests on (fold these away)."
    )
    basis: list[Basis] = Field(
        default=[], description="The principles, facts and requirements the answer rests on."
    )
    nodes: list[str] = Field(default=[], description="Ids of every graph node the answer used.")
    walk: list[Step] = Field(
        default=[], description="The graph links walked to build the answer, to show why."
    )
    entities: dict[str, list[str]] = Field(
        default={},
        description="Node ids by kind (condition, program, service, ...) from the question or "
        "the conversation's memory.",
    )
    fallback: bool = Field(
        default=False,
        description="True when the assistant did not recognize the question; the answer says so "
        "and names who to ask.",
    )
    clarify: list[str] = Field(
        default=[],
        description='"Did you mean" choices; reply with the choice\'s number (1, 2) or its text.',
    )
    follow_ups: list[str] = Field(
        default=[], description="Questions the parent could ask next, to offer as buttons."
    )
    referrals: list[Referral] = Field(
        default=[],
        description="Who to ask (county CCS office, school district, ...), with contact details "
        "when known.",
    )
    uncertain: bool = Field(
        default=False, description="True when a source only partly confirms the answer."
    )
    screener: dict[str, object] | None = Field(
        default=None,
        description="During the eligibility check: step (the one asked now), results "
        "(requirement -> met, not_met or unknown), notes, done.",
    )
    session_id: str | None = Field(
        default=None,
        description="The conversation this answer belongs to; null for a one-off question.",
    )
