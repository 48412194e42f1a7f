"""A conversation: what was said before, pending clarifications, and the screener's state.

Memory is small and explicit: the latest entities of each kind, the last intent and its detail.
It lets "my son has CP" ... "does CCS cover his PT?" ... "and at school?" work, and `reset`
forgets all of it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace

from .answers import HANDLERS, Draft, Turn, finish, unknown_subject
from .focus import content_words, find_focus, is_asking
from .grounding import question_type
from .intents import Intent
from .matcher import Analysis, Entity, Scored
from .schema import Answer
from .screener import STOP_WORDS, Screener
from .text import STOPWORDS, words

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
HELP_PHRASES = frozenset({"help", "help me", "menu", "options", "what can i ask", "?"})
RESET_PHRASES = frozenset({"reset", "start over", "new question", "forget that", "new child"})
DEFINITION = re.compile(
    r"^\s*(what is|what are|what was|what were|what does|define|meaning of|explain|"
    r"tell me about|what do you mean by)\b"
)
DEFINITION_WORDS = frozenset({"define", "meaning", "mean", "explain", "tell", "stand", "exactly"})
PRONOUN = re.compile(r"\b(it|one|that|this|them|those|these|that one)\b")
CHOICE = re.compile(r"^\s*(?:option\s*)?([12])\b")
# A message with more content words than this is a question, even if it starts with "thanks".
SMALLTALK_MAX_CONTENT = 3
# Matched on the story because the question itself named nothing: less sure than a direct match.
STORY_DISCOUNT = 0.85
# A match this sure, on a strong cue, is not undone by an unknown word beside it.
EXPLAINED_CONFIDENCE = 0.7
# The retriever agrees with a cue match when it scores that intent at least this share of its
# best score; a match it does not agree with keeps only part of its confidence.
AGREE_SHARE = 0.5
AGREE_SHARE_STRONG = 0.25
DISAGREE_STRONG = 0.85
DISAGREE_WEAK = 0.6
# Intents the retriever does not rank (their words are in no intent document of their own).
UNRANKED_HANDLERS = frozenset({"describe", "smalltalk", "decline", "screener", "more_detail"})


@dataclass
class Memory:
    entities: dict[str, list[str]] = field(default_factory=dict)
    subject: str | None = None
    last_intent: str | None = None
    last_detail: str | None = None
    pending: list[tuple[str, Analysis]] | None = None

    def remember(self, analysis: Analysis) -> None:
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

    def __init__(self, assistant: object, session_id: str | None = None) -> None:
        from .assistant import Assistant

        assert isinstance(assistant, Assistant)
        self.assistant = assistant
        self.session_id = session_id or uuid.uuid4().hex
        self.memory = Memory()
        self.screener: Screener | None = None
        self.last: Answer | None = None

    def reset(self) -> None:
        self.memory = Memory()
        self.screener = None
        self.last = None

    def ask(self, text: object) -> Answer:
        question = self.assistant.clean(text)
        answer = self._answer(question)
        answer.session_id = self.session_id
        self.last = answer
        if answer.detail:
            self.memory.last_detail = answer.detail
        return answer

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
        if small is not None:
            return small
        return self._understand(question, folded)

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
        """'thanks, this helped', 'bye', 'hi there': a message that is only small talk is
        answered as such, never matched against the topics its stray words touch."""
        a = self.assistant
        analysis = a.matcher.analyze(question)
        scored = a.matcher.score(analysis)
        if not scored or scored[0].intent.spec.handler != "smalltalk" or not scored[0].strong:
            return None
        if len(content_words(question)) > SMALLTALK_MAX_CONTENT or analysis.entities:
            return None
        return self._run(question, analysis, scored[0].intent, 1.0)

    def _understand(self, question: str, folded: str) -> Answer:
        """Focus, understand, ground, decide: the path from a message to one answer."""
        a = self.assistant
        focus = find_focus(question)
        asking = a.matcher.analyze(focus.question)
        if focus.has_story:
            # The story's condition, program and service fill memory; a question with no
            # subject of its own ("is there anything I can do?") is matched with the story.
            whole = a.matcher.analyze(question)
            self.memory.remember(whole)
            leans_on_story = focus.generic or (not asking.entities and asking.coverage < 1)
            analysis = whole if leans_on_story else asking
        else:
            analysis = asking
        self._resolve_pronoun(" ".join(words(focus.question)), analysis)
        if self.memory.pending:
            chosen = self._choice(folded, analysis)
            self.memory.pending = None
            if chosen is not None:
                intent, original = chosen
                return self._run(original.text, original, intent, 1.0 * a.threshold + 0.3)
        scored = a.matcher.score(analysis, self.memory.tokens())
        best = scored[0].confidence if scored else 0.0
        if any(s.intent.spec.handler == "decline" and s.confidence >= 0.8 * best for s in scored):
            return a.fallback(question, analysis)
        if asking.salient and not self._explains(scored):
            return self._not_ours(question, analysis, asking.salient, scored)
        if self._is_definition(folded, analysis):
            return self._run(question, analysis, a.catalogue.intents["what_is"], 0.9)
        follow = self._follow_on(folded, analysis, scored)
        if follow is not None:
            return self._run(question, analysis, follow, max(a.threshold, 0.5), follow_on=True)
        usable = [s for s in scored if s.confidence >= a.threshold]
        if not usable:
            if self._only_entities(analysis):
                return self._run(question, analysis, a.catalogue.intents["what_is"], 0.6)
            self.memory.remember(analysis)
            return a.fallback(question, analysis)
        grounded = self._second_opinion(self._grounded(usable, analysis, focus.question), analysis)
        if not grounded:
            return self._not_ours(question, analysis, [], usable)
        top = grounded[0]
        if top.intent.spec.handler == "screener":
            return self._start_screener(question, top.confidence)
        if top.intent.spec.handler == "decline":
            return a.fallback(question, analysis)
        close = [
            s
            for s in grounded[1:]
            if s.points >= top.points * (1 - a.gap)
            and s.strong == top.strong
            and s.specificity == top.specificity
        ]
        close = [s for s in close if s.intent.spec.handler not in ("decline", "smalltalk")]
        if close and not self._same_answer(top, close[0]):
            if self._same_subject(top, close[0], analysis):
                return self._clarify(question, analysis, top, close[0])
            return self._not_ours(question, analysis, [], [top, close[0]])
        discount = STORY_DISCOUNT if analysis is not asking else 1.0
        grounded = [
            s
            for s in grounded
            if s.intent.spec.handler != "more_detail"
            or len(content_words(focus.question)) <= SMALLTALK_MAX_CONTENT
        ] or grounded[:0]
        if not grounded:
            return self._not_ours(question, analysis, [], usable)
        for candidate in grounded:
            answer = self._run(
                question, analysis, candidate.intent, candidate.confidence * discount
            )
            if not answer.fallback or candidate is grounded[-1]:
                return answer
        return a.fallback(question, analysis)

    def _grounded(self, usable: list[Scored], analysis: Analysis, asked: str) -> list[Scored]:
        """Candidates whose answer is about what was asked: on the side of the system the
        question names (or the conversation is about), and of the kind of answer it wants."""
        grounder = self.assistant.grounder
        sides = grounder.question_sides(analysis.ids())
        if not sides:
            remembered = [i for ids in self.memory.entities.values() for i in ids[:1]]
            sides = grounder.question_sides(remembered)
        wanted = question_type(" ".join(words(asked)))
        return [
            s
            for s in usable
            if s.intent.spec.handler in UNRANKED_HANDLERS
            or not (grounder.off_side(s.intent, sides) or grounder.wrong_type(s.intent, wanted))
        ]

    def _explains(self, scored: list[Scored]) -> bool:
        """Whether the known part of a question is clear enough that its unknown words are
        side detail: a strong, confident match, or a strict intent that names the unknown
        subject honestly itself ("I don't have autism in my list")."""
        if not scored:
            return False
        top = scored[0]
        if top.intent.spec.strict and top.confidence >= self.assistant.threshold:
            return True
        return top.strong and top.confidence >= EXPLAINED_CONFIDENCE

    def _second_opinion(self, candidates: list[Scored], analysis: Analysis) -> list[Scored]:
        """Cue matches that the retriever does not rank near the top lose confidence: a strong
        cue a little, a weak one a lot. Those that fall below the threshold are dropped."""
        a = self.assistant
        entities = [(e.node_id, e.kind) for e in analysis.entities]
        ranking = a.retriever.rank(analysis.stems, entities, top=len(a.catalogue.intents))
        best = ranking[0].score if ranking else 0.0
        share = {r.intent_id: r.score / best for r in ranking if best > 0}
        kept: list[Scored] = []
        for candidate in candidates:
            spec = candidate.intent.spec
            needed = AGREE_SHARE_STRONG if candidate.strong else AGREE_SHARE
            if spec.handler in UNRANKED_HANDLERS or share.get(candidate.intent.id, 0) >= needed:
                kept.append(candidate)
                continue
            factor = DISAGREE_STRONG if candidate.strong else DISAGREE_WEAK
            confidence = round(candidate.confidence * factor, 3)
            if confidence >= a.threshold:
                kept.append(replace(candidate, confidence=confidence))
        kept.sort(key=lambda s: -s.confidence)
        return kept

    def _same_subject(self, one: Scored, two: Scored, analysis: Analysis) -> bool:
        """Two readings are worth a 'did you mean' only if they are about the same thing: they
        share an answer node, or both are built around a thing the question names."""
        a, b = one.intent.spec, two.intent.spec
        if set(a.answer) & set(b.answer):
            return True
        named = {e.kind for e in analysis.entities}
        if set(a.needs) & set(b.needs) & named:
            return True
        sides = self.assistant.grounder.intent_sides
        return bool(sides.get(a.id)) and sides.get(a.id) == sides.get(b.id)

    def _not_ours(
        self, question: str, analysis: Analysis, unknown: list[str], near: list[Scored]
    ) -> Answer:
        """An honest 'not sure': names what it does not know, offers questions it can answer."""
        a = self.assistant
        answer = a.fallback(question, analysis, unknown=unknown)
        suggestions = [
            s.intent.spec.title
            for s in near
            if s.intent.spec.handler not in ("decline", "smalltalk") and not s.intent.spec.implicit
        ]
        answer.follow_ups = list(dict.fromkeys(suggestions))[:3]
        self.memory.remember(analysis)
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
        turn = Turn(analysis, entities, intent, self.memory.last_detail)
        draft: Draft | None = None
        if intent.spec.strict:
            draft = unknown_subject(a.kg, turn)
        if draft is None:
            draft = HANDLERS[intent.spec.handler](a.kg, turn)
        self.memory.remember(analysis)
        if draft is None:
            return a.fallback(question, analysis)
        if draft.substantive and not draft.fallback:
            self._add_passage(draft, analysis.text)
        if intent.spec.handler != "more_detail":
            self.memory.last_intent = intent.id
        return finish(
            a.kg,
            draft,
            question=question,
            intent=intent.id,
            confidence=min(1.0, confidence),
            entities=entities,
            follow_ups=list(intent.spec.follow_ups),
            default_referrals=a.referrals,
        )

    def _add_passage(self, draft: Draft, asked: str) -> None:
        """The detail sentence that answers what the summaries leave out, if one does."""
        a = self.assistant
        shown = " ".join([*draft.lead, *draft.bullets])
        nodes = [n for n in draft.basis if a.kg.node(n).kind != "source"]
        extra = a.passages.best(nodes, asked, shown)
        if extra:
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

    def _follow_on(self, folded: str, analysis: Analysis, scored: list[Scored]) -> Intent | None:
        """'and at school?': a short question that leans on the last one reuses its intent."""
        last = self.memory.last_intent
        if last is None or not FOLLOW_ON.match(folded):
            return None
        content = [w for w in folded.split() if w not in STOPWORDS]
        top = scored[0].confidence if scored else 0.0
        if len(content) > 6 or (top >= self.assistant.threshold and len(content) > 3):
            return None
        intent = self.assistant.catalogue.intents.get(last)
        if intent is None:
            return None
        uses = FOLLOW_ON_USES.get(intent.spec.handler, frozenset())
        kinds = {e.kind for e in analysis.entities}
        if analysis.amounts:
            kinds.add("money")
        if analysis.ages:
            kinds.add("age")
        return intent if kinds & uses else None

    def _resolve_pronoun(self, folded: str, analysis: Analysis) -> None:
        """'how do I get one?' right after 'what is an IEE?': 'one' means the IEE."""
        subject = self.memory.subject
        if subject is None or analysis.entities or not PRONOUN.search(folded):
            return
        node = self.assistant.kg.node(subject)
        end = len(analysis.words)
        analysis.entities.append(Entity(subject, node.kind, end, end, node.label.lower()))

    def _is_definition(self, folded: str, analysis: Analysis) -> bool:
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

    def _only_entities(self, analysis: Analysis) -> bool:
        """A question that is nothing but a name ("IEP?", "whole child model") means 'what is'."""
        if not analysis.entities:
            return False
        covered = {i for e in analysis.entities for i in range(e.start, e.end)}
        rest = [w for i, w in enumerate(analysis.words) if i not in covered]
        return all(w in NAME_ONLY_GLUE for w in rest)

    @staticmethod
    def _same_answer(one: Scored, two: Scored) -> bool:
        a, b = one.intent.spec, two.intent.spec
        return a.handler == b.handler and a.answer == b.answer

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

    def _choice(self, folded: str, analysis: Analysis) -> tuple[Intent, Analysis] | None:
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
        self.screener = Screener(a.kg, a.matcher, a.catalogue.counties)
        answer = a.notice(question, self.screener.start())
        answer.intent = "screener"
        answer.confidence = confidence
        answer.screener = self.screener.state()
        return answer

    def _screen(self, question: str) -> Answer:
        a = self.assistant
        screener = self.screener
        assert screener is not None
        reply = screener.handle(question)
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
            confidence=1.0,
            entities={},
            follow_ups=[],
            default_referrals=[],
        )
        answer.screener = screener.state() | {"done": reply.done}
        if reply.done:
            self.screener = None
            answer.referrals = [r for r in a.fallback_referrals() if r.id == "county_ccs_office"]
        return answer
