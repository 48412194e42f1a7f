"""Finding transcript files and reading them into Cases. Every problem in a file is kept with
its file and line (a typo'd key gets a "did you mean"), never raised as a traceback, so one
mistake does not hide the rest of the file's conversations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ccs_assist.errors import Problem, display_path
from ccs_assist.knowledge.graph import project_dir
from ccs_assist.knowledge.loader import line_of, read_yaml, strip_lines
from ccs_assist.transcripts.models import (
    SCREENER_RESULTS,
    SCREENER_STEPS,
    Case,
    ConversationSpec,
    ScreenerCheck,
    TranscriptFile,
    TurnCase,
    TurnSpec,
)
from ccs_assist.transcripts.problem_wording import did_you_mean, report_validation_error

# Conversations in a folder of this name are skipped unless that folder (or a file in it) is
# named: known misses can wait there without failing every run.
PENDING = "pending"
SUFFIXES = (".yaml", ".yml")


def default_transcripts_dir() -> Path:
    """transcripts/ beside the source tree, unless CCS_ASSIST_TRANSCRIPTS points elsewhere."""
    return project_dir("transcripts", "CCS_ASSIST_TRANSCRIPTS")


@dataclass
class Suite:
    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped_pending: int = 0


def is_pending(found: Path, named: Path) -> bool:
    """Is `found`, met while walking the folder `named`, in a pending/ folder below it?"""
    return PENDING in found.relative_to(named).parts[:-1]


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
                if is_pending(found, path):
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
    """The conversations of one file that can run; what is wrong goes to `problems`."""
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
        report_validation_error(error, data, name, "file", TranscriptFile, problems)
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
    try:
        spec = ConversationSpec.model_validate(strip_lines(raw))
    except ValidationError as error:
        report_validation_error(
            error, raw, name, _conversation_label(raw), ConversationSpec, problems
        )
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
        turn_spec = _read_turn(turn, name, where, problems)
        if turn_spec is None:
            ok = False
        else:
            turns.append(TurnCase(turn_spec, line_of(turn), number))
    return Case(name, line_of(raw), spec.name, tuple(turns)) if ok else None


def _read_turn(
    turn: dict[str, Any], name: str, where: str, problems: list[Problem]
) -> TurnSpec | None:
    """The turn's expectations, or None when one of them cannot be checked as written."""
    try:
        spec = TurnSpec.model_validate(strip_lines(turn))
    except ValidationError as error:
        report_validation_error(error, turn, name, where, TurnSpec, problems)
        return None
    ok = True
    for pattern in spec.matches:
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
    if spec.screener:
        ok &= _check_screener_spec(spec.screener, turn, name, where, problems)
    return spec if ok else None


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
                f"{did_you_mean(check.step, SCREENER_STEPS)} (steps: {', '.join(SCREENER_STEPS)})",
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
                    f"{did_you_mean(bad, options)} (results are {', '.join(SCREENER_RESULTS)})",
                )
            )
            ok = False
    return ok


def _conversation_label(raw: dict[str, Any]) -> str:
    title = raw.get("name")
    return f"conversation '{title}'" if isinstance(title, str) else "conversation"
