"""`ccs-assist test-transcripts [PATHS] [--json] [--coverage]`: read the transcript files, play
every conversation, print what failed and exit 0 (all passed), 1 (a conversation failed or,
with --coverage, something is unexercised) or 2 (a transcript file has a mistake)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from ccs_assist.errors import Problem, display_path
from ccs_assist.transcripts.checking import CaseResult, run_case
from ccs_assist.transcripts.coverage import Coverage, measure_coverage
from ccs_assist.transcripts.reading import Suite, default_transcripts_dir, load
from ccs_assist.transcripts.report import (
    coverage_text,
    failure_report,
    json_report,
    problems_text,
    summary_line,
    totals_line,
)


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
    suite = _load(paths)
    assistant = Assistant(graph)
    results = [run_case(assistant, case) for case in suite.cases]
    for result in results:
        suite.problems.extend(result.problems)
    cover = measure_coverage(assistant, results) if coverage else None
    code = _exit_code(suite, results, cover)
    if as_json:
        json.dump(json_report(suite, results, cover, code), out, indent=2)
        out.write("\n")
    else:
        _print_report(suite, results, cover, out)
    return code


def _load(paths: list[Path]) -> Suite:
    """The named files and folders (default: transcripts/); finding none is a problem."""
    suite = load(paths or [default_transcripts_dir()])
    if not suite.files and not suite.problems:
        where = ", ".join(display_path(p) for p in paths) or "transcripts"
        suite.problems.append(Problem(where, 0, "no transcript files (*.yaml) found"))
    return suite


def _failed(results: list[CaseResult]) -> list[CaseResult]:
    """Conversations whose answers missed; those with problems are reported as problems."""
    return [r for r in results if not r.passed and not r.problems]


def _exit_code(suite: Suite, results: list[CaseResult], cover: Coverage | None) -> int:
    if suite.problems:
        return 2
    if _failed(results) or (cover is not None and not cover.complete):
        return 1
    return 0


def _print_report(
    suite: Suite, results: list[CaseResult], cover: Coverage | None, out: TextIO
) -> None:
    for result in results:
        if not result.problems:
            print(summary_line(result), file=out)
    for result in _failed(results):
        print("", file=out)
        print(failure_report(result), file=out)
    if suite.problems:
        print("", file=out)
        print("\n".join(problems_text(suite.problems)), file=out)
    if cover is not None:
        print("", file=out)
        print("\n".join(coverage_text(cover)), file=out)
    print("", file=out)
    print(totals_line(suite, results), file=out)
