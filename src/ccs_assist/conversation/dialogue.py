"""A conversation: what was said before, pending clarifications, and the screener's state.

Memory is small and explicit: the latest entities of each kind, the last intent and its detail.
It lets "my son has CP" ... "does CCS cover his PT?" ... "and at school?" work, and `reset`
forgets all of it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ccs_assist.answering import (
    HANDLERS,
    SOURCE_RANK,
    Draft,
    Turn,
    finish,
    source_kind,
    unknown_subject,
)
from ccs_assist.answering.screener import STOP_WORDS, Screener, StepReply
from ccs_assist.conversation.decide import PRONOUN, Decider
from ccs_assist.knowledge.catalogue import Intent
from ccs_assist.knowledge.schema import Answer
from ccs_assist.letters import Letter, LetterInterview, menu_text
from ccs_assist.text import words
from ccs_assist.understanding.focus import content_words, find_focus, is_asking
from ccs_assist.understanding.grounding import question_type
from ccs_assist.understanding.matcher import Analysis, Scored
from ccs_assist.understanding.yesno import asks_yes_no

if TYPE_CHECKING:
    from ccs_assist.conversation.engine import Engine

HELP_PHRASES = frozenset({"help", "help me", "menu", "options", "what can i ask", "?"})
RESET_PHRASES = frozenset({"reset", "start over", "new question", "forget that", "new child"})
CHOICE = re.compile(r"^\s*(?:option\s*)?([12])\b")
# Replies that may come twice in a row: small talk, prompts, the check, "tell me more".
NEVER_REPEATED = frozenset(
    {
        None,
        "screener",
        "more_detail",
        "next_step",
        "greeting",
        "thanks",
        "farewell",
        "help",
        "write_letter",
    }
)
# Offered after an answer whose steps have a next step on the graph's paths.
NEXT_STEP_OFFER = "What if they still say no?"
NEXT_STEP_AGAIN = "What if that does not work?"
# A reply this short in content words, naming nothing, leans on the last answer.
SHORT_REPLY_WORDS = 4
INCOME_WORDS = re.compile(r"\b(income|make|made|earn|earned|salary|agi)\b")


@dataclass
class Memory:
    entities: dict[str, list[str]] = field(default_factory=dict)
    subject: str | None = None
    last_intent: str | None = None
    last_detail: str | None = None
    pending: list[tuple[str, Analysis]] | None = None
    # What the parent said about the child, by eligibility-check step ("age": "7"), so the
    # check uses it instead of asking again.
    facts: dict[str, str] = field(default_factory=dict)

    def remember(self, analysis: Analysis) -> None:
        if analysis.ages:
            self.facts["age"] = f"{analysis.ages[0]:g}"
        if analysis.counties:
            self.facts["residence"] = analysis.counties[0]
        if analysis.amounts and INCOME_WORDS.search(analysis.text.lower()):
            self.facts["income"] = f"{analysis.amounts[0]}"
        conditions = [e for e in analysis.entities if e.kind == "condition"]
        if conditions:
            self.facts["condition"] = conditions[0].text
        if analysis.entities:
            longest = max(analysis.entities, key=lambda e: e.end - e.start)
            self.subject = longest.node_id
        for entity in reversed(analysis.entities):
            seen = self.entities.setdefault(entity.kind, [])
            if entity.node_id in seen:
                seen.remove(entity.node_id)
            seen.insert(0, entity.node_id)

    def tokens(self) -> set[str]:
        out = {f"@{kind}" for kind, ids in self.entities.items() if ids}
        out |= {f"@{i}" for ids in self.entities.values() for i in ids}
        return out


class Conversation:
    """One parent's conversation; cheap to create, holds no graph data of its own."""

    def __init__(self, assistant: Engine, session_id: str | None = None) -> None:
        self.assistant = assistant
        self.decider = Decider(assistant)
        self.session_id = session_id or uuid.uuid4().hex
        self.memory = Memory()
        self.screener: Screener | None = None
        self.letter: LetterInterview | None = None
        self.last: Answer | None = None

    def reset(self) -> None:
        self.memory = Memory()
        self.screener = None
        self.letter = None
        self.last = None

    def ask(self, text: object) -> Answer:
        question = self.assistant.clean(text)
        answer = self._answer(question)
        if self._repeats(question, answer):
            answer = self._move_on(question, answer)
        answer.session_id = self.session_id
        self.last = answer
        if answer.detail:
            self.memory.last_detail = answer.detail
        return answer

    def _repeats(self, question: str, answer: Answer) -> bool:
        """The same answer as the last one: word for word, or on the same facts for a short
        reply that names nothing new and is no yes/no question ("so what do I say to them?")."""
        last = self.last
        if last is None or answer.fallback or answer.intent in NEVER_REPEATED:
            return False
        if answer.answer == last.answer:
            return True
        leans_on_last = (
            len(content_words(question)) <= SHORT_REPLY_WORDS
            and not self.decider.a.matcher.analyze(question).entities
            and not asks_yes_no(question)
        )
        same_facts = [b.id for b in answer.basis] == [b.id for b in last.basis]
        return leans_on_last and answer.intent == last.intent and same_facts

    def _move_on(self, question: str, repeated: Answer) -> Answer:
        """Instead of saying the same thing twice: say so, and give the next step."""
        intent = self.assistant.catalogue.intents.get("next_step")
        if intent is None:
            return repeated
        moved = self._run(question, self.decider.a.matcher.analyze(question), intent, 0.9)
        moved.answer = "That is what I said just above. " + moved.answer
        return moved

    # ---- the turn ----------------------------------------------------------------------------

    def _answer(self, question: str) -> Answer:
        a = self.assistant
        folded = " ".join(words(question))
        if not folded:
            return a.notice(
                question,
                "Please type a question about CCS, the Medical Therapy "
                "Program or your child's IEP.",
            )
        if folded in RESET_PHRASES:
            self.reset()
            return a.notice(
                question, "OK, I've forgotten this conversation. What would you like to know?"
            )
        if folded in HELP_PHRASES and "help" in a.catalogue.intents:
            return self._run(
                question, a.matcher.analyze(question), a.catalogue.intents["help"], 1.0
            )
        small = self._smalltalk(question)
        if self.screener is not None:
            return self._during_screener(question, folded, small)
        if self.letter is not None:
            during = self._during_letter(question, folded)
            if during is not None:
                return during
        if small is not None:
            return small
        return self._understand(question, folded)

    # ---- letters ----------------------------------------------------------------------------

    def _start_letter(self, question: str, confidence: float) -> Answer:
        """'Help me write a letter': the kind the words or the conversation point to, then one
        question at a time for what the conversation has not already told us."""
        letters = self.assistant.letters
        kind = letters.pick(question) or self._letter_from_context()
        if kind is None:
            answer = self.assistant.notice(question, menu_text(letters))
            answer.intent = "write_letter"
            return answer
        self.letter = LetterInterview(letters)
        text = self.letter.start(kind, known=self._known_fields())
        return self._letter_answer(question, text, confidence)

    def _letter_from_context(self) -> str | None:
        """The kind whose nodes the last answer rested on most ("the district says CCS handles
        it" ... "help me write a letter" is the prior written notice request)."""
        if self.last is None:
            return None
        basis = {b.id for b in self.last.basis}
        letters = self.assistant.letters
        overlap = [(len(basis & set(k.rests_on)), k.id) for k in letters.kinds()]
        best = max(overlap, default=(0, ""))
        return best[1] if best[0] else None

    def _known_fields(self) -> dict[str, str]:
        """What the conversation already knows that a letter asks for."""
        kg = self.assistant.kg
        known: dict[str, str] = {}
        services = self.memory.entities.get("service") or []
        if services:
            known["service"] = kg.node(services[0]).label
        if "residence" in self.memory.facts:
            known["county"] = self.memory.facts["residence"].title()
        return known

    def _during_letter(self, question: str, folded: str) -> Answer | None:
        """The letter interview takes the answers; a side question is answered and the
        interview goes on; after the letter, the conversation goes back to questions."""
        letter = self.letter
        assert letter is not None
        reply = letter.handle(question)
        if reply.stopped:
            self.letter = None
            return self.assistant.notice(question, reply.text)
        if reply.handled:
            if reply.done:
                return self._letter_answer(question, reply.text, 1.0, reply.letter)
            return self._letter_answer(question, reply.text, 1.0)
        if letter.done:
            self.letter = None
            return None  # a new question after the letter
        side = self._understand(question, folded)
        side.answer += f"\n\nBack to the letter: {letter.current_question()}"
        return side

    def _letter_answer(
        self, question: str, text: str, confidence: float, made: Letter | None = None
    ) -> Answer:
        letter = self.letter
        if made is None and letter is not None and letter.done:
            made = letter.letter
        answer = self.assistant.notice(question, text)
        answer.intent = "write_letter"
        answer.confidence = confidence
        if made is not None:
            ranked = sorted(made.citations, key=lambda c: SOURCE_RANK.get(c.type or "", 9))
            for citation in ranked:
                citation.what = citation.what or source_kind(citation)
            answer.citations = ranked[:3]
            answer.more_citations = ranked[3:]
        return answer

    def _during_screener(self, question: str, folded: str, small: Answer | None) -> Answer:
        """The check goes on unless the parent leaves it; small talk and side questions are
        answered, then the check picks up where it was."""
        screener = self.screener
        assert screener is not None
        if folded in STOP_WORDS or (small is not None and small.intent == "farewell"):
            self.screener = None
            return self.assistant.notice(
                question, "OK, I've stopped the eligibility check. Ask me anything."
            )
        side: Answer | None = small
        if side is None and is_asking(question) and not screener.can_read(question):
            side = self._understand(question, folded)
        if side is None:
            return self._screen(question)
        side.answer += f"\n\nBack to the check: {screener.current_question()}"
        side.screener = screener.state() | {"done": False}
        return side

    def _smalltalk(self, question: str) -> Answer | None:
        found = self.decider.smalltalk(question)
        if found is None:
            return None
        analysis, intent = found
        return self._run(question, analysis, intent, 1.0)

    def _understand(self, question: str, folded: str) -> Answer:
        """Decide what the message asks (decide.py), then compose the answer it calls for."""
        a = self.assistant
        if self.memory.pending:
            chosen = self._choice(folded)
            self.memory.pending = None
            if chosen is not None:
                intent, original = chosen
                return self._run(original.text, original, intent, 1.0 * a.threshold + 0.3)
        decision = self.decider.decide(question, self.memory)
        for analysis in decision.remember:
            self.memory.remember(analysis)
        analysis = decision.analysis
        if decision.action == "decline":
            return self._not_ours(question, analysis, decision.unknown, decision.candidates)
        if decision.action == "screener":
            return self._start_screener(question, decision.confidence)
        if decision.action == "letter":
            return self._start_letter(question, decision.confidence)
        if decision.action == "clarify":
            one, two = decision.candidates[:2]
            return self._clarify(question, analysis, one, two)
        assert decision.intent is not None
        if not decision.candidates:
            return self._run(
                question, analysis, decision.intent, decision.confidence, decision.follow_on
            )
        for candidate in decision.candidates:
            answer = self._run(question, analysis, candidate.intent, candidate.confidence)
            if not answer.fallback or candidate is decision.candidates[-1]:
                return answer
        return a.fallback(question, analysis)

    def _not_ours(
        self, question: str, analysis: Analysis, unknown: list[str], near: list[Scored]
    ) -> Answer:
        """An honest 'not sure': names what it does not know, offers questions it can answer."""
        answer = self.assistant.fallback(question, analysis, unknown=unknown)
        suggestions = [
            s.intent.spec.title
            for s in near
            if s.intent.spec.handler not in ("decline", "smalltalk") and not s.intent.spec.implicit
        ]
        answer.follow_ups = list(dict.fromkeys(suggestions))[:3]
        return answer

    def _run(
        self,
        question: str,
        analysis: Analysis,
        intent: Intent,
        confidence: float,
        follow_on: bool = False,
    ) -> Answer:
        a = self.assistant
        entities = self._entities(analysis, intent, follow_on)
        last_basis = [b.id for b in self.last.basis] if self.last else []
        turn = Turn(analysis, entities, intent, self.memory.last_detail, last_basis)
        draft: Draft | None = None
        if intent.spec.strict:
            draft = unknown_subject(a.kg, turn)
        if draft is None:
            draft = HANDLERS[intent.spec.handler](a.kg, turn)
        self.memory.remember(analysis)
        if draft is None:
            return a.fallback(question, analysis)
        if draft.substantive and not draft.fallback:
            self._add_passage(draft, self._passage_question(analysis.text), bool(intent.spec.lead))
        if intent.spec.handler != "more_detail":
            self.memory.last_intent = intent.id
        answer = finish(
            a.kg,
            draft,
            question=question,
            intent=intent.id,
            confidence=min(1.0, confidence),
            entities=entities,
            follow_ups=self._follow_ups(intent, draft),
            default_referrals=a.referrals,
        )
        answer.answer = a.glossary.spell_out(answer.answer)
        return answer

    def _follow_ups(self, intent: Intent, draft: Draft) -> list[str]:
        """Suggested next questions: when a step in the answer has a next step in the graph,
        'what if they still say no?' comes first, then the intent's own suggestions."""
        kg = self.assistant.kg
        offers = list(intent.spec.follow_ups)
        has_next = any(
            kg.node(n).kind == "action" and kg.out(n, "next_step") for n in draft.basis if n in kg
        )
        if has_next:
            again = intent.spec.handler == "next_step"
            offers.insert(0, NEXT_STEP_AGAIN if again else NEXT_STEP_OFFER)
        return list(dict.fromkeys(offers))[:3]

    @staticmethod
    def _passage_question(text: str) -> str:
        """The words that choose a detail passage: the asking sentence, or the whole message
        when that sentence asks what something in the story means ("What does that mean?")."""
        focus = find_focus(text)
        folded = " ".join(words(focus.question))
        if question_type(folded) == "what" and PRONOUN.search(folded):
            return text
        return focus.question

    def _add_passage(self, draft: Draft, asked: str, written_lead: bool = False) -> None:
        """The detail sentence that answers what the summaries leave out, if one does, from
        the nodes the answer rests on or the ones they point to. It goes first when it holds
        more of the question's rare words than everything else shown, unless the answer
        opens with yes or no or with a lead written for the intent."""
        kg = self.assistant.kg
        passages = self.assistant.passages
        shown = " ".join([*draft.lead, *draft.bullets])
        nodes = [n for n in draft.basis if kg.node(n).kind != "source"]
        nodes += [t for n in nodes for t, d in kg.out(n) if d["type"] != "cites"]
        extra = passages.best(dict.fromkeys(nodes), asked, shown)
        if not extra:
            return
        first = not written_lead and not draft.opening
        if first and passages.weight(asked, extra) > passages.weight(asked, shown):
            draft.lead.insert(0, extra)  # it says more of what was asked than the rest
        else:
            draft.lead.append(extra)

    def _entities(
        self, analysis: Analysis, intent: Intent, follow_on: bool
    ) -> dict[str, list[str]]:
        """Entities from the question, filled in from memory where the question is silent."""
        here: dict[str, list[str]] = {}
        for entity in analysis.entities:
            here.setdefault(entity.kind, [])
            if entity.node_id not in here[entity.kind]:
                here[entity.kind].append(entity.node_id)
        if follow_on:
            merged = {k: list(v) for k, v in self.memory.entities.items()}
            if {"program", "organization"} & here.keys():
                merged.pop("program", None)
                merged.pop("organization", None)
            merged.update(here)
            return merged
        for need in (*intent.spec.needs, "condition"):
            if need not in here and self.memory.entities.get(need):
                here[need] = list(self.memory.entities[need][:1])
        return here

    def _clarify(self, question: str, analysis: Analysis, one: Scored, two: Scored) -> Answer:
        self.memory.pending = [(one.intent.id, analysis), (two.intent.id, analysis)]
        options = [one.intent.spec.title, two.intent.spec.title]
        text = (
            "I want to be sure I answer the right question. Did you mean:\n"
            f"1. {options[0]}\n2. {options[1]}\nReply 1 or 2, or ask again in other words."
        )
        answer = self.assistant.notice(question, text)
        answer.clarify = options
        answer.confidence = one.confidence
        return answer

    def _choice(self, folded: str) -> tuple[Intent, Analysis] | None:
        pending = self.memory.pending or []
        match = CHOICE.match(folded)
        catalogue = self.assistant.catalogue.intents
        if match:
            intent_id, original = pending[int(match.group(1)) - 1]
            return catalogue[intent_id], original
        for intent_id, original in pending:
            title = " ".join(words(catalogue[intent_id].spec.title))
            if folded and folded in title:
                return catalogue[intent_id], original
        return None

    # ---- the screener ------------------------------------------------------------------------

    def _start_screener(self, question: str, confidence: float) -> Answer:
        a = self.assistant
        self.screener = Screener(
            a.kg, a.matcher, a.catalogue.counties, known=dict(self.memory.facts)
        )
        return self._screen_reply(question, self.screener.begin(), confidence)

    def _screen(self, question: str) -> Answer:
        screener = self.screener
        assert screener is not None
        return self._screen_reply(question, screener.handle(question))

    def _screen_reply(self, question: str, reply: StepReply, confidence: float = 1.0) -> Answer:
        a = self.assistant
        screener = self.screener
        assert screener is not None
        draft = Draft(lead=[reply.text])
        if reply.requirement:
            draft.rest_on(reply.requirement)
        draft.rest_on(*reply.extra_basis)
        if not reply.requirement and not reply.extra_basis:
            draft.substantive = False
        answer = finish(
            a.kg,
            draft,
            question=question,
            intent="screener",
            confidence=confidence,
            entities={},
            follow_ups=[],
            default_referrals=[],
        )
        answer.screener = screener.state() | {"done": reply.done}
        if reply.done:
            self.screener = None
            answer.referrals = [r for r in a.fallback_referrals() if r.id == "county_ccs_office"]
        return answer
