"""Reading graph/letters/: every letter file checked against the graph it cites, each problem
reported as file:line, and the files that pass turned into LetterFile."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccs_assist.errors import Problem, display_path
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.loader import line_of, read_yaml
from ccs_assist.letters.field_specs import (
    SHARED_FILE,
    load_shared_fields,
    read_field,
    unknown_keys,
)
from ccs_assist.letters.models import LetterField, LetterFile, LetterKind
from ccs_assist.letters.templates import PLAIN_NAME, placeholders
from ccs_assist.text import key

__all__ = ["load_letter_files"]

BUILTINS = frozenset({"today", "deadline", "days"})
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
_TEXT_KEYS = ("title", "summary", "to", "subject", "body", "timing")
_LIST_KEYS = ("aliases", "rests_on", "laws", "next_steps")
_DEADLINE_KEYS = ("rule", "from", "say")
_SECTION_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class _Source:
    """One letter file under check: its name for messages, its mapping and its lines."""

    file: str
    data: dict[Any, Any]
    lines: list[str]
    problems: list[Problem]

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def line(self, name: str | None = None) -> int:
        return line_of(self.data, name)

    def line_near(self, name: str, needle: str) -> int:
        """The line of `needle` at or after `name`'s line: an item of a list, a placeholder."""
        return find_line(self.lines, line_of(self.data, name), needle)

    def text_list(self, name: str) -> list[str]:
        return list(self.data.get(name) or [])


