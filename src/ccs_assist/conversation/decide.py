"""From a message to a decision: focus, understand, ground, decide.

Each stage does one thing, and the decision says what to do without doing it:
1. focus: the asking sentence of a long message, its story set apart (focus.py);
2. understand: entities and scored intents (matcher.py);
3. ground: keep the readings that are about what was asked, on the side of the system it
   names and of the kind of answer it wants (grounding.py), and that the retriever backs
   (retrieval.py);
4. decide: answer, ask which was meant (only between readings of one subject), or decline
   honestly, naming what is not known.
The conversation then composes the answer (answers.py) and keeps memory (dialogue.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from ccs_assist.knowledge.catalogue import Intent
from ccs_assist.text import STOPWORDS, words
from ccs_assist.understanding.focus import content_words, find_focus
from ccs_assist.understanding.grounding import question_type
from ccs_assist.understanding.matcher import Analysis, Entity, Scored

if TYPE_CHECKING:
    from ccs_assist.conversation.dialogue import Memory
    from ccs_assist.conversation.engine import Engine

FOLLOW_ON = re.compile(r"^\s*(and|also|plus|what about|how about|same for|what if it s|and for)\b")
# What a follow-on ("and at school?") may change for each kind of answer; a follow-on that
# names nothing the last answer could use is treated as a new question.
FOLLOW_ON_USES: dict[str, frozenset[str]] = {
    "service_providers": frozenset({"service", "program", "organization"}),
    "condition_covered": frozenset({"condition"}),
    "program_covers": frozenset({"program"}),
    "describe": frozenset({"condition", "program", "service", "term", "organization", "purpose"}),
    "age_check": frozenset({"age"}),
    "income_check": frozenset({"money"}),
}
# Words that may stand around a bare name and still leave it a bare name ("the IEP?", "what
# about the MTP"); "how will I get Medi-Cal" asks something else.
NAME_ONLY_GLUE = frozenset(
    {"the", "a", "an", "is", "what", "about", "and", "so", "ok", "okay", "um", "hmm", "please"}
)
DEFINITION = re.compile(
    r"^\s*(what is|what are|what was|what were|what does|define|meaning of|explain|"
    r"tell me about|what do you mean by)\b"
)
DEFINITION_WORDS = frozenset({"define", "meaning", "mean", "explain", "tell", "stand", "exactly"})
PRONOUN = re.compile(r"\b(it|one|that|this|them|those|these|that one)\b")
# A message with more content words than this is a question, even if it starts with "thanks".
SMALLTALK_MAX_CONTENT = 3
# Matched on the story because the question itself named nothing: less sure than a direct match.
STORY_DISCOUNT = 0.85
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

Action = Literal["answer", "clarify", "decline", "screener", "letter"]


@dataclass
class Decision:
    """What to do with one message; `remember` lists analyses whose entities memory keeps."""

    action: Action
    analysis: Analysis
    intent: Intent | None = None
    confidence: float = 0.0
    follow_on: bool = False
    candidates: list[Scored] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    remember: list[Analysis] = field(default_factory=list)


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
        a = self.a
        folded = " ".join(words(question))
        focus = find_focus(question)
        asking = a.matcher.analyze(focus.question)
        remember: list[Analysis] = []
        analysis = asking
        if focus.has_story:
            # The story's condition, program and service fill memory; a question with no
            # subject of its own ("is there anything I can do?") is matched with the story.
            whole = a.matcher.analyze(question)
            remember.append(whole)
            # Ages and amounts the story gives ("My son is 20. Can he still get CCS?") belong
            # to the question too.
            asking.ages = asking.ages or whole.ages
            asking.amounts = asking.amounts or whole.amounts
            # "is that right??", "can they do that?" point back at the story.
            points_back = bool(PRONOUN.search(" ".join(words(focus.question))))
            if focus.generic or (not asking.entities and (asking.coverage < 1 or points_back)):
                analysis = whole
        self._resolve_pronoun(" ".join(words(focus.question)), analysis, memory)

        def decline(near: list[Scored], unknown: list[str] | None = None) -> Decision:
            return Decision(
                "decline",
                analysis,
                candidates=near,
                unknown=unknown or [],
                remember=[*remember, analysis],
            )

        def answer(intent: Intent, confidence: float, follow_on: bool = False) -> Decision:
            return Decision("answer", analysis, intent, confidence, follow_on, remember=remember)

        scored = a.matcher.score(analysis, memory.tokens())
        best = scored[0].confidence if scored else 0.0
        if any(
            s.intent.spec.handler == "decline" and s.confidence >= DECLINE_SHARE * best
            for s in scored
        ):
            return decline([])
        if asking.salient and not self._explains(scored):
            return decline(scored, asking.salient)
        intents = a.catalogue.intents
        if self._is_definition(folded, analysis):
            return answer(intents["what_is"], 0.9)
        follow = self._follow_on(folded, analysis, scored, memory)
        if follow is not None:
            return answer(follow, max(a.threshold, 0.5), follow_on=True)
        usable = [s for s in scored if s.confidence >= a.threshold]
        if not usable:
            if self._only_entities(analysis):
                return answer(intents["what_is"], 0.6)
            return decline([])
        on_topic = self._grounded(usable, analysis, focus.question, memory)
        # Two equally good readings are a question for the parent, asked before the retriever's
        # second opinion quietly keeps one of them.
        tied = self._rival(on_topic[0], on_topic[1:]) if on_topic else None
        grounded = self._second_opinion(on_topic, analysis, memory)
        if len(content_words(focus.question)) > SMALLTALK_MAX_CONTENT:
            grounded = [s for s in grounded if s.intent.spec.handler != "more_detail"]
        if not grounded:
            return decline(usable)
        top = self._narrowest(grounded)
        if top.intent.spec.handler in ("screener", "letter"):
            action: Action = "screener" if top.intent.spec.handler == "screener" else "letter"
            return Decision(action, analysis, top.intent, top.confidence, remember=remember)
        if top.intent.spec.handler == "decline":
            return decline([])
        rival = tied if tied is not None and top.intent is on_topic[0].intent else None
        rival = rival or self._rival(top, grounded[1:])
        if rival is not None:
            if self._same_subject(top, rival, analysis):
                return Decision(
                    "clarify",
                    analysis,
                    top.intent,
                    top.confidence,
                    # Offered in the order intents.yaml lists them, whichever scored first.
                    candidates=sorted([top, rival], key=lambda s: self.order[s.intent.id]),
                    remember=remember,
                )
            return decline([top, rival])
        discount = STORY_DISCOUNT if analysis is not asking else 1.0
        return Decision(
            "answer",
            analysis,
            top.intent,
            top.confidence * discount,
            candidates=[
                replace(s, confidence=s.confidence * discount)
                for s in [top, *(g for g in grounded if g.intent is not top.intent)]
            ],
            remember=remember,
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
        scores = a.retriever.scores(analysis.stems, entities)
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

    def _explains(self, scored: list[Scored]) -> bool:
        """Whether the known part of a question is clear enough that its unknown words are
        side detail: a strong, confident match, or a strict intent that names the unknown
        subject honestly itself ("I don't have autism in my list")."""
        if not scored:
            return False
        top = scored[0]
        if top.intent.spec.strict and top.confidence >= self.a.threshold:
            return True
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

    # ---- reading the question's shape ---------------------------------------------------------

    def _follow_on(
        self, folded: str, analysis: Analysis, scored: list[Scored], memory: Memory
    ) -> Intent | None:
        """'and at school?': a short question that leans on the last one reuses its intent."""
        last = memory.last_intent
        if last is None or not FOLLOW_ON.match(folded):
            return None
        content = [w for w in folded.split() if w not in STOPWORDS]
        top = scored[0].confidence if scored else 0.0
        if len(content) > 6 or (top >= self.a.threshold and len(content) > 3):
            return None
        intent = self.a.catalogue.intents.get(last)
        if intent is None:
            return None
        uses = FOLLOW_ON_USES.get(intent.spec.handler, frozenset())
        kinds = {e.kind for e in analysis.entities}
        if analysis.amounts:
            kinds.add("money")
        if analysis.ages:
            kinds.add("age")
        return intent if kinds & uses else None

    def _resolve_pronoun(self, folded: str, analysis: Analysis, memory: Memory) -> None:
        """'how do I get one?' right after 'what is an IEE?': 'one' means the IEE."""
        subject = memory.subject
        if subject is None or analysis.entities or not PRONOUN.search(folded):
            return
        node = self.a.kg.node(subject)
        end = len(analysis.words)
        analysis.entities.append(Entity(subject, node.kind, end, end, node.label.lower()))

    @staticmethod
    def _is_definition(folded: str, analysis: Analysis) -> bool:
        """'What is an IEE?': a definition question about exactly one named thing."""
        subjects = [e for e in analysis.entities if e.node_id != "ccs"] or analysis.entities
        if not DEFINITION.match(folded) or len(subjects) != 1:
            return False
        entity = subjects[0]
        context = [e for e in analysis.entities if e is not entity]
        rest = [
            w
            for i, w in enumerate(analysis.words)
            if not entity.start <= i < entity.end
            and not any(c.start <= i < c.end for c in context)
            and w not in STOPWORDS
            and w not in DEFINITION_WORDS
        ]
        return not rest

    @staticmethod
    def _only_entities(analysis: Analysis) -> bool:
        """A question that is nothing but a name ("IEP?", "whole child model") means 'what is'."""
        if not analysis.entities:
            return False
        covered = {i for e in analysis.entities for i in range(e.start, e.end)}
        rest = [w for i, w in enumerate(analysis.words) if i not in covered]
        return all(w in NAME_ONLY_GLUE for w in rest)
