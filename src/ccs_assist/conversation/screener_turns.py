"""The turns of a conversation that run the eligibility check: starting it with what memory
already knows, one step per message, side questions answered in between, and stopping."""

from __future__ import annotations

from collections.abc import Callable

from ccs_assist.answering import STOP_WORDS, Composer, Draft, Screener, StepReply
from ccs_assist.conversation.engine import Engine
from ccs_assist.conversation.memory import Memory
from ccs_assist.knowledge.schema import Answer
from ccs_assist.understanding.focus import is_asking


class ScreenerTurns:
    """Mixed into Conversation, whose state it reads and sets: the check under way
    (`screener`) and the facts memory holds about the child."""

    assistant: Engine
    memory: Memory
    screener: Screener | None

    def _during_screener(
        self,
        question: str,
        folded: str,
        small: Answer | None,
        side_question: Callable[[], Answer],
    ) -> Answer:
        """The check goes on unless the parent leaves it; small talk and side questions are
        answered, then the check picks up where it was."""
        screener = self.screener
        assert screener is not None
        if folded in STOP_WORDS or (small is not None and small.intent == "farewell"):
            self.screener = None
            return self.assistant.notice(
                question, "OK, I've stopped the eligibility check. You can ask me anything now."
            )
        side: Answer | None = small
        if side is None and is_asking(question) and not screener.can_read(question):
            side = side_question()
        if side is None:
            return self._screen(question)
        side.answer += f"\n\nBack to the check: {screener.current_question()}"
        side.screener = screener.state() | {"done": False}
        return side

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
        # The screener names no office while it runs; when done, the county office.
        answer = Composer(a.kg).compose(draft, question, intent="screener", confidence=confidence)
        answer.screener = screener.state() | {"done": reply.done}
        if reply.done:
            self.screener = None
            answer.referrals = [r for r in a.fallback_referrals() if r.id == "county_ccs_office"]
        return answer