def find_line(lines: list[str], start: int, needle: str) -> int:
    """The first line from `start` (1-based) that contains `needle`; `start` if none does."""
    for number in range(max(start, 1), len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return start


def load_letter_files(
    kg: KnowledgeGraph, directory: Path, problems: list[Problem]
) -> dict[str, LetterFile]:
    """Every letter file in `directory` that passes its checks, by id; problems are added."""
    if not directory.is_dir():
        return {}  # a graph without letters (a test graph, another project's) is still a graph
    shared = load_shared_fields(directory / SHARED_FILE, problems)
    kinds: dict[str, LetterFile] = {}
    owners: dict[str, str] = {}  # a title or alias -> the letter that has it
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        kind = _load_kind(kg, path, shared, problems)
        if kind is not None:
            _add_kind(kinds, owners, kind, problems)
    for kind in kinds.values():
        then = kind.info.then
        if then and then not in kinds:
            problems.append(
                Problem(
                    kind.file,
                    kind.line,
                    f"letter '{kind.info.id}': 'then' names '{then}', which is not a letter kind",
                )
            )
    if not kinds and not problems:
        problems.append(Problem(display_path(directory), 0, "no letter files (*.yaml)"))
    return kinds


def _add_kind(
    kinds: dict[str, LetterFile], owners: dict[str, str], kind: LetterFile, problems: list[Problem]
) -> None:
    """Keep `kind` unless its id is taken; each of its names must be its alone."""
    kind_id = kind.info.id
    if kind_id in kinds:
        first = kinds[kind_id]
        problems.append(
            Problem(
                kind.file, kind.line, f"duplicate letter id '{kind_id}' (first in {first.file})"
            )
        )
        return
    for name in kind.names:
        other = owners.setdefault(name, kind_id)
        if other != kind_id:
            problems.append(
                Problem(
                    kind.file,
                    kind.line,
                    f"name '{name}' of letter '{kind_id}' is already a name of letter '{other}'",
                )
            )
    kinds[kind_id] = kind


def _load_kind(
    kg: KnowledgeGraph, path: Path, shared: dict[str, LetterField], problems: list[Problem]
) -> LetterFile | None:
    """One letter file, or None when it has a problem. Checks that later ones rest on (the
    keys are there, the values have the right types) stop the file early."""
    source = _open(path, problems)
    if source is None:
        return None
    before = len(problems)
    _check_keys(source)
    if len(problems) > before or not _check_id(source, path.stem):
        return None
    _check_value_types(source)
    if len(problems) > before:
        return None
    fields = _read_fields(source, shared)
    _check_rests_on(kg, source)
    _check_laws(kg, source)
    _check_deadline(kg, source, {f.name for f in fields if f.type == "date"})
    _check_placeholders(source, {f.name for f in fields} | BUILTINS)
    if source.data.get("then") is not None and not isinstance(source.data["then"], str):
        source.report(source.line("then"), "'then' must be a letter id")
    if len(problems) > before:
        return None
    return _letter_file(source, fields)


def _open(path: Path, problems: list[Problem]) -> _Source | None:
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
    return _Source(name, data, lines, problems)


def _check_keys(source: _Source) -> None:
    for extra in unknown_keys(source.data, _KIND_KEYS):
        source.report(source.line(str(extra)), f"unknown field '{extra}'")
    for needed in _REQUIRED_KEYS:
        if not source.data.get(needed):
            source.report(source.line(), f"missing field '{needed}'")


def _check_id(source: _Source, stem: str) -> bool:
    """False when the id cannot be used at all; a mere mismatch with the file name is reported."""
    kind_id = source.data["id"]
    if not isinstance(kind_id, str) or not PLAIN_NAME.match(kind_id):
        source.report(source.line("id"), "'id' must be lower case letters, digits and _")
        return False
    if kind_id != stem:
        source.report(source.line("id"), f"id '{kind_id}' must match the file name ({stem}.yaml)")
    return True


def _check_value_types(source: _Source) -> None:
    for text_key in _TEXT_KEYS:
        value = source.data.get(text_key)
        if value is not None and not isinstance(value, str):
            source.report(source.line(text_key), f"'{text_key}' must be text")
    for list_key in _LIST_KEYS:
        value = source.data.get(list_key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            source.report(source.line(list_key), f"'{list_key}' must be a list of text")
    if not isinstance(source.data["fields"], list):
        source.report(source.line("fields"), "'fields' must be a list")


def _read_fields(source: _Source, shared: dict[str, LetterField]) -> list[LetterField]:
    fields: list[LetterField] = []
    for raw in source.data["fields"]:
        where = line_of(raw) if isinstance(raw, dict) else source.line_near("fields", str(raw))
        spec = read_field(raw, shared, source.file, where, source.problems)
        if spec is None:
            continue
        if any(f.name == spec.name for f in fields):
            source.report(where, f"field '{spec.name}' is listed twice")
            continue
        fields.append(spec)
    return fields


def _check_rests_on(kg: KnowledgeGraph, source: _Source) -> None:
    for node_id in source.text_list("rests_on"):
        where = source.line_near("rests_on", node_id)
        if node_id not in kg:
            source.report(
                where,
                f"rests_on '{node_id}', which is not a graph node (see ccs-assist graph export)",
            )
        elif kg.node(node_id).kind == "source":
            source.report(where, f"rests_on '{node_id}' is a source; list the node that cites it")


def _check_laws(kg: KnowledgeGraph, source: _Source) -> None:
    """Each law is named in the body, and its section numbers are in the cited sources'."""
    sections = " ".join(
        f"{kg.node(s).section or ''} {kg.node(s).label}"
        for node_id in source.text_list("rests_on")
        if node_id in kg
        for s in kg.sources_of(node_id)
    )
    cited_numbers = set(_SECTION_NUMBER.findall(sections))
    body = " ".join(str(source.data["body"]).split())
    for law in source.text_list("laws"):
        where = source.line_near("laws", law)
        if law not in body:
            source.report(where, f"law '{law}' is not named in the body")
        numbers = _SECTION_NUMBER.findall(law)
        if not numbers or not set(numbers) <= cited_numbers:
            source.report(
                where, f"law '{law}' is not in the sections of the sources the letter rests on"
            )


def _check_deadline(kg: KnowledgeGraph, source: _Source, date_fields: set[str]) -> None:
    """The deadline names a rule with days, a date field to count from and a sentence; a
    letter without one says in 'timing' when to send it."""
    deadline = source.data.get("deadline")
    if deadline is None:
        if not source.data.get("timing"):
            source.report(
                source.line(),
                "a letter with no 'deadline' needs 'timing': a sentence on when to send it",
            )
        return
    if not isinstance(deadline, dict):
        source.report(source.line("deadline"), "'deadline' needs rule, from and say")
        return
    for extra in unknown_keys(deadline, _DEADLINE_KEYS):
        source.report(line_of(deadline, str(extra)), f"deadline: unknown field '{extra}'")
    _check_deadline_rule(kg, source, deadline)
    start_field = deadline.get("from")
    if start_field not in date_fields:
        source.report(
            line_of(deadline, "from"),
            f"deadline 'from' must name one of this letter's date fields, not '{start_field}'",
        )
    say = deadline.get("say")
    if not isinstance(say, str) or not say.strip():
        source.report(
            source.line("deadline"),
            "deadline: missing 'say' (the sentence that tells the parent the date)",
        )


def _check_deadline_rule(kg: KnowledgeGraph, source: _Source, deadline: dict[Any, Any]) -> None:
    rule = deadline.get("rule")
    where = line_of(deadline, "rule")
    if not isinstance(rule, str) or rule not in kg:
        source.report(where, f"deadline rule '{rule}' is not a graph node")
    elif not isinstance(kg.node(rule).params.get("days"), int):
        source.report(where, f"deadline rule '{rule}' has no whole number of 'days' in its params")
    elif rule not in source.text_list("rests_on"):
        source.report(where, f"deadline rule '{rule}' must also be listed in rests_on")


def _check_placeholders(source: _Source, allowed: set[str]) -> None:
    """Every {placeholder} in every template is a plain name of a field or a builtin."""
    for template_key, template in _templates(source):
        start = source.line(template_key)
        try:
            used = placeholders(template)
        except ValueError as error:
            source.report(start, f"'{template_key}': bad placeholder ({error})")
            continue
        for placeholder in used:
            if placeholder not in allowed:
                source.report(
                    find_line(source.lines, start, "{" + placeholder + "}"),
                    f"'{template_key}': placeholder '{{{placeholder}}}' is not a field of this "
                    f"letter (fields: {', '.join(sorted(allowed))})",
                )


def _templates(source: _Source) -> list[tuple[str, str]]:
    """(the key it is under, the template) for each text the letter fills in."""
    data = source.data
    found: list[tuple[str, Any]] = [(k, data.get(k)) for k in ("to", "subject", "body", "timing")]
    if isinstance(data.get("deadline"), dict):
        found.append(("deadline", data["deadline"].get("say")))
    found += [("next_steps", step) for step in source.text_list("next_steps")]
    return [(name, template) for name, template in found if isinstance(template, str)]


def _letter_file(source: _Source, fields: list[LetterField]) -> LetterFile:
    """A file with no problems, as the kind it offers and the templates it fills in."""
    data = source.data
    deadline: dict[Any, Any] = data.get("deadline") or {}
    info = LetterKind(
        id=data["id"],
        title=" ".join(str(data["title"]).split()),
        summary=" ".join(str(data["summary"]).split()),
        aliases=source.text_list("aliases"),
        fields=fields,
        laws=source.text_list("laws"),
        rests_on=source.text_list("rests_on"),
        deadline_rule=deadline.get("rule"),
        then=data.get("then"),
    )
    names = {key(info.title)} | {key(a) for a in info.aliases}
    return LetterFile(
        info=info,
        to=str(data["to"]),
        subject=str(data["subject"]),
        body=str(data["body"]),
        timing=str(data["timing"]) if data.get("timing") else None,
        deadline_from=deadline.get("from"),
        deadline_say=deadline.get("say"),
        next_steps=tuple(source.text_list("next_steps")),
        file=source.file,
        line=source.line(),
        names=tuple(sorted(n for n in names if n)),
    )
