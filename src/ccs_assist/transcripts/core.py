"""Scripted conversations in transcripts/*.yaml, and the runner that checks them.

A transcript file holds conversations; a conversation is a list of turns; a turn is what the
parent types (`ask`) and what the answer must show (intent, text, citations, ...). Turns of one
conversation share memory, exactly as in the chat. The format is documented for non-programmers
in transcripts/README.md; this module is its only reader.

    ccs-assist test-transcripts [PATHS] [--json] [--coverage]

Every problem in a file is reported with its file and line (a typo'd key gets a "did you mean"),
never as a traceback. Conversations in a `pending/` folder are skipped unless that folder (or a
file in it) is named on the command line.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ccs_assist.errors import CcsAssistError, Problem, display_path
from ccs_assist.knowledge.graph import project_dir
from ccs_assist.knowledge.loader import line_of, read_yaml, strip_lines

if TYPE_CHECKING:
    from ccs_assist.assistant import Assistant
    from ccs_assist.knowledge.schema import Answer

PENDING = "pending"
SUFFIXES = (".yaml", ".yml")
EXCERPT = 220
SCREENER_STEPS = ("age", "residence", "medi_cal", "income", "cost", "condition")
SCREENER_RESULTS = ("met", "not_met", "unknown")
# An answer with no intent (a fallback) exercises this intent when the matcher saw off-topic cues.
OUT_OF_SCOPE = "out_of_scope"


def default_transcripts_dir() -> Path:
    """transcripts/ beside the source tree, unless CCS_ASSIST_TRANSCRIPTS points elsewhere."""
    return project_dir("transcripts", "CCS_ASSIST_TRANSCRIPTS")


# ---- the format ------------------------------------------------------------------------------


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


def _question(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError('was read as yes/no; put the words in quotes, like ask: "yes"')
    if isinstance(value, int | float):
        return str(value)
    return value


def _title(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("was read as yes/no/on/off; put the name in quotes")
    if isinstance(value, int | float):
        return str(value)
    return value


Texts = Annotated[list[str], BeforeValidator(_texts)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ScreenerCheck(_Strict):
    """What the eligibility screener's state must show after this turn."""

    step: str | None = None
    done: bool | None = None
    results: dict[str, str] = {}


class TurnSpec(_Strict):
    """One turn: what the parent types and what the answer must show."""

    ask: Annotated[str, BeforeValidator(_question)] = Field(min_length=1)
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


class ConversationSpec(_Strict):
    name: Annotated[str, BeforeValidator(_title)] = Field(min_length=1)
    note: str | None = None
    turns: list[Any] = Field(min_length=1)


class TranscriptFile(_Strict):
    about: str | None = None
    conversations: list[Any] = Field(min_length=1)


TURN_KEYS = tuple(TurnSpec.model_fields)
WHAT_KEYS_MEAN = {
    "ask": "what the parent types",
    "intent": "the kind of question the assistant must recognize",
    "contains": "text that must all appear in the answer",
    "contains_any": "texts of which at least one must appear in the answer",
    "detail_contains": "text that must appear in the longer details",
    "matches": "a pattern (regular expression) the answer must match",
    "not_contains": "text that must not appear in the answer or its details",
    "cites": "source or principle ids the answer must rest on",
    "fallback": "true when the assistant should say it does not know",
    "clarify": "true when the assistant should ask which question was meant",
    "follow_ups": "suggested next questions that must be offered",
    "referrals": "offices the answer must point to",
    "min_confidence": "the lowest acceptable confidence, 0 to 1",
    "screener": "what the eligibility check must show (step, done, results)",
}


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

    @property
    def test_id(self) -> str:
        return f"{Path(self.file).stem} - {self.name}"


@dataclass
class Suite:
    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped_pending: int = 0


# ---- finding and reading files -----------------------------------------------------------------


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Problem], int]:
    """The transcript files under the paths; `pending/` folders are left out unless named."""
    files: list[Path] = []
    problems: list[Problem] = []
    skipped = 0
    for path in paths:
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES):
                if PENDING in found.relative_to(path).parts[:-1]:
                    skipped += 1
                    continue
                files.append(found)
        else:
            problems.append(Problem(display_path(path), 0, "no such file or folder"))
    unique: list[Path] = []
    for item in files:
        if item.resolve() not in {u.resolve() for u in unique}:
            unique.append(item)
    return unique, problems, skipped


