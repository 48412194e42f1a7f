"""What the letters package hands out: the kinds, their fields, a filled-in letter and its
deadline, plus the error raised when a letter cannot be made as asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from ccs_assist.errors import CcsAssistError
from ccs_assist.knowledge.schema import Citation

__all__ = [
    "KEEP_COPY",
    "NOT_ADVICE",
    "Letter",
    "LetterDeadline",
    "LetterError",
    "LetterField",
    "LetterFile",
    "LetterKind",
]

KEEP_COPY = "I am keeping a copy of this letter."
NOT_ADVICE = "This is information, not legal advice."
_Date = date  # LetterDeadline has a field named `date`


class LetterError(CcsAssistError):
    """A letter that cannot be made as asked (unknown kind or field, unreadable date)."""


class LetterField(BaseModel):
    """One thing a letter needs from the parent."""

    name: str
    label: str = Field(description="A short name, used in messages.")
    ask: str = Field(description="The question the chat asks for it.")
    type: Literal["text", "date", "service"] = "text"
    optional: bool = False
    when: Literal["past", "future", "any"] = "any"
    default: str | None = Field(default=None, description='"today" for a date that defaults.')
    aliases: list[str] = []


class LetterKind(BaseModel):
    """A kind of letter, as GET /v1/letters and `ccs-assist letter --list` show it."""

    id: str
    title: str
    summary: str
    aliases: list[str] = []
    fields: list[LetterField]
    laws: list[str]
    rests_on: list[str]
    deadline_rule: str | None = Field(default=None, description="The graph node with the days.")
    then: str | None = Field(default=None, description="The letter for the next step, if any.")


class LetterDeadline(BaseModel):
    """The date a rule sets, counted from a date the parent gave."""

    date: _Date
    days: int
    day_kind: str | None = Field(default=None, description='"calendar" when the rule says so.')
    counted_from: _Date
    counted_from_field: str
    rule: str = Field(description="The graph node the number of days comes from.")
    sentence: str = Field(description='For the parent: "Your appeal must be postmarked by ...".')
    passed: bool = Field(description="True when the date is before today.")


class Letter(BaseModel):
    """A filled-in letter, the things it rests on, and what to do next (kept out of `text`)."""

    kind: str
    title: str
    today: date
    text: str = Field(description="The whole letter, one line per paragraph, ready to send.")
    body: str = Field(description="The letter's own paragraphs (no date, address or signature).")
    deadline: LetterDeadline | None = None
    timing: str = Field(description="When to send it: the deadline sentence, or why none.")
    laws: list[str]
    citations: list[Citation]
    missing: list[str] = Field(default=[], description="Names of required fields not given.")
    next_steps: list[str] = Field(description="What to do next, shown below the letter.")
    then: str | None = None
    notice: str = NOT_ADVICE

    def full_text(self) -> str:
        """The letter, then (below a line, not in it) the deadline and what to do next."""
        steps = "\n".join(f"- {step}" for step in self.next_steps)
        sources = "\n".join(f"- {_cite(c)}" for c in self.citations)
        return (
            f"{self.text}\n\n{'-' * 40}\nNot part of the letter:\n\n{self.timing}\n\n"
            f"What to do next:\n{steps}\n\nThis letter rests on:\n{sources}\n\n{self.notice}"
        )


def _cite(citation: Citation) -> str:
    parts = [citation.title]
    if citation.section:
        parts.append(citation.section)
    if citation.url:
        parts.append(citation.url)
    return ", ".join(parts)


@dataclass(frozen=True)
class LetterFile:
    """A letter file that passed every check: the kind it offers and the templates that fill
    it in. Only the package's own modules use it."""

    info: LetterKind
    to: str
    subject: str
    body: str
    timing: str | None
    deadline_from: str | None
    deadline_say: str | None
    next_steps: tuple[str, ...]
    file: str
    line: int
    names: tuple[str, ...] = field(default=())  # folded title and aliases, for picking a kind
