"""Letters: the letter kinds in graph/letters/, checked against the graph they cite, and the way
to fill one in.

    letters = Letters.load(kg)                      # checks every file; GraphError lists problems
    letters.kinds()                                 # [LetterKind, ...]
    letter = letters.make_letter("ccs_appeal", {"child_name": "Ana Ruiz", ...}, today=date(...))
    letter.text, letter.deadline, letter.citations, letter.missing, letter.next_steps

Each kind is one YAML file (see graph/letters/README.md), so an advocate can add or reword one
without programming. The deadline's days come from a graph node's `params`, not from the letter
file: the number then lives in one place, next to the source that backs it.

Privacy: a letter is made and returned; nothing here stores or logs what a parent typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from ccs_assist.errors import GraphError, Problem
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.schema import Citation
from ccs_assist.letters.dates import california_today
from ccs_assist.letters.field_values import clean_field_value
from ccs_assist.letters.filling import fill_letter
from ccs_assist.letters.kind_files import load_letter_files
from ccs_assist.letters.models import Letter, LetterError, LetterField, LetterFile, LetterKind
from ccs_assist.text import key

__all__ = ["LETTERS_FOLDER", "Letters", "check_letters"]

LETTERS_FOLDER = "letters"


class Letters:
    """The letter kinds in graph/letters/, checked against the graph they cite."""

    def __init__(self, kg: KnowledgeGraph, kinds: dict[str, LetterFile]) -> None:
        self.kg = kg
        self._kinds = kinds

    @classmethod
    def load(cls, kg: KnowledgeGraph, directory: Path | None = None) -> Letters:
        """Read every letter file; raise GraphError with every problem (file:line) found."""
        problems: list[Problem] = []
        kinds = load_letter_files(kg, directory or kg.directory / LETTERS_FOLDER, problems)
        if problems:
            raise GraphError(problems)
        return cls(kg, kinds)

    # ---- what there is --------------------------------------------------------------------

    def kinds(self) -> list[LetterKind]:
        return [kind.info for kind in self._kinds.values()]

    def kind(self, kind_id: str) -> LetterKind:
        return self._get(kind_id).info

    def fields(self, kind_id: str) -> list[LetterField]:
        return list(self._get(kind_id).info.fields)

    def __contains__(self, kind_id: object) -> bool:
        return kind_id in self._kinds

    def pick(self, text: str) -> str | None:
        """The one kind whose title or an alias is in the parent's words, the longest match
        winning; None when none matches or two tie."""
        said = f" {key(text)} "
        best: dict[str, int] = {}
        for kind_id, kind in self._kinds.items():
            length = max((len(n.split()) for n in kind.names if f" {n} " in said), default=0)
            if length:
                best[kind_id] = length
        if not best:
            return None
        top = max(best.values())
        winners = [k for k, v in best.items() if v == top]
        return winners[0] if len(winners) == 1 else None

    # ---- making a letter -----------------------------------------------------------------

    def clean_value(self, kind_id: str, name: str, value: object, today: date) -> str:
        """One field's value as the letter will hold it (dates as ISO text); LetterError when
        it cannot be used, with a message that says what to write instead."""
        return clean_field_value(self._field(kind_id, name), value, today)

    def make_letter(
        self, kind_id: str, fields: Mapping[str, object], today: date | None = None
    ) -> Letter:
        """Fill in one letter. Unknown kinds, unknown fields and unreadable dates raise
        LetterError; required fields not given are listed in `missing`, shown as [blanks]."""
        kind = self._get(kind_id)
        today = today or california_today()
        unknown = sorted(set(fields) - {f.name for f in kind.info.fields})
        if unknown:
            raise LetterError(
                f"letter '{kind_id}' has no field {', '.join(map(repr, unknown))}; its fields "
                f"are {', '.join(f.name for f in kind.info.fields)}"
            )
        values: dict[str, str] = {}
        for spec in kind.info.fields:
            given = self.clean_value(kind_id, spec.name, fields.get(spec.name, ""), today)
            if not given and spec.default == "today":
                given = today.isoformat()
            values[spec.name] = given
        then = self.kind(kind.info.then) if kind.info.then else None
        return fill_letter(self.kg, kind, values, today, self.citations(kind_id), then)

    def citations(self, kind_id: str) -> list[Citation]:
        """The sources of the nodes the letter rests on, in order, each once."""
        seen: dict[str, Citation] = {}
        for node_id in self._get(kind_id).info.rests_on:
            for source in self.kg.sources_of(node_id):
                if source not in seen:
                    seen[source] = self.kg.citation(source)
        return list(seen.values())

    # ---- pieces --------------------------------------------------------------------------

    def _get(self, kind_id: str) -> LetterFile:
        try:
            return self._kinds[kind_id]
        except KeyError:
            raise LetterError(
                f"no letter kind '{kind_id}'; the kinds are {', '.join(self._kinds)}"
            ) from None

    def _field(self, kind_id: str, name: str) -> LetterField:
        for spec in self._get(kind_id).info.fields:
            if spec.name == name:
                return spec
        raise LetterError(f"letter '{kind_id}' has no field '{name}'")


def check_letters(kg: KnowledgeGraph, directory: Path | None = None) -> str:
    """For `ccs-assist check`: one summary line, or GraphError listing every letter problem."""
    letters = Letters.load(kg, directory)
    return f"{'letters':<13}{len(letters.kinds()):>5}"