def load(paths: Iterable[Path]) -> Suite:
    """Read every transcript file; each problem is kept with its file and line."""
    files, problems, skipped = discover(paths)
    suite = Suite(problems=problems, skipped_pending=skipped)
    for path in files:
        suite.files.append(display_path(path))
        suite.cases.extend(load_file(path, suite.problems))
    return suite


def load_file(path: Path, problems: list[Problem]) -> list[Case]:
    name = display_path(path)
    data = read_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, dict):
        problems.append(
            Problem(name, 1, "a transcript file must start with 'conversations:' (see README)")
        )
        return []
    try:
        TranscriptFile.model_validate(strip_lines(data))
    except ValidationError as error:
        _report(error, data, name, "file", TranscriptFile, problems)
        return []
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for raw in data["conversations"]:
        case = _read_conversation(raw, name, problems, line_of(data, "conversations"))
        if case is None:
            continue
        if case.name in seen:
            problems.append(
                Problem(
                    name,
                    case.line,
                    f"two conversations are named '{case.name}' (first on line "
                    f"{seen[case.name]}); give each its own name",
                )
            )
            continue
        seen[case.name] = case.line
        cases.append(case)
    return cases


def _read_conversation(raw: Any, name: str, problems: list[Problem], near: int) -> Case | None:
    if not isinstance(raw, dict):
        problems.append(
            Problem(name, near, f"each conversation needs 'name:' and 'turns:', not {raw!r:.40}")
        )
        return None
    line = line_of(raw)
    try:
        spec = ConversationSpec.model_validate(strip_lines(raw))
    except ValidationError as error:
        _report(error, raw, name, _conversation_label(raw), ConversationSpec, problems)
        return None
    turns: list[TurnCase] = []
    ok = True
    for number, turn in enumerate(raw["turns"], start=1):
        where = f"conversation '{spec.name}', turn {number}"
        if not isinstance(turn, dict):
            problems.append(
                Problem(name, line_of(raw, "turns"), f"{where}: a turn must start with 'ask:'")
            )
            ok = False
            continue
        try:
            turn_spec = TurnSpec.model_validate(strip_lines(turn))
        except ValidationError as error:
            _report(error, turn, name, where, TurnSpec, problems)
            ok = False
            continue
        for pattern in turn_spec.matches:
            try:
                re.compile(pattern)
            except re.error as bad:
                problems.append(
                    Problem(
                        name,
                        line_of(turn, "matches"),
                        f"{where}: 'matches' pattern {pattern!r} is not a valid pattern ({bad})",
                    )
                )
                ok = False
        if turn_spec.screener:
            ok &= _check_screener_spec(turn_spec.screener, turn, name, where, problems)
        turns.append(TurnCase(turn_spec, line_of(turn), number))
    if not ok:
        return None
    return Case(name, line, spec.name, tuple(turns))


def _check_screener_spec(
    check: ScreenerCheck, turn: dict[str, Any], name: str, where: str, problems: list[Problem]
) -> bool:
    ok = True
    block = turn.get("screener")
    if check.step is not None and check.step not in SCREENER_STEPS:
        problems.append(
            Problem(
                name,
                line_of(block, "step"),
                f"{where}: screener step '{check.step}' is not a step"
                f"{_hint(check.step, SCREENER_STEPS)} (steps: {', '.join(SCREENER_STEPS)})",
            )
        )
        ok = False
    for step, value in check.results.items():
        if step not in SCREENER_STEPS or value not in SCREENER_RESULTS:
            bad = step if step not in SCREENER_STEPS else value
            options = SCREENER_STEPS if step not in SCREENER_STEPS else SCREENER_RESULTS
            problems.append(
                Problem(
                    name,
                    line_of(block, "results"),
                    f"{where}: screener result '{step}: {value}' is not understood"
                    f"{_hint(bad, options)} (results are {', '.join(SCREENER_RESULTS)})",
                )
            )
            ok = False
    return ok


def _conversation_label(raw: dict[str, Any]) -> str:
    title = raw.get("name")
    return f"conversation '{title}'" if isinstance(title, str) else "conversation"


def _report(
    error: ValidationError,
    raw: dict[str, Any],
    name: str,
    where: str,
    model: type[BaseModel],
    problems: list[Problem],
) -> None:
    """pydantic's complaints in words a help-desk editor can act on, each at its line."""
    for err in error.errors():
        loc = [str(p) for p in err["loc"]]
        key = loc[0] if loc else None
        line = line_of(raw, key) if key else line_of(raw)
        if len(loc) >= 2 and isinstance(raw.get(key or ""), dict):
            line = line_of(raw[key or ""], loc[1]) or line
        problems.append(Problem(name, line, f"{where}: {_say(err, loc, model)}"))


