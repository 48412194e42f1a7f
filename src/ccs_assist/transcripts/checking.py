"""Playing a conversation against the assistant and checking each answer against its turn.

Each kind of expectation a turn can carry (README's table: intent, contains, cites, ...) has one
small check below; a check returns the Misses it finds, each with what was expected and what
came back, worded for someone who edits YAML."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ccs_assist.errors import CcsAssistError, Problem
from ccs_assist.transcripts.graph_names import check_names
from ccs_assist.transcripts.models import Case, ScreenerCheck, TurnCase, TurnSpec

if TYPE_CHECKING:
    from ccs_assist.assistant import Assistant
    from ccs_assist.knowledge.schema import Answer

EXCERPT = 220


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
            crash = f"the assistant crashed: {type(error).__name__}: {error}"
            results.append(TurnResult(turn, None, [], crash))
            continue
        results.append(TurnResult(turn, answer, check_turn(turn.spec, answer, assistant)))
    return CaseResult(case, results)


def check_turn(spec: TurnSpec, answer: Answer, assistant: Assistant | None = None) -> list[Miss]:
    """Every expectation of the turn that the answer does not meet (none: the turn passed).
    With the assistant, intents are shown with their titles."""
    return [miss for check in CHECKS for miss in check(spec, answer, assistant)]


# ---- one check per kind of expectation ---------------------------------------------------------


def _intent(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    if not spec.intent or answer.intent in spec.intent:
        return []
    got = (
        _intent_name(answer.intent, assistant)
        + f", confidence {answer.confidence:.2f}"
        + (" (it said it did not know)" if answer.fallback else "")
        + (" (it asked which question was meant)" if answer.clarify else "")
    )
    return [Miss("intent", " or ".join(_intent_name(i, assistant) for i in spec.intent), got)]


def _contains(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    text = fold(answer.answer)
    missing = [t for t in spec.contains if fold(t) not in text]
    return [Miss("contains", _quoted(missing, "and"), excerpt(answer.answer))] if missing else []


def _contains_any(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    text = fold(answer.answer)
    if not spec.contains_any or any(fold(t) in text for t in spec.contains_any):
        return []
    expected = "one of " + _quoted(spec.contains_any, "or")
    return [Miss("contains_any", expected, excerpt(answer.answer))]


def _detail_contains(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    detail = answer.detail or ""
    missing = [t for t in spec.detail_contains if fold(t) not in fold(detail)]
    if not missing:
        return []
    return [Miss("detail_contains", _quoted(missing, "and"), excerpt(detail or "(no detail)"))]


def _matches(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    return [
        Miss("matches", f"the pattern {pattern!r}", excerpt(answer.answer))
        for pattern in spec.matches
        if not re.search(pattern, answer.answer, re.IGNORECASE)
    ]


def _not_contains(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    everything = fold(answer.answer + "\n" + (answer.detail or ""))
    present = [t for t in spec.not_contains if fold(t) in everything]
    if not present:
        return []
    return [Miss("not_contains", "no " + _quoted(present, "or"), _around(everything, present[0]))]


def _cites(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    rests_on = {c.id for c in [*answer.citations, *answer.more_citations]}
    rests_on |= {b.id for b in answer.basis} | set(answer.nodes)
    absent = [c for c in spec.cites if c not in rests_on]
    if not absent:
        return []
    cited = [b.id for b in answer.basis] + [c.id for c in answer.citations]
    shown = ", ".join(cited[:12]) + (f" and {len(cited) - 12} more" if len(cited) > 12 else "")
    return [Miss("cites", ", ".join(absent), shown or "no sources at all")]


def _fallback(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    if spec.fallback is None or answer.fallback == spec.fallback:
        return []
    if spec.fallback:
        expected = "the assistant to say it does not know"
    else:
        expected = "a real answer (not 'I don't know')"
    if answer.fallback:
        got = "'I don't know'"
    else:
        got = f"an answer ({_intent_name(answer.intent, assistant)}): " + excerpt(
            answer.answer, 120
        )
    return [Miss("fallback", expected, got)]


def _clarify(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    if spec.clarify is None or bool(answer.clarify) == spec.clarify:
        return []
    expected = "a question back (which did you mean?)" if spec.clarify else "no question back"
    if answer.clarify:
        got = "options: " + " / ".join(answer.clarify)
    else:
        got = excerpt(answer.answer, 120)
    return [Miss("clarify", expected, got)]


def _follow_ups(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    offered = [fold(f) for f in answer.follow_ups]
    lacking = [f for f in spec.follow_ups if not any(fold(f) in o for o in offered)]
    if not lacking:
        return []
    got = " | ".join(answer.follow_ups) if answer.follow_ups else "no follow-ups"
    return [Miss("follow_ups", _quoted(lacking, "and"), got)]


def _referrals(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    pointed = [r.id for r in answer.referrals]
    lacking = [r for r in spec.referrals if r not in pointed]
    return [Miss("referrals", ", ".join(lacking), ", ".join(pointed) or "none")] if lacking else []


def _min_confidence(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    if spec.min_confidence is None or answer.confidence >= spec.min_confidence:
        return []
    expected = f"at least {spec.min_confidence:.2f}"
    return [Miss("min_confidence", expected, f"{answer.confidence:.2f}")]


def _screener(spec: TurnSpec, answer: Answer, assistant: Assistant | None) -> list[Miss]:
    return [] if spec.screener is None else _check_screener(spec.screener, answer)


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
        expected = "the check to end" if check.done else "the check to go on"
        got = "it ended" if state.get("done") else f"it went on (next: {state.get('step')})"
        misses.append(Miss("screener.done", expected, got))
    results = state.get("results") or {}
    assert isinstance(results, dict)
    for step, value in check.results.items():
        if results.get(step) != value:
            misses.append(
                Miss(f"screener.results.{step}", value, str(results.get(step, "not set")))
            )
    return misses


Check = Callable[[TurnSpec, "Answer", "Assistant | None"], list[Miss]]
# In the order a failure report lists them.
CHECKS: tuple[Check, ...] = (
    _intent,
    _contains,
    _contains_any,
    _detail_contains,
    _matches,
    _not_contains,
    _cites,
    _fallback,
    _clarify,
    _follow_ups,
    _referrals,
    _min_confidence,
    _screener,
)


# ---- wording -----------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Case, curly quotes and runs of white space ignored, as README promises for text checks.
    Not ccs_assist.text.fold: that one also spells out contractions, drops possessives and
    accents, which would let "school's" match "school" in an expectation."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return " ".join(text.replace("\u201d", '"').casefold().split())


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The text on one line, in quotes, cut at `limit` characters."""
    flat = " ".join(text.split())
    return '"' + (flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "...") + '"'


def _around(folded: str, needle: str) -> str:
    at = folded.find(fold(needle))
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
