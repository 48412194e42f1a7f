"""What a run of the transcripts prints: a line per conversation, a diff-like account of each
failure (the same text in `ccs-assist test-transcripts` and in pytest), the problems found in
the files, the coverage, and the same facts as JSON for programs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ccs_assist.errors import Problem
from ccs_assist.transcripts.checking import CaseResult, TurnResult, excerpt
from ccs_assist.transcripts.coverage import Coverage
from ccs_assist.transcripts.reading import Suite

WHAT_TO_DO = (
    "  What to do: if the new answer is right, change the expectation on the line shown; if it "
    "is wrong, fix graph/ or graph/intents.yaml (never weaken an expectation to match a wrong "
    "answer)."
)


def failure_report(result: CaseResult) -> str:
    """A short, diff-like account of one failed conversation, for someone who edits YAML."""
    case = result.case
    lines = [f'FAILED  {case.file}:{case.line}  conversation "{case.name}"']
    lines.extend(f"  problem: {problem}" for problem in result.problems)
    for turn in result.turns:
        if not turn.passed:
            lines.extend(_failed_turn(turn, len(case.turns)))
    lines.append(WHAT_TO_DO)
    return "\n".join(lines)


def _failed_turn(turn: TurnResult, total: int) -> Iterator[str]:
    yield (
        f"  turn {turn.turn.number} of {total} (line {turn.turn.line}), "
        f'the parent typed: "{turn.turn.spec.ask}"'
    )
    if turn.error:
        yield f"    ! {turn.error}"
        return
    for miss in turn.misses:
        label = f"expected {miss.check}:"
        yield f"    - {label} {miss.expected}"
        yield f"    + {'got:':<{len(label)}} {miss.got}"
    answer = turn.answer
    if answer is not None and not any(m.check in ("contains", "contains_any") for m in turn.misses):
        yield f"      (answer: {excerpt(answer.answer, 160)})"


def summary_line(result: CaseResult) -> str:
    """`ok` or `FAIL`, where the conversation is, its name and length."""
    status = "ok  " if result.passed else "FAIL"
    turns = len(result.case.turns)
    where = f"{result.case.file}:{result.case.line}"
    return f"{status}  {where:<40} {result.case.name} ({turns} turn{'s' if turns != 1 else ''})"


def problems_text(problems: list[Problem]) -> Iterator[str]:
    count = len(problems)
    yield f"{count} problem{'s' if count != 1 else ''} in the transcript files:"
    for problem in sorted(problems):
        yield f"  {problem}"


def totals_line(suite: Suite, results: list[CaseResult]) -> str:
    passed = sum(1 for r in results if r.passed)
    pending = (
        f"; {suite.skipped_pending} file(s) in pending/ skipped" if suite.skipped_pending else ""
    )
    return (
        f"{passed} of {len(results)} conversations passed "
        f"({sum(len(r.case.turns) for r in results)} turns, {len(suite.files)} files{pending})."
    )


def coverage_text(cover: Coverage) -> Iterator[str]:
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


# ---- JSON ---------------------------------------------------------------------------------------


def json_report(
    suite: Suite, results: list[CaseResult], cover: Coverage | None, code: int
) -> dict[str, Any]:
    """`--json`: the summary, the problems, every conversation turn by turn, the coverage."""
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
        "conversations": [_conversation_json(r) for r in results],
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


def _conversation_json(result: CaseResult) -> dict[str, Any]:
    return {
        "file": result.case.file,
        "line": result.case.line,
        "name": result.case.name,
        "passed": result.passed,
        "problems": [_problem_json(p) for p in result.problems],
        "turns": [_turn_json(turn) for turn in result.turns],
    }


def _turn_json(turn: TurnResult) -> dict[str, Any]:
    answer = turn.answer
    return {
        "turn": turn.turn.number,
        "line": turn.turn.line,
        "ask": turn.turn.spec.ask,
        "passed": turn.passed,
        "error": turn.error,
        "failures": [{"check": m.check, "expected": m.expected, "got": m.got} for m in turn.misses],
        "answer": None
        if answer is None
        else {
            "intent": answer.intent,
            "confidence": answer.confidence,
            "fallback": answer.fallback,
            "text": answer.answer,
        },
    }


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"file": problem.file, "line": problem.line, "message": problem.message}