def _say(err: Any, loc: list[str], model: type[BaseModel]) -> str:
    kind = err["type"]
    last = loc[-1] if loc else ""
    dotted = ".".join(p for p in loc if not p.isdigit())
    if kind == "extra_forbidden":
        nested = len(loc) >= 2 and loc[0] == "screener"
        allowed = list((ScreenerCheck if nested else model).model_fields)
        return f"unknown key '{last}'{_hint(last, allowed)} (keys here: {', '.join(allowed)})"
    if kind == "missing":
        if last == "ask":
            return "missing 'ask:' (what the parent types)"
        return f"missing '{last}:'"
    if kind == "value_error":
        return f"'{dotted}': {err.get('ctx', {}).get('error', err['msg'])!s}"
    if kind in ("bool_type", "bool_parsing"):
        return f"'{dotted}' must be true or false"
    if kind in ("float_type", "float_parsing", "greater_than_equal", "less_than_equal"):
        return f"'{dotted}' must be a number from 0 to 1, like 0.5"
    if kind == "string_type" and dotted in ("ask", "name"):
        return f"'{dotted}' must be text (the words themselves, not a list)"
    if kind in ("string_type", "list_type"):
        return f"'{dotted}' must be a piece of text or a list of texts"
    if kind in ("too_short", "string_too_short"):
        return f"'{dotted}' must not be empty"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"'{dotted}' must be a set of keys (see README)"
    return f"'{dotted}': {str(err['msg']).lower()}"


