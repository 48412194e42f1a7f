"""From a message to a decision: focus, understand, ground, decide.

Each stage does one thing, and the decision says what to do without doing it:
1. focus: the asking sentence of a long message, its story set apart (focus.py);
2. understand: entities and scored intents (matcher.py);
3. ground: keep the readings that are about what was asked, on the side of the system it
   names and of the kind of answer it wants (grounding.py), and that the retriever backs
   (retrieval.py);
4. decide: answer, ask which was meant (only between readings of one subject), or decline
   honestly, naming what is not known.
The conversation (dialogue.py) then composes the answer and keeps memory (memory.py).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ccs_assist.conversation.decision import Action, Decision, Reading
from ccs_assist.conversation.memory import Memory
from ccs_assist.conversation.question_shape import (
    PRONOUN,
    follow_on_intent,
    is_definition,
    only_entities,
    points_back,
    resolve_pronoun,
)
from ccs_assist.knowledge.catalogue import Intent
from ccs_assist.text import words
from ccs_assist.understanding.focus import content_words, find_focus
from ccs_assist.understanding.grounding import question_type
from ccs_assist.understanding.matcher import Analysis, Scored

if TYPE_CHECKING:
    from ccs_assist.conversation.engine import Engine

# A message with more content words than this is a question, even if it starts with "thanks".
SMALLTALK_MAX_CONTENT = 3
# Matched on the story because the question itself named nothing: less sure than a direct match.
STORY_DISCOUNT = 0.85
# Handlers that start a step-by-step mode rather than answer.
MODE_HANDLERS = frozenset({"screener", "letter"})
# A match this sure, on a strong cue, is not undone by an unknown word beside it.
EXPLAINED_CONFIDENCE = 0.7
# The retriever agrees with a cue match when it scores that intent at least this share of its
# best score (a strong cue needs less); a match it does not back keeps only part of its
# confidence.
AGREE_SHARE = 0.5
AGREE_SHARE_STRONG = 0.25
DISAGREE_STRONG = 0.85
DISAGREE_WEAK = 0.6
# Intents the retriever does not rank (their words are in no intent document of their own).
UNRANKED_HANDLERS = frozenset(
    {"describe", "smalltalk", "decline", "screener", "more_detail", "letter"}
)
# A decline intent this close to the best reading means the question is about something else.
DECLINE_SHARE = 0.8

class Decider:
    """The stages between a message and a decision; holds nothing between messages."""

    def __init__(self, assistant: Engine) -> None:
        self.a = assistant
        self.order = assistant.matcher.order

    def smalltalk(self, question: str) -> tuple[Analysis, Intent] | None:
        """'thanks, this helped', 'bye', 'hi there': a message that is only small talk, never
        matched against the topics its stray words touch."""
        if len(content_words(question)) > SMALLTALK_MAX_CONTENT:
            return None
        analysis = self.a.matcher.analyze(question)
        scored = self.a.matcher.score(analysis)
        if not scored or scored[0].intent.spec.handler != "smalltalk" or not scored[0].strong:
            return None
        if len(content_words(question)) > SMALLTALK_MAX_CONTENT or analysis.entities:
            return None
        return analysis, scored[0].intent

    def decide(self, question: str, memory: Memory) -> Decision:
        """Read the message, settle what needs no grounding, then choose between the
        readings that are about what was asked."""
        reading = self._read(question, memory)
        # What the story names counts as remembered: "His CCS PT was cut. Will the school
        # pick up the difference?" is about CCS though the question does not say so.
        told = {t for story in reading.remember for t in story.tokens if t.startswith("@")}
        scored = self.a.matcher.score(reading.analysis, memory.tokens() | told)
        early = self._before_grounding(reading, scored, memory)
        if early is not None:
            return early
        usable = [s for s in scored if s.confidence >= self.a.threshold]
        if not usable:
            if only_entities(reading.analysis):
                return reading.answer(self.a.catalogue.intents["what_is"], 0.6)
            return reading.decline([])
        return self._choose(reading, usable, memory)

    # ---- read ---------------------------------------------------------------------------------

    def _read(self, question: str, memory: Memory) -> Reading:
        """Focus on the asking sentence; match on the whole message when the question leans
        on its story, and resolve a pronoun from memory."""
        matcher = self.a.matcher
        focus = find_focus(question)
        asking = matcher.analyze(focus.question)
        reading = Reading(" ".join(words(question)), focus, asking, asking)
        reading.other_state = asking.other_state
        focus_folded = " ".join(words(focus.question))
        if focus.has_story:
            # The story's condition, program and service fill memory; a question with no
            # subject of its own ("is there anything I can do?") is matched with the story.
            whole = matcher.analyze(question)
            reading.remember.append(whole)
            reading.other_state = whole.other_state
            # Ages and amounts the story gives ("My son is 20. Can he still get CCS?") belong
            # to the question too.
            asking.ages = asking.ages or whole.ages
            asking.amounts = asking.amounts or whole.amounts
            # "is that right??", "does CCS cover it?", "ccs pay for his therapy?" point back at
            # the story, even when they name a program of their own; a question that names
            # nothing ("who pays?") is about the story's subject.
            if focus.generic or points_back(focus_folded) or not asking.entities:
                reading.analysis = whole
        resolve_pronoun(focus_folded, reading.analysis, memory.subject, self.a.kg)
        return reading

    def _before_grounding(
        self, reading: Reading, scored: list[Scored], memory: Memory
    ) -> Decision | None:
        """What the scores settle on their own: an off-topic question, an unknown subject, a
        definition, a follow-on to the last question."""
        if reading.other_state:
            # Another state's rules: the graph holds California's only.
            state = reading.other_state
            return reading.decline([], [state.upper() if len(state) == 2 else state.title()])
        best = scored[0].confidence if scored else 0.0
        if any(
            s.intent.spec.handler == "decline" and s.confidence >= DECLINE_SHARE * best
            for s in scored
        ):
            return reading.decline([])
        if reading.asking.salient and not self._explains(scored, reading):
            return reading.decline(scored, reading.asking.salient)
        if is_definition(reading.folded, reading.analysis):
            return reading.answer(self.a.catalogue.intents["what_is"], 0.9)
        follow = follow_on_intent(
            reading.folded,
            reading.analysis,
            scored,
            memory.last_intent,
            self.a.catalogue.intents,
            self.a.threshold,
        )
        if follow is not None:
            return reading.answer(follow, max(self.a.threshold, 0.5), follow_on=True)
        return None

    def _choose(self, reading: Reading, usable: list[Scored], memory: Memory) -> Decision:
        """Ground the usable readings, then answer the best, ask which was meant, or decline."""
        analysis = reading.analysis
        on_topic = self._grounded(usable, analysis, reading.focus.question, memory)
        # Two equally good readings are a question for the parent, asked before the retriever's
        # second opinion quietly keeps one of them.
        tied = self._rival(on_topic[0], on_topic[1:]) if on_topic else None
        grounded = self._second_opinion(on_topic, analysis, memory)
        if len(content_words(reading.focus.question)) > SMALLTALK_MAX_CONTENT:
            # A question of some length is never small talk ("... is it ..." is not "that is it").
            grounded = [
                s for s in grounded if s.intent.spec.handler not in ("more_detail", "smalltalk")
            ]
        if analysis is not reading.asking:
            grounded = self._modes_asked_for(reading, grounded, memory)
            grounded = self._asked_first(reading, grounded, memory)
        if not self._names_what_to_describe(reading):
            # 'What are my options?' after a story would only describe what the story names.
            grounded = [s for s in grounded if s.intent.spec.handler != "describe"]
        if not grounded:
            return reading.decline(usable)
        top = self._narrowest(grounded)
        if reading.asking.salient and not self._explains([top], reading):
            # The reading that explained the unknown word lost to one that ignores it.
            return reading.decline(grounded, reading.asking.salient)
        handler = top.intent.spec.handler
        if handler in MODE_HANDLERS:
            action: Action = "screener" if handler == "screener" else "letter"
            return Decision(action, analysis, top.intent, top.confidence, remember=reading.remember)
        if handler == "decline":
            return reading.decline([])
        rival = tied if tied is not None and top.intent is on_topic[0].intent else None
        rival = rival or self._rival(top, grounded[1:])
        if rival is not None:
            # Of two equal readings, the one about the program the question names wins.
            rival, top = self._more_specific(top, rival, analysis.ids("program"))
        if rival is None:
            return self._answer(reading, top, grounded, memory)
        if not self._same_subject(top, rival, analysis):
            return reading.decline([top, rival])
        return Decision(
            "clarify",
            analysis,
            top.intent,
            top.confidence,
            # Offered in the order intents.yaml lists them, whichever scored first.
            candidates=sorted([top, rival], key=lambda s: self.order[s.intent.id]),
            remember=reading.remember,
        )

    def _asked_first(
        self, reading: Reading, grounded: list[Scored], memory: Memory
    ) -> list[Scored]:
        """The story says what the message is about, the asking sentence what it asks: of
        the readings made on the whole message, those the asking sentence points to go
        first ("My daughter has spina bifida. Can she get therapy at school?" asks who gives
        therapy at school, not whether spina bifida is covered)."""
        if reading.focus.generic or PRONOUN.search(reading.asked_folded):
            return grounded  # "is that right?" asks about the story's event, not by its words
        backed = [
            s
            for s in grounded
            if s.intent.spec.handler not in UNRANKED_HANDLERS
            and self._asks_for(reading, s.intent, memory)
        ]
        return backed + [s for s in grounded if s not in backed]

    @staticmethod
    def _names_what_to_describe(reading: Reading) -> bool:
        """Whether describing the subject answers the message: the asking sentence is read on
        its own and names it, or it points back at the story's ('what does that mean?')."""
        if reading.analysis is reading.asking:
            return bool(reading.asking.entities)
        return points_back(reading.asked_folded)

    def _modes_asked_for(
        self, reading: Reading, grounded: list[Scored], memory: Memory
    ) -> list[Scored]:
        """A story that says 'the doctor told me to write a letter' is not a request for one:
        the eligibility check and the letters start only when the asking sentence asks."""
        return [
            s
            for s in grounded
            if s.intent.spec.handler not in MODE_HANDLERS
            or self._asks_for(reading, s.intent, memory)
        ]

    def _asks_for(self, reading: Reading, intent: Intent, memory: Memory) -> bool:
        """Whether the asking sentence itself points to this reading (one of its cues)."""
        return self.a.matcher.points_to(intent, reading.asking, memory.tokens())

    def _answer(
        self, reading: Reading, top: Scored, grounded: list[Scored], memory: Memory
    ) -> Decision:
        """Answer with the top reading; the others stay as candidates in case its handler
        finds nothing. A match made on the story alone, with no cue of it in the asking
        sentence, is less sure than a direct one; below the threshold it is not given."""
        discount = 1.0
        if reading.analysis is not reading.asking and not self._asks_for(
            reading, top.intent, memory
        ):
            discount = STORY_DISCOUNT
        if top.confidence * discount < self.a.threshold:
            return reading.decline(grounded)
        return Decision(
            "answer",
            reading.analysis,
            top.intent,
            top.confidence * discount,
            candidates=[
                replace(s, confidence=s.confidence * discount)
                for s in [top, *(g for g in grounded if g.intent is not top.intent)]
            ],
            remember=reading.remember,
        )

    # ---- ground -------------------------------------------------------------------------------

    def _grounded(
        self, usable: list[Scored], analysis: Analysis, asked: str, memory: Memory
    ) -> list[Scored]:
        """Readings whose answer is about what was asked: on the side of the system the
        question names (or the conversation is about), and of the kind of answer it wants."""
        grounder = self.a.grounder
        sides = grounder.question_sides(analysis.ids())
        if not sides:
            remembered = [i for ids in memory.entities.values() for i in ids[:1]]
            sides = grounder.question_sides(remembered)
        wanted = question_type(" ".join(words(asked)))
        programs = analysis.ids("program")
        return [
            s
            for s in usable
            if s.intent.spec.handler in UNRANKED_HANDLERS
            or not (
                grounder.off_side(s.intent, sides)
                or grounder.wrong_type(s.intent, wanted)
                or grounder.other_program(s.intent, programs)
            )
        ]

    def _second_opinion(
        self, candidates: list[Scored], analysis: Analysis, memory: Memory
    ) -> list[Scored]:
        """Cue matches that the retriever does not back lose confidence: a strong cue a
        little, a weak one a lot. Those that fall below the threshold are dropped. A question
        that names nothing but follows a conversation with a subject was already checked
        against that subject (grounding), which is the better judge of it."""
        a = self.a
        entities = [(e.node_id, e.kind) for e in analysis.entities]
        scores = a.retriever.scores(analysis.stems, entities, (c.intent.id for c in candidates))
        best = max(scores.values(), default=0.0)
        share = {intent_id: score / best for intent_id, score in scores.items() if best > 0}
        if not entities and any(memory.entities.values()):
            # Judged by the subject already; the retriever only breaks ties.
            return sorted(candidates, key=lambda s: (-s.confidence, -share.get(s.intent.id, 0)))
        kept: list[Scored] = []
        for candidate in candidates:
            needed = AGREE_SHARE_STRONG if candidate.strong else AGREE_SHARE
            if (
                candidate.intent.spec.handler in UNRANKED_HANDLERS
                or share.get(candidate.intent.id, 0) >= needed
            ):
                kept.append(candidate)
                continue
            factor = DISAGREE_STRONG if candidate.strong else DISAGREE_WEAK
            confidence = round(candidate.confidence * factor, 3)
            if confidence >= a.threshold:
                kept.append(replace(candidate, confidence=confidence))
        # Equal confidence: the reading the retriever ranks higher goes first.
        kept.sort(key=lambda s: (-s.confidence, -share.get(s.intent.id, 0.0)))
        return kept

    def _narrowest(self, grounded: list[Scored]) -> Scored:
        """The most specific reading: a fact the question names by one of its own phrases
        ("how long do I have to appeal") beats the general intent it belongs to, and keeps
        that intent's confidence."""
        top = grounded[0]
        for candidate in grounded[1:]:
            if candidate.strong and self.a.grounder.narrows(candidate.intent, top.intent):
                return replace(candidate, confidence=top.confidence)
        return top

    def _explains(self, scored: list[Scored], reading: Reading) -> bool:
        """Whether the known part of a question is clear enough that its unknown words are
        side detail: a strong, confident match, or a strict intent about the subject the
        asking sentence names, or that names the unknown subject honestly itself ("I don't
        have autism in my list"); not one whose subject only the story gives (a story's
        'birth defect' does not explain 'should my son qualify for SSI?')."""
        if not scored:
            return False
        top = scored[0]
        if top.intent.spec.strict and top.confidence >= self.a.threshold:
            needs = top.intent.spec.needs
            asked = any(reading.asking.ids(kind) for kind in needs)
            told = any(reading.analysis.ids(kind) for kind in needs)
            return asked or not told
        return top.strong and top.confidence >= EXPLAINED_CONFIDENCE

    # ---- decide -------------------------------------------------------------------------------

    def _rival(self, top: Scored, rest: list[Scored]) -> Scored | None:
        """A reading as good as the top one that would give a different answer."""
        close = [
            s
            for s in rest
            if s.intent.spec.handler not in ("decline", "smalltalk")
            and s.points >= top.points * (1 - self.a.gap)
            and s.strong == top.strong
            and s.specificity == top.specificity
        ]
        if not close:
            return None
        one, two = top.intent.spec, close[0].intent.spec
        same = one.handler == two.handler and one.answer == two.answer
        return None if same else close[0]

    def _more_specific(
        self, top: Scored, rival: Scored, named: list[str]
    ) -> tuple[Scored | None, Scored]:
        """(rival left, reading to answer with): when only one of two tied readings is about
        a program the question names, it is the answer and there is no rival."""
        about = self.a.grounder.about_named
        if not named or about(top.intent, named) == about(rival.intent, named):
            return rival, top
        return None, (top if about(top.intent, named) else rival)

    def _same_subject(self, one: Scored, two: Scored, analysis: Analysis) -> bool:
        """Two readings are worth a 'did you mean' only if they are about the same thing: they
        share an answer node, both are built around a thing the question names, or both rest
        on the same side's programs."""
        a, b = one.intent.spec, two.intent.spec
        if set(a.answer) & set(b.answer):
            return True
        named = {e.kind for e in analysis.entities}
        if set(a.needs) & set(b.needs) & named:
            return True
        sides = self.a.grounder.intent_sides
        return bool(sides.get(a.id)) and sides.get(a.id) == sides.get(b.id)
