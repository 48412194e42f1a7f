"""The eligibility screener: four requirements asked one at a time, each answer checked.

The numbers it compares against (age limit, income line, cost share) are read from the
requirement nodes' `params`; the explanation after each step is that node's own summary, cited.
It never promises: the county CCS program decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.text import ages, fold, words
from ccs_assist.understanding.matcher import Matcher

Status = Literal["met", "not_met", "unknown"]
STEPS = ("age", "residence", "medi_cal", "income", "cost", "condition")
MAX_TRIES = 2
STOP_WORDS = frozenset({"stop", "cancel", "quit", "exit", "nevermind", "never mind"})
YES = frozenset(
    {"yes", "y", "yeah", "yep", "yup", "sure", "correct", "we do", "she does", "he does"}
)
# Compared after folding, so "don't know" arrives as "do not know".
NO = frozenset({"no", "n", "nope", "nah", "we do not", "she does not", "he does not", "not"})
UNSURE = frozenset(
    {
        "not sure",
        "do not know",
        "i do not know",
        "idk",
        "unsure",
        "maybe",
        "no idea",
        "i am not sure",
        "we do not know",
        "dunno",
    }
)
OUT_OF_STATE = re.compile(
    r"\b(not in california|outside california|another state|out of state|other state)\b|"
    r"\b(alabama|alaska|arizona|arkansas|colorado|connecticut|delaware|florida|georgia|hawaii|"
    r"idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|"
    r"michigan|minnesota|mississippi|missouri|montana|nebraska|new hampshire|new jersey|"
    r"new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|"
    r"rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|"
    r"washington|west virginia|wisconsin|wyoming|mexico|nevada)\b(?!\s+county)"
)

INTRO = (
    "Let's check the four CCS rules (age, where you live, income, and the medical "
    "condition). I'll ask one thing at a time. Say 'stop' at any time to leave the check."
)
QUESTIONS = {
    "age": "How old is your child? (for example: 7, or 18 months)",
    "residence": "Which California county does your child live in?",
    "medi_cal": "Does your child have full-scope Medi-Cal? (yes / no / not sure)",
    "income": "What was your family's adjusted gross income (AGI) on your last California tax "
    "return? (a number, like 52,000)",
    "cost": "About how much do you expect your child's care for the CCS condition to cost your "
    "family in a year? (a number, or 'not sure')",
    "condition": "What is your child's medical condition? (for example: cerebral palsy)",
}
RETRY = {
    "age": "Please give the age as a number, like 7 or '18 months'.",
    "residence": "Please give the name of a California county, like 'Fresno', or say 'not in "
    "California'.",
    "medi_cal": "Please answer yes, no, or not sure.",
    "income": "Please give a dollar amount, like 52,000, or say 'not sure'.",
    "cost": "Please give a dollar amount, like 9,000, or say 'not sure'.",
    "condition": "Please name the condition, for example 'spina bifida', or say 'not sure'.",
}
REQUIREMENT = {
    "age": "req_age",
    "residence": "req_residence",
    "medi_cal": "req_income",
    "income": "req_income",
    "cost": "req_income",
    "condition": "req_medical_condition",
}


def said_before(step: str, given: str) -> str:
    """How the check repeats back what the parent said earlier."""
    if step == "age":
        return f"You told me your child is {given}."
    if step == "residence":
        return f"You told me you live in {given.title()} County."
    if step == "income":
        return f"You told me your family income is ${float(given):,.0f}."
    if step == "condition":
        return f"You told me your child has {given}."
    return f"You told me: {given}."


@dataclass
class StepReply:
    """What the screener says back after one answer."""

    text: str
    requirement: str | None
    done: bool = False
    extra_basis: list[str] = field(default_factory=list)


@dataclass
class Screener:
    kg: KnowledgeGraph
    matcher: Matcher
    counties: frozenset[str]
    step: str = "age"
    tries: int = 0
    results: dict[str, Status] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    condition: str | None = None
    # What the parent said earlier in the conversation, by step ("age": "7"): used, not asked.
    known: dict[str, str] = field(default_factory=dict)

    def start(self) -> str:
        return INTRO + "\n" + QUESTIONS["age"]

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
        return cls(
            kg,
            matcher,
            counties,
            step=str(step),
            tries=tries,
            results={str(k): v for k, v in results.items()},
            notes={str(k): str(v) for k, v in notes.items()},
            condition=condition,
            known={str(k): str(v) for k, v in known.items()},
        )

    def current_question(self) -> str:
        return QUESTIONS[self.step]

    def can_read(self, text: str) -> bool:
        """Whether this text answers the current step, tried on a copy so nothing changes:
        a side question ("what does full scope mean?") is then answered, not re-asked."""
        trial = replace(self, results=dict(self.results), notes=dict(self.notes))
        return getattr(trial, f"_{self.step}")(text) is not None

    def handle(self, text: str) -> StepReply:
        reply = getattr(self, f"_{self.step}")(text)
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
        given = self.known.pop(self.step, None)
        first = getattr(self, f"_{self.step}")(given) if given else None
        if first is None or given is None:
            reply.text += "\n" + QUESTIONS[self.step]
            return reply
        reply.text += f"\n{said_before(self.step, given)} {first.text}"
        reply.extra_basis.append(first.requirement or "")
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
            given = self.known.pop(nxt, None)
            answered = getattr(self, f"_{nxt}")(given) if given else None
            if answered is None or given is None:
                reply.text += "\n" + QUESTIONS[nxt]
                break
            reply.text += f"\n{said_before(nxt, given)} {answered.text}"
            if answered.requirement:
                reply.extra_basis.append(answered.requirement)
        reply.extra_basis = [n for n in dict.fromkeys(reply.extra_basis) if n]
        return reply

    # ---- one method per step: return None to re-ask -----------------------------------------

    def _age(self, text: str) -> StepReply | None:
        found = ages(text)
        if not found:
            bare = re.fullmatch(r"\s*(\d{1,3})\s*", fold(text))
            found = [float(bare.group(1))] if bare else []
        if not found or found[0] > 120:
            return None
        limit = self._param("req_age", "max_age_exclusive")
        age = found[0]
        self.results["age"] = "met" if age < limit else "not_met"
        verdict = "meets" if age < limit else "does not meet"
        return StepReply(
            f"Age {age:g} {verdict} the age rule: {self.kg.node('req_age').summary}", "req_age"
        )

    def _residence(self, text: str) -> StepReply | None:
        folded = " ".join(words(text))
        if self._is(folded, UNSURE):
            return None
        if OUT_OF_STATE.search(folded) or self._is(folded, NO):
            self.results["residence"] = "not_met"
            return StepReply(
                "CCS is for children who live in California. "
                + self.kg.node("req_residence").summary,
                "req_residence",
            )
        county = next((c for c in self.counties if re.search(rf"\b{re.escape(c)}\b", folded)), None)
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
        folded = " ".join(words(text))
        if self._is(folded, UNSURE):
            self.notes["medi_cal"] = "unsure"
            return StepReply("That's fine; we'll look at income instead.", None)
        if self._is(folded, YES) or ("medi cal" in folded and not self._is(folded, NO)):
            self.results["income"] = "met"
            self.notes["medi_cal"] = "yes"
            return StepReply(
                "Children with full-scope Medi-Cal meet CCS's money rule. "
                + self.kg.node("req_income").summary,
                "req_income",
            )
        if self._is(folded, NO):
            self.notes["medi_cal"] = "no"
            return StepReply("Then the income rule applies.", None)
        return None

    def _income(self, text: str) -> StepReply | None:
        amount = self._amount(text)
        if amount == -1:
            self.results["income"] = "unknown"
            return StepReply("The county will check income from your tax return.", "req_income")
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
        amount = self._amount(text)
        share = self._param("req_income", "cost_share_percent")
        income = float(self.notes.get("income", "0").replace(",", ""))
        if amount == -1:
            self.results["income"] = "unknown"
            return StepReply(
                "The county can work that out with you from your child's expected care costs.",
                "req_income",
            )
        if amount is None:
            return None
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
        folded = " ".join(words(text))
        if self._is(folded, UNSURE):
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

    # ---- small parsers -----------------------------------------------------------------------

    def _param(self, node_id: str, name: str) -> float:
        return float(self.kg.node(node_id).params[name])

    @staticmethod
    def _is(folded: str, options: frozenset[str]) -> bool:
        return folded in options or any(folded.startswith(o + " ") for o in options)

    def _amount(self, text: str) -> float | None:
        """A dollar amount; -1 for "not sure"; None when unreadable."""
        folded = " ".join(words(text))
        if self._is(folded, UNSURE):
            return -1
        match = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*(k|thousand)?\b", fold(text))
        if not match:
            return None
        value = float(match.group(1).replace(",", ""))
        return value * 1000 if match.group(2) else value
