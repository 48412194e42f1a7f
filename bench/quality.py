#!/usr/bin/env python3
"""Answer quality on the question sets: precision, coverage and a confidence calibration table.

It scores the `answer` text a parent reads with the same judge as ../shared/questions/score.py
(imported from there when the shared folder is beside the repository), plus every transcript
turn (right = the turn's checks pass). A calibration table shows, per confidence band, how many
answers were given and what share was right, so the threshold can be set where answers are
right at least 95% of the time.

usage: bench/quality.py [--sets dev,dev2] [--no-transcripts] [-v]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT.parent / "shared" / "questions"
BANDS = [(0.0, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]


@dataclass
class Graded:
    """One answer given (not a decline) and whether it was right."""

    source: str
    question: str
    confidence: float
    right: bool
    intent: str | None


# Every answer text a parent reads (declines and prompts too), for the readability figures.
READ: list[tuple[str, str]] = []


def load_judge() -> ModuleType | None:
    path = QUESTIONS / "score.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("shared_score", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_set(
    assistant: Any, judge: ModuleType, name: str, verbose: bool
) -> tuple[str, list[Graded]]:
    cases = judge.load_cases(QUESTIONS / f"{name}.yaml")
    graded: list[Graded] = []
    counts = {"pass_in": 0, "in": 0, "declined_out": 0, "out": 0, "wrong": 0, "silent": 0}
    fell = referred = 0
    for case in cases:
        answer = assistant.ask(case["q"]).model_dump(mode="json")
        READ.append((case["q"], answer["answer"]))
        verdict, why = judge.judge(case, answer)
        scope = case.get("scope", "in")
        if scope == "out":
            counts["out"] += 1
            counts["declined_out"] += verdict == "pass"
        else:
            counts["in"] += 1
            counts["pass_in"] += verdict == "pass"
            counts["silent"] += verdict == "miss" and why != "fell back"
            fell += why in ("fell back", "referred")
            referred += why == "referred"
        counts["wrong"] += verdict == "wrong"
        if not answer.get("fallback"):
            graded.append(
                Graded(name, case["q"], answer["confidence"], verdict == "pass", answer["intent"])
            )
        if verbose and verdict != "pass":
            print(f"  {name} {case['id']}: {verdict} ({why}) [{answer['intent']}] {case['q'][:80]}")
    answered = len(graded)
    right = sum(g.right for g in graded)
    line = (
        f"{name}: in scope {counts['pass_in']}/{counts['in']} "
        f"({100 * counts['pass_in'] / max(1, counts['in']):.0f}%), off-topic declined "
        f"{counts['declined_out']}/{counts['out']}, confidently wrong {counts['wrong']}, "
        f"silent misses {counts['silent']}, declined in scope {fell - referred}, "
        f"precision {100 * right / max(1, answered):.0f}% ({right}/{answered})"
    )
    return line, graded


def score_transcripts(assistant: Any, verbose: bool) -> tuple[str, list[Graded]]:
    from ccs_assist.transcripts import default_transcripts_dir, load, run_case

    suite = load(sorted(default_transcripts_dir().glob("*.yaml")))
    graded: list[Graded] = []
    turns = passed = 0
    for case in suite.cases:
        result = run_case(assistant, case)
        for turn in result.turns:
            turns += 1
            passed += turn.passed
            answer = turn.answer
            if answer is not None:
                READ.append((turn.turn.spec.ask, answer.answer))
            if answer is None or answer.fallback or answer.intent is None:
                continue
            if answer.intent == "screener" or not answer.citations:
                continue  # prompts and small talk are not answers to grade
            graded.append(
                Graded(
                    "transcripts", turn.turn.spec.ask, answer.confidence, turn.passed, answer.intent
                )
            )
            if verbose and not turn.passed:
                print(f"  transcript miss: {turn.turn.spec.ask[:80]}")
    right = sum(g.right for g in graded)
    line = (
        f"transcripts: {passed}/{turns} turns pass, "
        f"precision {100 * right / max(1, len(graded)):.0f}% ({right}/{len(graded)} answers)"
    )
    return line, graded


def calibration(graded: list[Graded]) -> list[str]:
    rows = ["  confidence   answers   right   share right"]
    for low, high in BANDS:
        band = [g for g in graded if low <= g.confidence < high]
        if not band:
            continue
        right = sum(g.right for g in band)
        label = f"{low:.1f}-{min(high, 1.0):.1f}"
        rows.append(f"  {label:<12} {len(band):>7} {right:>7}   {100 * right / len(band):>9.0f}%")
    return rows


def as_read(text: str) -> str:
    """Each line of a list is read as a sentence of its own, so end it like one."""
    # An address is not read as words; textstat would count a long URL as one huge word.
    text = re.sub(r"https?://\S+", "", text)
    lines = [line.strip().lstrip("-").strip() for line in text.splitlines()]
    lines = [line for line in lines if line]  # a bare "-" is no sentence
    return " ".join(line if line[-1] in ".?!" else line + "." for line in lines)


def readability(texts: list[tuple[str, str]]) -> list[str]:
    """Flesch-Kincaid grade of every answer text: median, share at grade 8 or lower, how many
    above 10, and the ten hardest (textstat, a well-kept readability library)."""
    import textstat

    graded = sorted(
        (
            (textstat.flesch_kincaid_grade(as_read(text)), question, text)
            for question, text in texts
        ),
        reverse=True,
    )
    if not graded:
        return ["(no answers)"]
    grades = [g for g, _, _ in graded]
    middle = sorted(grades)[len(grades) // 2]
    easy = sum(g <= 8 for g in grades)
    rows = [
        f"readability over {len(grades)} answers: median grade {middle:.1f}, "
        f"{100 * easy / len(grades):.0f}% at grade 8 or lower, {sum(g > 10 for g in grades)} "
        f"above grade 10; words per answer: median "
        f"{sorted(len(t.split()) for _, _, t in graded)[len(graded) // 2]}",
        "  hardest ten:",
    ]
    for grade, question, text in graded[:10]:
        rows.append(f"  {grade:5.1f}  {question[:50]!r} -> {text[:70]!r}")
    return rows


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="dev,dev2")
    parser.add_argument("--no-transcripts", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("CCS_ASSIST_NO_CACHE", "1")
    sys.path.insert(0, str(ROOT / "src"))
    from ccs_assist import Assistant

    assistant = Assistant()
    judge = load_judge()
    everything: list[Graded] = []
    if judge is None:
        out(f"(no question sets: {QUESTIONS} is not here)")
    else:
        for name in [s for s in args.sets.split(",") if s]:
            if not (QUESTIONS / f"{name}.yaml").exists():
                continue
            line, graded = score_set(assistant, judge, name, args.verbose)
            out(line)
            out("\n".join(calibration(graded)))
            everything += graded
    if not args.no_transcripts:
        line, graded = score_transcripts(assistant, args.verbose)
        out(line)
        everything += graded
    out("all answers given, by confidence:")
    out("\n".join(calibration(everything)))
    out("\n".join(readability(READ)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
