"""The eligibility screener: four requirements asked one at a time, each answer checked.

The numbers it compares against (age limit, income line, cost share) are read from the
requirement nodes' `params`; the explanation after each step is that node's own summary, cited.
It never promises: the county CCS program decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ccs_assist.answering.screener_replies import (
    NO,
    STOP_WORDS,
    UNSURE,
    YES,
    find_county,
    is_one_of,
    out_of_state,
    reply_words,
)
from ccs_assist.answering.screener_wording import INTRO, QUESTIONS, RETRY, said_before
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.text import reply_age, reply_amount
from ccs_assist.understanding.matcher import Matcher

__all__ = ["STEPS", "STOP_WORDS", "Screener", "StepReply"]

Status = Literal["met", "not_met", "unknown"]
STEPS = ("age", "residence", "medi_cal", "income", "cost", "condition")
MAX_TRIES = 2
REQUIREMENT = {
    "age": "req_age",
    "residence": "req_residence",
    "medi_cal": "req_income",
    "income": "req_income",
    "cost": "req_income",
    "condition": "req_medical_condition",
}


@dataclass
class StepReply:
    """What the screener says back after one answer."""

    text: str
    requirement: str | None
    done: bool = False
    extra_basis: list[str] = field(default_factory=list)


@dataclass
class Screener:
    """One parent's eligibility check: where it is, and what each step has found."""

    kg: KnowledgeGraph
    matcher: Matcher
    counties: frozenset[str]
    step: str = "age"
    tries: int = 0
    results: dict[str, Status] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    # The condition node the parent named, if the graph has it: the verdict names it, and
    # says when the Medical Therapy Program serves it.
    condition: str | None = None
    # What the parent said earlier in the conversation, by step ("age": "7"): used, not asked.
    known: dict[str, str] = field(default_factory=dict)

    def state(self) -> dict[str, object]:
        return {"step": self.step, "results": dict(self.results), "notes": dict(self.notes)}

    def to_state(self) -> dict[str, object]:
        """Everything this check has learned, as plain JSON data, so a conversation can be
        saved between requests (see state.py); the graph and matcher are not part of it."""
        return {
            "step": self.step,
            "tries": self.tries,
            "results": dict(self.results),
            "notes": dict(self.notes),
            "condition": self.condition,
            "known": dict(self.known),
        }

    @classmethod
    def from_state(
        cls,
        kg: KnowledgeGraph,
        matcher: Matcher,
        counties: frozenset[str],
        data: dict[str, object],
    ) -> Screener:
        """The check `to_state` saved, with the live graph and matcher; bad data raises
        ValueError rather than resuming a check at a step that does not exist."""
        return cls(kg, matcher, counties, **_saved_fields(data))

    def current_question(self) -> str:
        return QUESTIONS[self.step]

    def can_read(self, text: str) -> bool:
        """Whether this text answers the current step, tried on a copy so nothing changes:
        a side question ("what does full scope mean?") is then answered, not re-asked."""
        trial = replace(self, results=dict(self.results), notes=dict(self.notes))
        return trial._read(self.step, text) is not None

    def handle(self, text: str) -> StepReply:
        reply = self._read(self.step, text)
        if reply is None:
            self.tries += 1
            if self.tries < MAX_TRIES:
                return StepReply(RETRY[self.step] + "\n" + QUESTIONS[self.step], None)
            self.results[self.step] = "unknown"
            reply = StepReply(
                "I couldn't read that, so I'll leave this one for the county to check.",
                REQUIREMENT[self.step],
            )
        self.tries = 0
        return self._advance(reply)

    def begin(self) -> StepReply:
        """The opening, answering at once every step the parent already told us about."""
        reply = StepReply(INTRO, None)
        if not self._recall(self.step, reply):
            return reply
        return self._advance(reply)

    def _advance(self, reply: StepReply) -> StepReply:
        """Go to the next step; a step the parent already answered earlier in the conversation
        is answered from that, not asked again."""
        while True:
            nxt = self._next_step()
            if nxt is None:
                final, rests_on = self._result()
                reply.text += "\n\n" + final
                reply.extra_basis.extend(rests_on)
                reply.done = True
                break
            self.step = nxt
            if not self._recall(nxt, reply):
                break
        reply.extra_basis = [n for n in dict.fromkeys(reply.extra_basis) if n]
        return reply

    def _recall(self, step: str, reply: StepReply) -> bool:
        """Answer `step` from what the parent said earlier, adding it to `reply`; when they
        said nothing readable, ask it instead and return False."""
        given = self.known.pop(step, None)
        answered = self._read(step, given) if given else None
        if answered is None or given is None:
            reply.text += "\n" + QUESTIONS[step]
            return False
        reply.text += f"\n{said_before(step, given)} {answered.text}"
        reply.extra_basis.append(answered.requirement or "")
        return True

    def _read(self, step: str, text: str) -> StepReply | None:
        """The step's own method below reads the reply: None means it could not."""
        reader: Callable[[str], StepReply | None] = getattr(self, f"_{step}")
        return reader(text)

    # ---- one method per step: return None to re-ask -----------------------------------------

    def _age(self, text: str) -> StepReply | None:
        age = reply_age(text)
        if age is None:
            return None
        limit = self._param("req_age", "max_age_exclusive")
        self.results["age"] = "met" if age < limit else "not_met"
        verdict = "meets" if age < limit else "does not meet"
        return StepReply(
            f"Age {age:g} {verdict} the age rule: {self.kg.node('req_age').summary}", "req_age"
        )

    def _residence(self, text: str) -> StepReply | None:
        folded = reply_words(text)
        if is_one_of(folded, UNSURE):
            return None
        if out_of_state(folded, self.matcher.catalogue.other_states) or is_one_of(folded, NO):
            self.results["residence"] = "not_met"
            return StepReply(
                "CCS is for children who live in California. "
                + self.kg.node("req_residence").summary,
                "req_residence",
            )
        county = find_county(folded, self.counties)
        if county is None:
            return None
        self.results["residence"] = "met"
        self.notes["county"] = county.title()
        return StepReply(
            f"{county.title()} County: you would apply to that county's CCS office. "
            + self.kg.node("req_residence").summary,
            "req_residence",
        )

    def _medi_cal(self, text: str) -> StepReply | None:
        folded = reply_words(text)
        if is_one_of(folded, UNSURE):
            self.notes["medi_cal"] = "unsure"
            return StepReply("That's fine; we'll look at income instead.", None)
        if is_one_of(folded, YES) or ("medi cal" in folded and not is_one_of(folded, NO)):
            self.results["income"] = "met"
            self.notes["medi_cal"] = "yes"
            return StepReply(
                "Children with full-scope Medi-Cal meet CCS's money rule. "
                + self.kg.node("req_income").summary,
                "req_income",
            )
        if is_one_of(folded, NO):
            self.notes["medi_cal"] = "no"
            return StepReply("Then the income rule applies.", None)
        return None

    def _income(self, text: str) -> StepReply | None:
        if is_one_of(reply_words(text), UNSURE):
            self.results["income"] = "unknown"
            return StepReply("The county will check income from your tax return.", "req_income")
        amount = reply_amount(text)
        if amount is None:
            return None
        limit = self._param("req_income", "agi_limit")
        self.notes["income"] = f"{amount:,.0f}"
        if amount <= limit:
            self.results["income"] = "met"
            return StepReply(
                f"${amount:,.0f} is at or under the ${limit:,.0f} line, so the income rule is met.",
                "req_income",
            )
        share = self._param("req_income", "cost_share_percent")
        return StepReply(
            f"${amount:,.0f} is over the ${limit:,.0f} line. Your child can still qualify if care "
            f"for the condition is expected to cost more than {share:g}% of that income "
            f"(${amount * share / 100:,.0f} a year).",
            "req_income",
        )

    def _cost(self, text: str) -> StepReply | None:
        if is_one_of(reply_words(text), UNSURE):
            self.results["income"] = "unknown"
            return StepReply(
                "The county can work that out with you from your child's expected care costs.",
                "req_income",
            )
        amount = reply_amount(text)
        if amount is None:
            return None
        share = self._param("req_income", "cost_share_percent")
        income = float(self.notes.get("income", "0").replace(",", ""))
        if income and amount > income * share / 100:
            self.results["income"] = "met"
            return StepReply(
                f"${amount:,.0f} is more than {share:g}% of your income, so the income rule can "
                "be met that way.",
                "req_income",
            )
        self.results["income"] = "not_met"
        return StepReply(
            f"${amount:,.0f} is not more than {share:g}% of your income, so CCS's income rule is "
            "probably not met for treatment services.",
            "req_income",
        )

    def _condition(self, text: str) -> StepReply | None:
        folded = reply_words(text)
        if is_one_of(folded, UNSURE):
            self.results["condition"] = "unknown"
            return StepReply(self.kg.node("req_medical_condition").summary, "req_medical_condition")
        found = self.matcher.analyze(text).ids("condition")
        if not found:
            if not re.search(r"[a-z]{3}", folded):
                return None
            self.results["condition"] = "unknown"
            return StepReply(
                "I don't have that condition in my list, so the county CCS program would decide. "
                + self.kg.node("req_medical_condition").summary,
                "req_medical_condition",
            )
        self.condition = found[0]
        self.results["condition"] = "unknown"
        label = self.kg.node(found[0]).label
        return StepReply(
            f"{label} is in a group of conditions CCS can cover, but the county CCS program "
            "decides using CCS's medical rules. " + self.kg.node("req_medical_condition").summary,
            "req_medical_condition",
            extra_basis=[found[0]],
        )

    # ---- flow and result ---------------------------------------------------------------------

    def _next_step(self) -> str | None:
        order = list(STEPS)
        index = order.index(self.step)
        for step in order[index + 1 :]:
            if step == "income" and self.results.get("income") == "met":
                continue
            if step == "cost" and ("income" in self.results or "income" not in self.notes):
                continue
            return step
        return None

    def _result(self) -> tuple[str, list[str]]:
        """The verdict and the nodes it rests on. Every route that can still apply is named:
        the MTP and CCS diagnostic services have no income test."""
        results = self.results
        summary = ", ".join(f"{k}: {v.replace('_', ' ')}" for k, v in results.items())
        no_income_test = [
            n for n in ("mtp_no_financial_test", "diagnostic_evaluation") if n in self.kg
        ]
        if results.get("age") == "not_met" or results.get("residence") == "not_met":
            return (
                f"Result: likely NOT eligible for CCS ({summary}). CCS is only for California "
                "children under the age limit. The county CCS office can confirm.",
                ["req_age", "req_residence"],
            )
        if results.get("income") == "not_met":
            return (
                f"Result: likely not eligible for CCS treatment services on income ({summary}). "
                "But the Medical Therapy Program and CCS diagnostic services have no income test, "
                "so ask your county CCS office about those.",
                ["req_income", *no_income_test],
            )
        if self.condition is None:  # not a condition on the list, or not said
            return (
                f"Result: I can't tell yet ({summary}). It depends on the medical condition, and "
                "the county CCS program decides that using CCS's medical rules. Ask your county "
                "CCS office; anyone, including you, can refer your child.",
                ["req_medical_condition"],
            )
        verdict = (
            f"Result: your child may well be eligible ({summary}). The county CCS program makes "
            "the final decision, mainly on the medical condition. Next step: contact your county "
            "CCS office to apply; anyone, including you, can refer your child."
        )
        rests_on = ["req_medical_condition", self.condition]
        if results.get("income") != "met" and self._served_by_mtp(self.condition):
            label = self.kg.node(self.condition).label
            verdict += (
                f" {label} is also one of the conditions the Medical Therapy Program serves, and "
                "MTP therapy has no income test."
            )
            rests_on.append("mtp_no_financial_test")
        return verdict, rests_on

    def _served_by_mtp(self, condition: str) -> bool:
        groups = [condition, *(g for g, _ in self.kg.out(condition, "part_of"))]
        return any(p == "mtp" for g in groups for p, _ in self.kg.out(g, "covered_by"))

    def _param(self, node_id: str, name: str) -> float:
        return float(self.kg.node(node_id).params[name])

def _saved_fields(data: dict[str, object]) -> dict[str, Any]:
    """The Screener fields `to_state` saved, checked; ValueError when `data` is not that."""
    step = data.get("step")
    tries = data.get("tries", 0)
    results = data.get("results") or {}
    notes = data.get("notes") or {}
    condition = data.get("condition")
    known = data.get("known") or {}
    if not isinstance(known, dict) or any(k not in STEPS for k in known):
        raise ValueError("not a saved screener state")
    if step not in STEPS or not isinstance(tries, int) or isinstance(tries, bool):
        raise ValueError("not a saved screener state")
    if not isinstance(results, dict) or not isinstance(notes, dict):
        raise ValueError("not a saved screener state")
    if any(v not in ("met", "not_met", "unknown") for v in results.values()):
        raise ValueError("not a saved screener state")
    if condition is not None and not isinstance(condition, str):
        raise ValueError("not a saved screener state")
    return {
        "step": str(step),
        "tries": tries,
        "results": {str(k): v for k, v in results.items()},
        "notes": {str(k): str(v) for k, v in notes.items()},
        "condition": condition,
        "known": {str(k): str(v) for k, v in known.items()},
    }
