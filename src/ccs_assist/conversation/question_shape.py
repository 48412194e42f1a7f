"""The shape of a message, apart from what it is about: a follow-on that leans on the last
question ("and at school?"), a definition question ("what is an IEE?"), a bare name ("IEP?"),
a pronoun that points at the last subject ("how do I get one?")."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ccs_assist.knowledge.catalogue import Intent
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.text import STOPWORDS
from ccs_assist.understanding.matcher import Analysis, Entity, Scored

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
    r"tell me about|what do you mean by|who (?:is|are)(?! (?:my|our|his|her|their)\b))\b"
)
DEFINITION_WORDS = frozenset({"define", "meaning", "mean", "explain", "tell", "stand", "exactly"})
PRONOUN = re.compile(r"\b(it|one|that|this|them|those|these|that one)\b")
# Words for the child a story has just described ("My son has CP. Does CCS pay for his PT?").
CHILD = re.compile(r"\b(he|she|his|her|him|hers)\b")


def points_back(folded: str) -> bool:
    """Whether a question leans on the story before it ("does CCS cover it?", "can she
    still get in?"), so the story's words belong to the question."""
    return bool(PRONOUN.search(folded) or CHILD.search(folded))


def follow_on_intent(
    folded: str,
    analysis: Analysis,
    scored: list[Scored],
    last_intent: str | None,
    intents: Mapping[str, Intent],
    threshold: float,
) -> Intent | None:
    """'and at school?': a short question that leans on the last one reuses its intent."""
    if last_intent is None or not FOLLOW_ON.match(folded):
        return None
    content = [w for w in folded.split() if w not in STOPWORDS]
    top = scored[0].confidence if scored else 0.0
    if len(content) > 6 or (top >= threshold and len(content) > 3):
        return None
    intent = intents.get(last_intent)
    if intent is None:
        return None
    uses = FOLLOW_ON_USES.get(intent.spec.handler, frozenset())
    kinds = {e.kind for e in analysis.entities}
    if analysis.amounts:
        kinds.add("money")
    if analysis.ages:
        kinds.add("age")
    return intent if kinds & uses else None


def resolve_pronoun(
    folded: str, analysis: Analysis, subject: str | None, kg: KnowledgeGraph
) -> None:
    """'how do I get one?' right after 'what is an IEE?': 'one' means the IEE."""
    if subject is None or analysis.entities or not PRONOUN.search(folded):
        return
    node = kg.node(subject)
    end = len(analysis.words)
    analysis.entities.append(Entity(subject, node.kind, end, end, node.label.lower()))


def is_definition(folded: str, analysis: Analysis) -> bool:
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


def only_entities(analysis: Analysis) -> bool:
    """A question that is nothing but a name ("IEP?", "whole child model") means 'what is'."""
    if not analysis.entities:
        return False
    covered = {i for e in analysis.entities for i in range(e.start, e.end)}
    rest = [w for i, w in enumerate(analysis.words) if i not in covered]
    return all(w in NAME_ONLY_GLUE for w in rest)
