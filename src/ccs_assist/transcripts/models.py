"""What a transcript file may say, as pydantic models, and the records a read conversation
becomes. transcripts/README.md describes the same format for people who edit the YAML; a key
added here belongs in its table too."""

# pydantic copies a mutable default for each instance; ruff cannot see across files that
# StrictModel is a pydantic model, so its mutable-default rule is off here.
# ruff: noqa: RUF012

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from ccs_assist.knowledge.validation import StrictModel

SCREENER_STEPS = ("age", "residence", "medi_cal", "income", "cost", "condition")
SCREENER_RESULTS = ("met", "not_met", "unknown")


def _texts(value: Any) -> Any:
    """One piece of text or a list of them; numbers are taken as text ("21"), yes/no is not."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[Any] = []
    for item in items:
        if isinstance(item, bool):
            raise ValueError('yes/no/true/false must be in quotes here, like "yes"')
        out.append(str(item) if isinstance(item, int | float) else item)
    return out


def _words(yes_no_advice: str) -> Callable[[Any], Any]:
    """YAML reads a bare 7 as a number (taken as text here) and a bare yes/no/on/off as
    true/false, which can only be a quoting mistake."""

    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(yes_no_advice)
        return str(value) if isinstance(value, int | float) else value

    return check


Texts = Annotated[list[str], BeforeValidator(_texts)]
Question = Annotated[
    str, BeforeValidator(_words('was read as yes/no; put the words in quotes, like ask: "yes"'))
]
Title = Annotated[str, BeforeValidator(_words("was read as yes/no/on/off; put the name in quotes"))]


class ScreenerCheck(StrictModel):
    """What the eligibility screener's state must show after this turn."""

    step: str | None = None
    done: bool | None = None
    results: dict[str, str] = {}


class TurnSpec(StrictModel):
    """One turn: what the parent types and what the answer must show."""

    ask: Question = Field(min_length=1)
    intent: Texts = []
    contains: Texts = []
    contains_any: Texts = []
    detail_contains: Texts = []
    matches: Texts = []
    not_contains: Texts = []
    cites: Texts = []
    fallback: bool | None = None
    clarify: bool | None = None
    follow_ups: Texts = []
    referrals: Texts = []
    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    screener: ScreenerCheck | None = None
    note: str | None = None


class ConversationSpec(StrictModel):
    name: Title = Field(min_length=1)
    note: str | None = None
    turns: list[Any] = Field(min_length=1)


class TranscriptFile(StrictModel):
    about: str | None = None
    conversations: list[Any] = Field(min_length=1)


@dataclass(frozen=True)
class TurnCase:
    spec: TurnSpec
    line: int
    number: int


@dataclass(frozen=True)
class Case:
    """One conversation, ready to run."""

    file: str
    line: int
    name: str
    turns: tuple[TurnCase, ...]
