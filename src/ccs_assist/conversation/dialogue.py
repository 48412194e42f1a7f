"""A conversation, turn by turn: what each message is (empty, reset, help, small talk, a
step of the eligibility check or of a letter, a question), and the answer it gets.

What the conversation remembers is in memory.py, how a question is read in decide.py, the
parts added around a handler's draft in compose.py, and the check and the letter in
screener_turns.py and letter_turns.py.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

from ccs_assist.answering import HANDLERS, Draft, Screener, Turn, unknown_subject
from ccs_assist.conversation.compose import (
    add_passage,
    add_story_facts,
    follow_ups,
    passage_question,
    story_facts,
    turn_entities,
)
from ccs_assist.conversation.decide import Decider
from ccs_assist.conversation.engine import Engine
from ccs_assist.conversation.letter_turns import LetterTurns
from ccs_assist.conversation.memory import Memory
from ccs_assist.conversation.screener_turns import ScreenerTurns
from ccs_assist.knowledge.catalogue import Intent
from ccs_assist.knowledge.schema import Answer
from ccs_assist.text import words
from ccs_assist.understanding.focus import content_words
from ccs_assist.understanding.matcher import Analysis, Scored
from ccs_assist.understanding.yesno import asks_yes_no

if TYPE_CHECKING:  # letters load on first use: most conversations never write one
    from ccs_assist.letters import LetterInterview

__all__ = ["Conversation", "Memory"]

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
# A reply this short in content words, naming nothing, leans on the last answer.
SHORT_REPLY_WORDS = 4


class Conversation(LetterTurns, ScreenerTurns):
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
            and not self.assistant.matcher.analyze(question).entities
            and not asks_yes_no(question)
        )
        same_facts = [b.id for b in answer.basis] == [b.id for b in last.basis]
        return leans_on_last and answer.intent == last.intent and same_facts

    def _move_on(self, question: str, repeated: Answer) -> Answer:
        """Instead of saying the same thing twice: say so, and give the next step."""
        intent = self.assistant.catalogue.intents.get("next_step")
        if intent is None:
            return repeated
        moved = self._run(question, self.assistant.matcher.analyze(question), intent, 0.9)
        moved.answer = "That is what I said just above. " + moved.answer
        return moved

    # ---- the turn ----------------------------------------------------------------------------

    def _answer(self, question: str) -> Answer:
        """What kind of message this is, in order: empty, reset, help, a step of the check
        or the letter under way (which take small talk and side questions too), small talk,
        and otherwise a question."""
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

        def side_question() -> Answer:
            return self._understand(question, folded)

        if self.screener is not None:
            return self._during_screener(question, folded, small, side_question)
        if self.letter is not None:
            during = self._during_letter(question, side_question)
            if during is not None:
                return during
        if small is not None:
            return small
        return self._understand(question, folded)

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
                return self._run(original.text, original, intent, a.threshold + 0.3)
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
        told = story_facts(a, decision.remember, analysis)
        if not decision.candidates:
            return self._run(
                question, analysis, decision.intent, decision.confidence, decision.follow_on, told
            )
        first = decision.candidates[0]
        for candidate in decision.candidates:
            if candidate is not first and candidate.intent.spec.handler == "describe":
                continue  # a description of the subject does not answer what was asked of it
            answer = self._run(
                question, analysis, candidate.intent, candidate.confidence, story=told
            )
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
        story: list[str] | None = None,
    ) -> Answer:
        """Answer with this intent: its handler's draft on the question's entities (and
        memory's), the facts the story makes relevant, the detail passage and follow-ups
        added, jargon spelled out."""
        a = self.assistant
        entities = turn_entities(self.memory, analysis, intent, follow_on)
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
            add_story_facts(a.kg, draft, story or [])
            asked, may_lead = passage_question(analysis.text)
            add_passage(a, draft, asked, bool(intent.spec.lead) or not may_lead)
        if intent.spec.handler != "more_detail":
            self.memory.last_intent = intent.id
        answer = a.composer.compose(
            draft,
            question,
            intent=intent.id,
            confidence=min(1.0, confidence),
            entities=entities,
            follow_ups=follow_ups(a.kg, intent, draft),
        )
        answer.answer = a.glossary.spell_out(answer.answer)
        return answer

    # ---- did you mean ------------------------------------------------------------------------

    def _clarify(self, question: str, analysis: Analysis, one: Scored, two: Scored) -> Answer:
        """Ask which of two readings was meant; memory keeps both for the reply."""
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
        """The pending reading the reply picks, by number ("2") or by words of its title."""
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