def _hint(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" -- did you mean '{close[0]}'?" if close else ""


# ---- checking names against the graph ----------------------------------------------------------


def check_names(case: Case, assistant: Assistant) -> list[Problem]:
    """Intents, node ids and screener steps a transcript names must exist in the graph."""
    intents = list(assistant.catalogue.intents)
    node_ids = [n.id for n in assistant.kg.nodes()]
    known = set(node_ids)
    problems: list[Problem] = []
    for turn in case.turns:
        where = f"conversation '{case.name}', turn {turn.number}"
        for intent in turn.spec.intent:
            if intent not in intents:
                problems.append(
                    Problem(
                        case.file,
                        turn.line,
                        f"{where}: there is no intent '{intent}'{_hint(intent, intents)} "
                        "(intents are listed in graph/intents.yaml)",
                    )
                )
        for key in ("cites", "referrals"):
            for node_id in getattr(turn.spec, key):
                if node_id not in known:
                    problems.append(
                        Problem(
                            case.file,
                            turn.line,
                            f"{where}: '{key}' names '{node_id}', which is not an id in the "
                            f"graph{_hint(node_id, node_ids)}",
                        )
                    )
    return problems


# ---- running -----------------------------------------------------------------------------------


@dataclass
class Miss:
    """One expectation that did not hold: what was asked for and what came back."""

    check: str
    expected: str
    got: str


@dataclass
class TurnResult:
    turn: TurnCase
    answer: Answer | None
    misses: list[Miss]
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not self.misses and self.error is None


@dataclass
class CaseResult:
    case: Case
    turns: list[TurnResult]
    problems: list[Problem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and all(t.passed for t in self.turns)


def run_case(assistant: Assistant, case: Case) -> CaseResult:
    """Play one conversation in a fresh chat and check every turn."""
    problems = check_names(case, assistant)
    if problems:
        return CaseResult(case, [], problems)
    chat = assistant.conversation()
    results: list[TurnResult] = []
    for turn in case.turns:
        try:
            answer = chat.ask(turn.spec.ask)
        except CcsAssistError as error:
            results.append(TurnResult(turn, None, [], f"the assistant refused: {error}"))
            continue
        except Exception as error:  # the engine changes under us; report, never crash the run
            results.append(
                TurnResult(
                    turn, None, [], f"the assistant crashed: {type(error).__name__}: {error}"
                )
            )
            continue
        results.append(TurnResult(turn, answer, check_turn(turn.spec, answer, assistant)))
    return CaseResult(case, results)


def check_turn(spec: TurnSpec, answer: Answer, assistant: Assistant | None = None) -> list[Miss]:
    misses: list[Miss] = []
    text = _fold(answer.answer)
    everything = _fold(answer.answer + "\n" + (answer.detail or ""))
    if spec.intent and answer.intent not in spec.intent:
        misses.append(
            Miss(
                "intent",
                " or ".join(_intent_name(i, assistant) for i in spec.intent),
                _intent_name(answer.intent, assistant)
                + f", confidence {answer.confidence:.2f}"
                + (" (it said it did not know)" if answer.fallback else "")
                + (" (it asked which question was meant)" if answer.clarify else ""),
            )
        )
    missing = [t for t in spec.contains if _fold(t) not in text]
    if missing:
        misses.append(Miss("contains", _quoted(missing, "and"), _excerpt(answer.answer)))
    if spec.contains_any and not any(_fold(t) in text for t in spec.contains_any):
        misses.append(
            Miss(
                "contains_any",
                "one of " + _quoted(spec.contains_any, "or"),
                _excerpt(answer.answer),
            )
        )
    missing = [t for t in spec.detail_contains if _fold(t) not in _fold(answer.detail or "")]
    if missing:
        misses.append(
            Miss(
                "detail_contains", _quoted(missing, "and"), _excerpt(answer.detail or "(no detail)")
            )
        )
    for pattern in spec.matches:
        if not re.search(pattern, answer.answer, re.IGNORECASE):
            misses.append(Miss("matches", f"the pattern {pattern!r}", _excerpt(answer.answer)))
    present = [t for t in spec.not_contains if _fold(t) in everything]
    if present:
        misses.append(
            Miss("not_contains", "no " + _quoted(present, "or"), _around(everything, present[0]))
        )
    rests_on = {c.id for c in [*answer.citations, *answer.more_citations]}
    rests_on |= {b.id for b in answer.basis} | set(answer.nodes)
    absent = [c for c in spec.cites if c not in rests_on]
    if absent:
        cited = [b.id for b in answer.basis] + [c.id for c in answer.citations]
        shown = ", ".join(cited[:12]) + (f" and {len(cited) - 12} more" if len(cited) > 12 else "")
        misses.append(Miss("cites", ", ".join(absent), shown or "no sources at all"))
    if spec.fallback is not None and answer.fallback != spec.fallback:
        misses.append(
            Miss(
                "fallback",
                "the assistant to say it does not know"
                if spec.fallback
                else "a real answer (not 'I don't know')",
                "'I don't know'"
                if answer.fallback
                else f"an answer ({_intent_name(answer.intent, assistant)}): "
                + _excerpt(answer.answer, 120),
            )
        )
    if spec.clarify is not None and bool(answer.clarify) != spec.clarify:
        misses.append(
            Miss(
                "clarify",
                "a question back (which did you mean?)" if spec.clarify else "no question back",
                "options: " + " / ".join(answer.clarify)
                if answer.clarify
                else _excerpt(answer.answer, 120),
            )
        )
    offered = [_fold(f) for f in answer.follow_ups]
    lacking = [f for f in spec.follow_ups if not any(_fold(f) in o for o in offered)]
    if lacking:
        misses.append(
            Miss(
                "follow_ups",
                _quoted(lacking, "and"),
                " | ".join(answer.follow_ups) if answer.follow_ups else "no follow-ups",
            )
        )
    pointed = [r.id for r in answer.referrals]
    lacking = [r for r in spec.referrals if r not in pointed]
    if lacking:
        misses.append(Miss("referrals", ", ".join(lacking), ", ".join(pointed) or "none"))
    if spec.min_confidence is not None and answer.confidence < spec.min_confidence:
        misses.append(
            Miss(
                "min_confidence", f"at least {spec.min_confidence:.2f}", f"{answer.confidence:.2f}"
            )
        )
    if spec.screener is not None:
        misses.extend(_check_screener(spec.screener, answer))
    return misses


def _check_screener(check: ScreenerCheck, answer: Answer) -> list[Miss]:
    state = answer.screener
    if state is None:
        return [Miss("screener", "the eligibility check to be running", "no eligibility check")]
    misses: list[Miss] = []
    if check.step is not None and not state.get("done") and state.get("step") != check.step:
        misses.append(Miss("screener.step", check.step, str(state.get("step"))))
    if check.step is not None and state.get("done"):
        misses.append(Miss("screener.step", f"still asking about {check.step}", "the check ended"))
    if check.done is not None and bool(state.get("done")) != check.done:
        misses.append(
            Miss(
                "screener.done",
                "the check to end" if check.done else "the check to go on",
                "it ended" if state.get("done") else f"it went on (next: {state.get('step')})",
            )
        )
    results = state.get("results") or {}
    assert isinstance(results, dict)
    for step, value in check.results.items():
        if results.get(step) != value:
            misses.append(
                Miss(f"screener.results.{step}", value, str(results.get(step, "not set")))
            )
    return misses


def _fold(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return " ".join(text.replace("\u201d", '"').casefold().split())


def _excerpt(text: str, limit: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return '"' + (flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "...") + '"'


def _around(folded: str, needle: str) -> str:
    at = folded.find(_fold(needle))
    start = max(0, at - 60)
    return '"...' + folded[start : at + len(needle) + 60] + '..."'


def _quoted(items: list[str], joiner: str) -> str:
    quoted = [f'"{i}"' for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" {joiner} " + quoted[-1]


def _intent_name(intent: str | None, assistant: Assistant | None) -> str:
    if intent is None:
        return "no intent"
    if assistant is not None and intent in assistant.catalogue.intents:
        return f"{intent} ({assistant.catalogue.intents[intent].spec.title})"
    return intent


# ---- coverage ----------------------------------------------------------------------------------


@dataclass
class Coverage:
    missing: dict[str, list[tuple[str, str]]]
    totals: dict[str, int]

    @property
    def complete(self) -> bool:
        return not any(self.missing.values())


def measure_coverage(assistant: Assistant, results: Iterable[CaseResult]) -> Coverage:
    """Which intents, principles and programs no answer in the results touched."""
    intents: set[str] = set()
    touched: set[str] = set()
    for result in results:
        for turn in result.turns:
            answer = turn.answer
            if answer is None:
                continue
            if answer.intent:
                intents.add(answer.intent)
            if answer.fallback and _declined(assistant, turn.turn.spec.ask):
                intents.add(OUT_OF_SCOPE)
            touched.update(b.id for b in answer.basis)
            touched.update(answer.nodes)
    kg = assistant.kg
    catalogue = {k: v for k, v in assistant.catalogue.intents.items() if not v.spec.implicit}
    missing = {
        "intents": [(i, catalogue[i].spec.title) for i in catalogue if i not in intents],
        "principles": [(n.id, n.label) for n in kg.nodes("principle") if n.id not in touched],
        "programs": [(n.id, n.label) for n in kg.nodes("program") if n.id not in touched],
    }
    totals = {
        "intents": len(catalogue),
        "principles": sum(1 for _ in kg.nodes("principle")),
        "programs": sum(1 for _ in kg.nodes("program")),
    }
    return Coverage(missing, totals)


def _declined(assistant: Assistant, question: str) -> bool:
    """Did the matcher see off-topic cues (the decline intent) in this question?"""
    matcher = assistant.matcher
    scored = matcher.score(matcher.analyze(assistant.clean(question)))
    return any(s.intent.spec.handler == "decline" for s in scored)


# ---- reports -----------------------------------------------------------------------------------


def failure_report(result: CaseResult) -> str:
    """A short, diff-like account of one failed conversation, for someone who edits YAML."""
    case = result.case
    lines = [f'FAILED  {case.file}:{case.line}  conversation "{case.name}"']
    for problem in result.problems:
        lines.append(f"  problem: {problem}")
    total = len(case.turns)
    for turn in result.turns:
        if turn.passed:
            continue
        lines.append(
            f"  turn {turn.turn.number} of {total} (line {turn.turn.line}), "
            f'the parent typed: "{turn.turn.spec.ask}"'
        )
        if turn.error:
            lines.append(f"    ! {turn.error}")
            continue
        for miss in turn.misses:
            label = f"expected {miss.check}:"
            lines.append(f"    - {label} {miss.expected}")
            lines.append(f"    + {'got:':<{len(label)}} {miss.got}")
        answer = turn.answer
        if answer is not None and not any(
            m.check in ("contains", "contains_any") for m in turn.misses
        ):
            lines.append(f"      (answer: {_excerpt(answer.answer, 160)})")
    lines.append(
        "  What to do: if the new answer is right, change the expectation on the line shown; if it "
        "is wrong, fix graph/ or graph/intents.yaml (or move the conversation to "
        "transcripts/pending/ and note it)."
    )
    return "\n".join(lines)


def _summary_line(result: CaseResult) -> str:
    status = "ok  " if result.passed else "FAIL"
    turns = len(result.case.turns)
    where = f"{result.case.file}:{result.case.line}"
    return f"{status}  {where:<40} {result.case.name} ({turns} turn{'s' if turns != 1 else ''})"


def _json_report(
    suite: Suite, results: list[CaseResult], cover: Coverage | None, code: int
) -> dict[str, Any]:
    conversations = []
    for result in results:
        turns = []
        for turn in result.turns:
            answer = turn.answer
            turns.append(
                {
                    "turn": turn.turn.number,
                    "line": turn.turn.line,
                    "ask": turn.turn.spec.ask,
                    "passed": turn.passed,
                    "error": turn.error,
                    "failures": [
                        {"check": m.check, "expected": m.expected, "got": m.got}
                        for m in turn.misses
                    ],
                    "answer": None
                    if answer is None
                    else {
                        "intent": answer.intent,
                        "confidence": answer.confidence,
                        "fallback": answer.fallback,
                        "text": answer.answer,
                    },
                }
            )
        conversations.append(
            {
                "file": result.case.file,
                "line": result.case.line,
                "name": result.case.name,
                "passed": result.passed,
                "problems": [_problem_json(p) for p in result.problems],
                "turns": turns,
            }
        )
    passed = sum(1 for r in results if r.passed)
    report: dict[str, Any] = {
        "ok": code == 0,
        "exit_code": code,
        "summary": {
            "files": len(suite.files),
            "conversations": len(results),
            "passed": passed,
            "failed": len(results) - passed,
            "turns": sum(len(r.case.turns) for r in results),
            "skipped_pending_files": suite.skipped_pending,
        },
        "problems": [_problem_json(p) for p in suite.problems],
        "conversations": conversations,
    }
    if cover is not None:
        report["coverage"] = {
            group: {
                "total": cover.totals[group],
                "missing": [{"id": i, "label": label} for i, label in items],
            }
            for group, items in cover.missing.items()
        }
    return report


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "message": problem.message}


def _coverage_text(cover: Coverage) -> Iterator[str]:
    counts = ", ".join(
        f"{cover.totals[g] - len(m)}/{cover.totals[g]} {g}" for g, m in cover.missing.items()
    )
    yield f"Coverage: {counts} exercised."
    if cover.complete:
        yield "Every intent, principle and program is exercised by at least one transcript."
        return
    yield "Not exercised by any transcript (add a conversation whose answer reaches them):"
    for group, items in cover.missing.items():
        for node_id, label in items:
            yield f"  {group[:-1]:<10} {node_id}  ({label})"


# ---- the command -------------------------------------------------------------------------------


def run(
    paths: list[Path],
    *,
    as_json: bool = False,
    coverage: bool = False,
    graph: Path | None = None,
    out: TextIO | None = None,
) -> int:
    """`ccs-assist test-transcripts`: 0 all passed, 1 a conversation failed (or, with
    --coverage, something is unexercised), 2 a transcript file could not be read."""
    from ccs_assist.assistant import Assistant

    out = out or sys.stdout
    suite = load(paths or [default_transcripts_dir()])
    if not suite.files and not suite.problems:
        suite.problems.append(
            Problem(
                ", ".join(display_path(p) for p in paths) or "transcripts",
                0,
                "no transcript files (*.yaml) found",
            )
        )
    assistant = Assistant(graph)
    results = [run_case(assistant, case) for case in suite.cases]
    for result in results:
        suite.problems.extend(result.problems)
    cover = measure_coverage(assistant, results) if coverage else None
    failed = [r for r in results if not r.passed and not r.problems]
    if suite.problems:
        code = 2
    elif failed or (cover is not None and not cover.complete):
        code = 1
    else:
        code = 0
    if as_json:
        json.dump(_json_report(suite, results, cover, code), out, indent=2)
        out.write("\n")
        return code
    for result in results:
        if not result.problems:
            print(_summary_line(result), file=out)
    for result in failed:
        print("", file=out)
        print(failure_report(result), file=out)
    if suite.problems:
        print("", file=out)
        count = len(suite.problems)
        print(f"{count} problem{'s' if count != 1 else ''} in the transcript files:", file=out)
        for problem in sorted(suite.problems):
            print(f"  {problem}", file=out)
    if cover is not None:
        print("", file=out)
        for line in _coverage_text(cover):
            print(line, file=out)
    passed = sum(1 for r in results if r.passed)
    print("", file=out)
    pending = (
        f"; {suite.skipped_pending} file(s) in pending/ skipped" if suite.skipped_pending else ""
    )
    print(
        f"{passed} of {len(results)} conversations passed "
        f"({sum(len(r.case.turns) for r in results)} turns, {len(suite.files)} files{pending}).",
        file=out,
    )
    return code
