"""The turns of a conversation that write a letter: starting the interview, taking its
answers, answering a side question in between, and the finished letter with its sources."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ccs_assist.answering import SOURCE_RANK, source_kind
from ccs_assist.conversation.engine import Engine
from ccs_assist.conversation.memory import Memory
from ccs_assist.knowledge.schema import Answer

if TYPE_CHECKING:
    from ccs_assist.letters import Letter, LetterInterview


class LetterTurns:
    """Mixed into Conversation, whose state it reads and sets: the interview under way
    (`letter`), the last answer and memory that fill in what the letter needs."""

    assistant: Engine
    memory: Memory
    letter: LetterInterview | None
    last: Answer | None

    def _start_letter(self, question: str, confidence: float) -> Answer:
        """'Help me write a letter': the kind the words or the conversation point to, then one
        question at a time for what the conversation has not already told us."""
        letters = self.assistant.letters
        kind = letters.pick(question) or self._letter_from_context()
        if kind is None:
            from ccs_assist.letters import menu_text

            answer = self.assistant.notice(question, menu_text(letters))
            answer.intent = "write_letter"
            return answer
        from ccs_assist.letters import LetterInterview  # on first use, like Engine.letters

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

    def _during_letter(self, question: str, side_question: Callable[[], Answer]) -> Answer | None:
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
        side = side_question()
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
