"""Letters a parent can send, filled in from a few answers and cited from the graph.

Each kind of letter is one YAML file in graph/letters/ (see graph/letters/README.md), so an
advocate can add or reword one without programming: its fields, the graph nodes it rests on
(their sources become the letter's citations), the laws it names, the deadline rule and a
plain-language body template. `_fields.yaml` holds the fields several letters share.

    from ccs_assist.letters.kinds import Letters
    letters = Letters.load(kg)                      # checks every file; GraphError lists problems
    letters.kinds()                                 # [LetterKind, ...]
    letter = letters.make_letter("ccs_appeal", {"child_name": "Ana Ruiz", ...}, today=date(...))
    letter.text, letter.deadline, letter.citations, letter.missing, letter.next_steps

Why the deadline's days come from a graph node's `params` and not from the letter file: the
number then lives in one place, next to the source that backs it.

Privacy: a letter is made and returned; nothing here stores or logs what a parent typed.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from ccs_assist.errors import CcsAssistError, GraphError, Problem, display_path
from ccs_assist.knowledge.graph import KnowledgeGraph, default_graph_dir
from ccs_assist.knowledge.loader import line_of, read_yaml
from ccs_assist.knowledge.schema import Citation
from ccs_assist.text import fold, key, words

__all__ = [
    "Letter",
    "LetterDeadline",
    "LetterError",
    "LetterField",
    "LetterKind",
    "Letters",
    "california_today",
    "check_letters",
    "format_date",
    "make_letter",
    "parse_date",
]

LETTERS_FOLDER = "letters"
SHARED_FILE = "_fields.yaml"
BUILTINS = frozenset({"today", "deadline", "days"})
FIELD_TYPES = ("text", "date", "service")
WHEN = ("past", "future", "any")
MAX_FIELD_CHARS = 1000
KEEP_COPY = "I am keeping a copy of this letter."
NOT_ADVICE = "This is information, not legal advice."

_KIND_KEYS = {
    "id",
    "title",
    "summary",
    "aliases",
    "to",
    "subject",
    "rests_on",
    "laws",
    "fields",
    "deadline",
    "timing",
    "body",
    "next_steps",
    "then",
}
_REQUIRED_KEYS = ("id", "title", "summary", "to", "subject", "rests_on", "laws", "fields", "body")
_FIELD_KEYS = {"name", "label", "ask", "type", "optional", "when", "default", "aliases"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_Date = date  # LetterDeadline has a field named `date`


class LetterError(CcsAssistError):
    """A letter that cannot be made as asked (unknown kind or field, unreadable date)."""


# ---- what goes out -------------------------------------------------------------------------


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


# ---- dates and services ------------------------------------------------------------------


def california_today() -> date:
    """Today where the parents are: a late-evening letter in California is not dated tomorrow."""
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("America/Los_Angeles")).date()
    except Exception:  # no time zone data on this machine: the local date is close enough
        return date.today()


def format_date(day: date) -> str:
    """'November 24, 2026': the way a letter spells a date."""
    return f"{day:%B} {day.day}, {day.year}"


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?(?:,?\s+(\d{4}))?$")


def parse_date(text: str, today: date, when: str = "any") -> date | None:
    """A date as parents write it: 2026-11-03, 11/3/2026, Nov 3 2026, 3 November, today,
    yesterday. Without a year, the nearest such date on the right side of today (a notice's
    date is in the past, a meeting's in the future). None when it cannot be read."""
    raw = " ".join(unicodedata.normalize("NFKC", text).lower().replace(",", ", ").split())
    raw = re.sub(r"^(on|it was|it is|the)\s+", "", raw).strip(" .")
    raw = raw.replace(" ,", ",")
    if raw in ("today", "now", "today's date", "todays date"):
        return today
    if raw == "yesterday":
        return today - timedelta(days=1)
    if raw == "tomorrow":
        return today + timedelta(days=1)
    year: int | None
    if match := _ISO.match(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NUMERIC.match(raw):
        month, day = int(match.group(1)), int(match.group(2))
        year = _full_year(match.group(3), today)
    elif (match := _MONTH_FIRST.match(raw)) and match.group(1) in _MONTHS:
        month, day = _MONTHS[match.group(1)], int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
    elif (match := _DAY_FIRST.match(raw)) and match.group(2) in _MONTHS:
        day, month = int(match.group(1)), _MONTHS[match.group(2)]
        year = int(match.group(3)) if match.group(3) else None
    else:
        return None
    if year is not None:
        return _make_date(year, month, day)
    guess = _make_date(today.year, month, day)
    if guess is None:
        return None
    if when == "past" and guess > today:
        return _make_date(today.year - 1, month, day)
    if when == "future" and guess < today:
        return _make_date(today.year + 1, month, day)
    return guess


def _full_year(text: str | None, today: date) -> int | None:
    if text is None:
        return None
    value = int(text)
    if len(text) == 4:
        return value
    return 2000 + value if 2000 + value <= today.year + 1 else 1900 + value


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_SERVICE_WORDS = (
    ("occupational therapy (OT)", {"ot", "occupational"}),
    ("physical therapy (PT)", {"pt", "physical", "physio"}),
    ("speech therapy", {"speech", "slp"}),
)


def normalize_service(text: str) -> str:
    """'OT', 'pt', 'both' -> the therapies' plain names; anything else is kept as written."""
    said = set(words(text))
    names = [name for name, cues in _SERVICE_WORDS if said & cues]
    if not names and said & {"both", "two"}:
        names = [_SERVICE_WORDS[0][0], _SERVICE_WORDS[1][0]]
    if not names:
        return text.strip()
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ---- the letter kinds ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """A checked letter file."""

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


class Letters:
    """The letter kinds in graph/letters/, checked against the graph they cite."""

    def __init__(self, kg: KnowledgeGraph, kinds: dict[str, _Kind]) -> None:
        self.kg = kg
        self._kinds = kinds

    @classmethod
    def load(cls, kg: KnowledgeGraph, directory: Path | None = None) -> Letters:
        """Read every letter file; raise GraphError with every problem (file:line) found."""
        problems: list[Problem] = []
        kinds = _load_kinds(kg, directory or kg.directory / LETTERS_FOLDER, problems)
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

    def find(self, text: str) -> list[str]:
        """Kinds whose title or an alias is in the parent's words, best (longest match) first."""
        said = f" {key(text)} "
        scored: list[tuple[int, int, str]] = []
        for order, (kind_id, kind) in enumerate(self._kinds.items()):
            best = max((len(n.split()) for n in kind.names if f" {n} " in said), default=0)
            if best:
                scored.append((-best, order, kind_id))
        return [kind_id for _, _, kind_id in sorted(scored)]

    def pick(self, text: str) -> str | None:
        """The one kind the parent's words point to, or None when none or a tie."""
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
        spec = self._field(kind_id, name)
        if isinstance(value, date):
            day = value
        elif isinstance(value, str):
            text = _clean_text(value)
            if len(text) > MAX_FIELD_CHARS:
                raise LetterError(
                    f"{name}: {len(text):,} characters is too long; keep it under "
                    f"{MAX_FIELD_CHARS:,}"
                )
            if spec.type == "service" and text:
                return normalize_service(text)
            if spec.type != "date" or not text:
                return text
            parsed = parse_date(text, today, spec.when)
            if parsed is None:
                raise LetterError(
                    f"{name}: I can't read {text[:40]!r} as a date; write it like "
                    f"{format_date(today)} or {today.isoformat()}"
                )
            day = parsed
        else:
            raise LetterError(f"{name}: a field's value must be text, not {type(value).__name__}")
        if spec.when == "past" and day > today:
            raise LetterError(f"{name}: {format_date(day)} is after today; {spec.label} is past")
        if spec.when == "future" and day < today:
            raise LetterError(f"{name}: {format_date(day)} is before today; it must be ahead")
        return day.isoformat()

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
        missing = [f.name for f in kind.info.fields if not f.optional and not values[f.name]]
        shown = self._shown(kind, values)
        deadline = self._deadline(kind, values, today)
        builtins = {
            "today": format_date(today),
            "days": str(self._days(kind) or ""),
            "deadline": format_date(deadline.date) if deadline else "[the deadline]",
        }
        shown |= builtins
        body = _fill_paragraphs(kind.body, shown, values, kind.info.fields)
        timing = _fill(kind.deadline_say or kind.timing or "", shown)
        if deadline is not None:
            deadline = deadline.model_copy(update={"sentence": timing})
        text = "\n".join(
            [
                format_date(today),
                "",
                f"From: {shown['parent_name']}" if "parent_name" in shown else "From:",
                *([shown["parent_contact"]] if "parent_contact" in shown else []),
                "",
                f"To: {_fill(kind.to, shown)}",
                "",
                f"Re: {_fill(kind.subject, shown)}",
                "",
                body,
                "",
                KEEP_COPY,
                "",
                "Sincerely,",
                "",
                shown.get("parent_name", ""),
            ]
        )
        return Letter(
            kind=kind_id,
            title=kind.info.title,
            today=today,
            text=text,
            body=body,
            deadline=deadline,
            timing=timing,
            laws=list(kind.info.laws),
            citations=self.citations(kind_id),
            missing=missing,
            next_steps=self._next_steps(kind, shown, deadline),
            then=kind.info.then,
        )

    def citations(self, kind_id: str) -> list[Citation]:
        """The sources of the nodes the letter rests on, in order, each once."""
        seen: dict[str, Citation] = {}
        for node_id in self._get(kind_id).info.rests_on:
            for source in self.kg.sources_of(node_id):
                if source not in seen:
                    seen[source] = self.kg.citation(source)
        return list(seen.values())

    # ---- pieces --------------------------------------------------------------------------

    def _get(self, kind_id: str) -> _Kind:
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

    def _days(self, kind: _Kind) -> int | None:
        rule = kind.info.deadline_rule
        return int(self.kg.node(rule).params["days"]) if rule else None

    def _shown(self, kind: _Kind, values: dict[str, str]) -> dict[str, str]:
        shown: dict[str, str] = {}
        for spec in kind.info.fields:
            value = values[spec.name]
            if spec.type == "date" and value:
                value = format_date(date.fromisoformat(value))
            shown[spec.name] = value or f"[{spec.label}]"
        return shown

    def _deadline(self, kind: _Kind, values: dict[str, str], today: date) -> LetterDeadline | None:
        rule, start_field = kind.info.deadline_rule, kind.deadline_from
        if rule is None or start_field is None or not values.get(start_field):
            return None
        params = self.kg.node(rule).params
        start = date.fromisoformat(values[start_field])
        days = int(params["days"])
        due = start + timedelta(days=days)
        return LetterDeadline(
            date=due,
            days=days,
            day_kind=str(params["day_kind"]) if "day_kind" in params else None,
            counted_from=start,
            counted_from_field=start_field,
            rule=rule,
            sentence="",
            passed=due < today,
        )

    def _next_steps(
        self, kind: _Kind, shown: dict[str, str], deadline: LetterDeadline | None
    ) -> list[str]:
        steps: list[str] = []
        if deadline is not None and deadline.passed:
            steps.append(
                f"{format_date(deadline.date)} has already passed. Contact your county CCS "
                "office, the school district or Disability Rights California right away to ask "
                "what you can still do."
                if kind.info.id.startswith("ccs")
                else f"{format_date(deadline.date)} has already passed. Ask the district in "
                "writing where things stand."
            )
        steps.extend(_fill(step, shown) for step in kind.next_steps)
        covered = set(self._get(kind.info.then).info.rests_on) if kind.info.then else set()
        after = [
            target
            for node_id in kind.info.rests_on
            for target, _ in self.kg.out(node_id, "next_step")
            if target not in covered
        ]
        labels = [self.kg.node(target).label for target in dict.fromkeys(after)]
        if labels:  # the graph's own "then what?" path from the steps this letter takes
            later = [
                label[0].lower() + label[1:] if label[1:2].islower() else label
                for label in labels[1:]
            ]
            steps.append("If that does not work: " + ", or ".join([labels[0], *later]) + ".")
        if kind.info.then:
            steps.append(f'The letter for the next step: "{self.kind(kind.info.then).title}".')
        steps.append("Keep a copy of the letter and of anything you get back, with the dates.")
        return steps


# ---- filling templates ---------------------------------------------------------------------


def _clean_text(text: str) -> str:
    kept = (ch if not unicodedata.category(ch).startswith("C") else " " for ch in text)
    return " ".join("".join(kept).split())


def _placeholders(template: str) -> list[str]:
    """Names used in a template; ValueError for a brace that is not a placeholder."""
    names: list[str] = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conversion or not _ID.match(name):
            raise ValueError(f"'{{{name}}}' is not a plain placeholder like {{child_name}}")
        names.append(name)
    return names


def _fill(template: str, shown: Mapping[str, str]) -> str:
    """Placeholders replaced; the text is reflowed so each paragraph is one line."""
    return " ".join(template.format_map(dict(shown)).split())


def _fill_paragraphs(
    template: str, shown: Mapping[str, str], values: Mapping[str, str], fields: list[LetterField]
) -> str:
    """Each paragraph filled and put on one line; a paragraph that uses an optional field the
    parent left blank is left out (so optional details never leave a hole in the letter)."""
    blank_optional = {f.name for f in fields if f.optional and not values.get(f.name)}
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", template.strip()):
        if blank_optional & set(_placeholders(paragraph)):
            continue
        out.append(_fill(paragraph, shown))
    return "\n\n".join(out)


# ---- reading and checking the files --------------------------------------------------------


def _find_line(lines: list[str], start: int, needle: str) -> int:
    """The first line from `start` (1-based) that contains `needle`; `start` if none does."""
    for number in range(max(start, 1), len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return start


def _load_kinds(kg: KnowledgeGraph, directory: Path, problems: list[Problem]) -> dict[str, _Kind]:
    if not directory.is_dir():
        return {}  # a graph without letters (a test graph, another project's) is still a graph
    shared = _load_shared(directory / SHARED_FILE, problems)
    kinds: dict[str, _Kind] = {}
    thens: list[tuple[str, int, str, str]] = []
    owners: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        kind = _load_kind(kg, path, shared, problems)
        if kind is None:
            continue
        if kind.info.id in kinds:
            first = kinds[kind.info.id]
            problems.append(
                Problem(
                    kind.file,
                    kind.line,
                    f"duplicate letter id '{kind.info.id}' (first in {first.file})",
                )
            )
            continue
        for name in kind.names:
            other = owners.setdefault(name, kind.info.id)
            if other != kind.info.id:
                problems.append(
                    Problem(
                        kind.file,
                        kind.line,
                        f"name '{name}' of letter '{kind.info.id}' is "
                        f"already a name of letter '{other}'",
                    )
                )
        kinds[kind.info.id] = kind
        if kind.info.then:
            thens.append((kind.file, kind.line, kind.info.id, kind.info.then))
    for file, line, kind_id, then in thens:
        if then not in kinds:
            problems.append(
                Problem(
                    file,
                    line,
                    f"letter '{kind_id}': 'then' names '{then}', which is not a letter kind",
                )
            )
    if not kinds and not problems:
        problems.append(Problem(display_path(directory), 0, "no letter files (*.yaml)"))
    return kinds


def _load_shared(path: Path, problems: list[Problem]) -> dict[str, LetterField]:
    if not path.exists():
        return {}
    data = read_yaml(path, problems)
    name = display_path(path)
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        problems.append(Problem(name, line_of(data), "the shared file must have a 'fields:' list"))
        return {}
    shared: dict[str, LetterField] = {}
    for raw in data["fields"]:
        spec = _read_field(raw, {}, name, line_of(data, "fields"), problems)
        if spec is not None:
            if spec.name in shared:
                problems.append(
                    Problem(name, line_of(raw), f"field '{spec.name}' is defined twice")
                )
            shared[spec.name] = spec
    return shared


def _read_field(
    raw: Any, shared: dict[str, LetterField], file: str, line: int, problems: list[Problem]
) -> LetterField | None:
    """One field: a shared field's name, or a mapping that defines or adjusts one."""
    if isinstance(raw, str):
        if raw not in shared:
            problems.append(
                Problem(
                    file,
                    line,
                    f"field '{raw}' is not in {SHARED_FILE}; define "
                    "it here with name, label and ask",
                )
            )
            return None
        return shared[raw]
    if not isinstance(raw, dict):
        problems.append(
            Problem(file, line, f"a field must be a name or a mapping, not {raw!r:.40}")
        )
        return None
    line = line_of(raw) or line
    clean = {k: v for k, v in raw.items() if not str(k).startswith("__")}
    for extra in sorted(set(clean) - _FIELD_KEYS):
        problems.append(Problem(file, line_of(raw, extra), f"field: unknown key '{extra}'"))
    name = clean.get("name")
    if not isinstance(name, str) or not _ID.match(name):
        problems.append(Problem(file, line, "field: 'name' must be lower case letters, digits, _"))
        return None
    base = shared[name].model_dump() if name in shared else {}
    merged = base | {k: v for k, v in clean.items() if k in _FIELD_KEYS}
    for needed in ("label", "ask"):
        if not isinstance(merged.get(needed), str) or not merged[needed].strip():
            problems.append(Problem(file, line, f"field '{name}': missing '{needed}'"))
            return None
    if merged.get("type", "text") not in FIELD_TYPES:
        problems.append(
            Problem(
                file,
                line_of(raw, "type"),
                f"field '{name}': 'type' must be one of {', '.join(FIELD_TYPES)}",
            )
        )
        return None
    if merged.get("when", "any") not in WHEN:
        problems.append(
            Problem(
                file,
                line_of(raw, "when"),
                f"field '{name}': 'when' must be one of {', '.join(WHEN)}",
            )
        )
        return None
    if merged.get("default") not in (None, "today") or (
        merged.get("default") and merged.get("type") != "date"
    ):
        problems.append(
            Problem(
                file,
                line_of(raw, "default"),
                f"field '{name}': 'default' can only be 'today', on a date field",
            )
        )
        return None
    aliases = merged.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        problems.append(
            Problem(
                file, line_of(raw, "aliases"), f"field '{name}': 'aliases' must be a list of words"
            )
        )
        return None
    merged["aliases"] = aliases
    merged["ask"] = " ".join(str(merged["ask"]).split())
    merged["optional"] = bool(merged.get("optional", False))
    return LetterField.model_validate(merged)


def _load_kind(
    kg: KnowledgeGraph, path: Path, shared: dict[str, LetterField], problems: list[Problem]
) -> _Kind | None:
    name = display_path(path)
    data = read_yaml(path, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(Problem(name, 1, "a letter file must be a mapping (id:, title:, ...)"))
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    before = len(problems)
    for extra in sorted(k for k in data if not str(k).startswith("__") and k not in _KIND_KEYS):
        problems.append(Problem(name, line_of(data, str(extra)), f"unknown field '{extra}'"))
    for needed in _REQUIRED_KEYS:
        if not data.get(needed):
            problems.append(Problem(name, line_of(data), f"missing field '{needed}'"))
    if len(problems) > before:
        return None
    kind_id = data["id"]
    if not isinstance(kind_id, str) or not _ID.match(kind_id):
        problems.append(
            Problem(name, line_of(data, "id"), "'id' must be lower case letters, digits and _")
        )
        return None
    if kind_id != path.stem:
        problems.append(
            Problem(
                name,
                line_of(data, "id"),
                f"id '{kind_id}' must match the file name ({path.stem}.yaml)",
            )
        )
    texts = {k: data.get(k) for k in ("title", "summary", "to", "subject", "body", "timing")}
    for text_key, value in texts.items():
        if value is not None and not isinstance(value, str):
            problems.append(Problem(name, line_of(data, text_key), f"'{text_key}' must be text"))
    lists = {k: data.get(k) or [] for k in ("aliases", "rests_on", "laws", "next_steps")}
    for list_key, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(
                Problem(name, line_of(data, list_key), f"'{list_key}' must be a list of text")
            )
    if not isinstance(data["fields"], list):
        problems.append(Problem(name, line_of(data, "fields"), "'fields' must be a list"))
    if len(problems) > before:
        return None

    # fields
    fields: list[LetterField] = []
    fields_line = line_of(data, "fields")
    for raw in data["fields"]:
        where = line_of(raw) if isinstance(raw, dict) else _find_line(lines, fields_line, str(raw))
        spec = _read_field(raw, shared, name, where, problems)
        if spec is None:
            continue
        if any(f.name == spec.name for f in fields):
            problems.append(Problem(name, where, f"field '{spec.name}' is listed twice"))
            continue
        fields.append(spec)
    field_names = {f.name for f in fields}
    date_fields = {f.name for f in fields if f.type == "date"}

    # the nodes it rests on, and the laws it names
    rests_on: list[str] = lists["rests_on"]
    rests_line = line_of(data, "rests_on")
    for node_id in rests_on:
        where = _find_line(lines, rests_line, node_id)
        if node_id not in kg:
            problems.append(
                Problem(
                    name,
                    where,
                    f"rests_on '{node_id}', which is not a graph "
                    "node (see ccs-assist graph export)",
                )
            )
        elif kg.node(node_id).kind == "source":
            problems.append(
                Problem(
                    name, where, f"rests_on '{node_id}' is a source; list the node that cites it"
                )
            )
    sections = " ".join(
        f"{kg.node(s).section or ''} {kg.node(s).label}"
        for node_id in rests_on
        if node_id in kg
        for s in kg.sources_of(node_id)
    )
    cited_numbers = set(re.findall(r"\d+(?:\.\d+)?", sections))
    body = str(data["body"])
    for law in lists["laws"]:
        where = _find_line(lines, line_of(data, "laws"), law)
        if law not in " ".join(body.split()):
            problems.append(Problem(name, where, f"law '{law}' is not named in the body"))
        numbers = re.findall(r"\d+(?:\.\d+)?", law)
        if not numbers or not set(numbers) <= cited_numbers:
            problems.append(
                Problem(
                    name,
                    where,
                    f"law '{law}' is not in the sections of the sources the letter rests on",
                )
            )

    # the deadline, or why there is none
    deadline = data.get("deadline")
    rule = start_field = say = None
    if deadline is not None:
        dl_line = line_of(data, "deadline")
        if not isinstance(deadline, dict):
            problems.append(Problem(name, dl_line, "'deadline' needs rule, from and say"))
        else:
            rule, start_field, say = deadline.get("rule"), deadline.get("from"), deadline.get("say")
            for extra in sorted(
                k
                for k in deadline
                if not str(k).startswith("__") and k not in ("rule", "from", "say")
            ):
                problems.append(
                    Problem(
                        name, line_of(deadline, str(extra)), f"deadline: unknown field '{extra}'"
                    )
                )
            if not isinstance(rule, str) or rule not in kg:
                problems.append(
                    Problem(
                        name,
                        line_of(deadline, "rule"),
                        f"deadline rule '{rule}' is not a graph node",
                    )
                )
                rule = None
            elif not isinstance(kg.node(rule).params.get("days"), int):
                problems.append(
                    Problem(
                        name,
                        line_of(deadline, "rule"),
                        f"deadline rule '{rule}' has no whole number of 'days' in its params",
                    )
                )
                rule = None
            elif rule not in rests_on:
                problems.append(
                    Problem(
                        name,
                        line_of(deadline, "rule"),
                        f"deadline rule '{rule}' must also be listed in rests_on",
                    )
                )
            if start_field not in date_fields:
                problems.append(
                    Problem(
                        name,
                        line_of(deadline, "from"),
                        f"deadline 'from' must "
                        f"name one of this letter's date fields, not "
                        f"'{start_field}'",
                    )
                )
                start_field = None
            if not isinstance(say, str) or not say.strip():
                problems.append(
                    Problem(
                        name,
                        dl_line,
                        "deadline: missing 'say' (the sentence that tells the parent the date)",
                    )
                )
                say = None
    elif not data.get("timing"):
        problems.append(
            Problem(
                name,
                line_of(data),
                "a letter with no 'deadline' needs 'timing': a sentence on when to send it",
            )
        )

    # placeholders in every template
    allowed = field_names | BUILTINS
    templates = [(k, data.get(k)) for k in ("to", "subject", "body", "timing")]
    if isinstance(deadline, dict):
        templates.append(("deadline", deadline.get("say")))
    templates += [("next_steps", step) for step in lists["next_steps"]]
    for template_key, template in templates:
        if not isinstance(template, str):
            continue
        start = line_of(data, template_key)
        try:
            used = _placeholders(template)
        except ValueError as error:
            problems.append(Problem(name, start, f"'{template_key}': bad placeholder ({error})"))
            continue
        for placeholder in used:
            if placeholder not in allowed:
                where = _find_line(lines, start, "{" + placeholder + "}")
                problems.append(
                    Problem(
                        name,
                        where,
                        f"'{template_key}': placeholder "
                        f"'{{{placeholder}}}' is not a field of this letter "
                        f"(fields: {', '.join(sorted(allowed))})",
                    )
                )
    then = data.get("then")
    if then is not None and not isinstance(then, str):
        problems.append(Problem(name, line_of(data, "then"), "'then' must be a letter id"))
    if len(problems) > before:
        return None
    info = LetterKind(
        id=kind_id,
        title=" ".join(str(data["title"]).split()),
        summary=" ".join(str(data["summary"]).split()),
        aliases=list(lists["aliases"]),
        fields=fields,
        laws=list(lists["laws"]),
        rests_on=list(rests_on),
        deadline_rule=rule,
        then=then,
    )
    names = {key(info.title)} | {key(a) for a in info.aliases}
    return _Kind(
        info=info,
        to=str(data["to"]),
        subject=str(data["subject"]),
        body=body,
        timing=str(data["timing"]) if data.get("timing") else None,
        deadline_from=start_field,
        deadline_say=say,
        next_steps=tuple(lists["next_steps"]),
        file=name,
        line=line_of(data),
        names=tuple(sorted(n for n in names if n)),
    )


def check_letters(kg: KnowledgeGraph, directory: Path | None = None) -> str:
    """For `ccs-assist check`: one summary line, or GraphError listing every letter problem."""
    letters = Letters.load(kg, directory)
    return f"{'letters':<13}{len(letters.kinds()):>5}"


# ---- the short way -------------------------------------------------------------------------

_DEFAULT: dict[Path, Letters] = {}


def make_letter(
    kind: str,
    fields: Mapping[str, object],
    today: date | None = None,
    *,
    graph_dir: Path | None = None,
) -> Letter:
    """One letter from the default graph/ (loaded once per process)."""
    directory = Path(graph_dir) if graph_dir else default_graph_dir()
    if directory not in _DEFAULT:
        _DEFAULT[directory] = Letters.load(KnowledgeGraph.load(directory))
    return _DEFAULT[directory].make_letter(kind, fields, today)


def field_words(spec: LetterField) -> set[str]:
    """The folded names a parent may use for a field ("birthday", "date of birth")."""
    return {fold(n) for n in (spec.name.replace("_", " "), spec.label, *spec.aliases)}
