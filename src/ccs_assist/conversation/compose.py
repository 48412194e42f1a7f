"""The parts of an answer the conversation adds around a handler's draft: entities filled in
from memory, the one detail passage the summaries leave out, and the suggested next questions."""

from __future__ import annotations

from ccs_assist.answering import Draft
from ccs_assist.conversation.engine import Engine
from ccs_assist.conversation.memory import Memory
from ccs_assist.conversation.question_shape import points_back
from ccs_assist.knowledge.catalogue import Intent
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.text import words
from ccs_assist.understanding.focus import find_focus, sentences
from ccs_assist.understanding.matcher import Analysis

# Offered after an answer whose steps have a next step on the graph's paths.
NEXT_STEP_OFFER = "What if they still say no?"
NEXT_STEP_AGAIN = "What if that does not work?"


def turn_entities(
    memory: Memory, analysis: Analysis, intent: Intent, follow_on: bool
) -> dict[str, list[str]]:
    """Entities from the question, filled in from memory where the question is silent."""
    here: dict[str, list[str]] = {}
    for entity in analysis.entities:
        here.setdefault(entity.kind, [])
        if entity.node_id not in here[entity.kind]:
            here[entity.kind].append(entity.node_id)
    if follow_on:
        merged = {k: list(v) for k, v in memory.entities.items()}
        if {"program", "organization"} & here.keys():
            merged.pop("program", None)
            merged.pop("organization", None)
        merged.update(here)
        return merged
    for need in (*intent.spec.needs, "condition"):
        if need not in here and memory.entities.get(need):
            here[need] = list(memory.entities[need][:1])
    return here


def follow_ups(kg: KnowledgeGraph, intent: Intent, draft: Draft) -> list[str]:
    """Suggested next questions: when a step in the answer has a next step in the graph,
    'what if they still say no?' comes first, then the intent's own suggestions."""
    offers = list(intent.spec.follow_ups)
    has_next = any(
        kg.node(n).kind == "action" and kg.out(n, "next_step") for n in draft.basis if n in kg
    )
    if has_next:
        again = intent.spec.handler == "next_step"
        offers.insert(0, NEXT_STEP_AGAIN if again else NEXT_STEP_OFFER)
    return list(dict.fromkeys(offers))[:3]


def passage_question(text: str) -> tuple[str, bool]:
    """The words that choose a detail passage, and whether the passage may lead: the asking
    sentence; or the whole message when that sentence points back at the story ("What does
    that mean?", "Can she still get in?" after "she is under 3 and has no diagnosis"). A
    passage found through a story of several sentences never leads: those words tell the
    family's situation, and a rare one picks a sentence about something else."""
    focus = find_focus(text)
    folded = " ".join(words(focus.question))
    if points_back(folded):
        return text, len(sentences(focus.story)) <= 1
    return focus.question, True


def add_passage(engine: Engine, draft: Draft, asked: str, written_lead: bool = False) -> None:
    """The detail sentence that answers what the summaries leave out, if one does, from
    the nodes the answer rests on or the ones they point to. It goes first when it holds
    more of the question's rare words than everything else shown, unless the answer
    opens with yes or no or with a lead written for the intent."""
    kg = engine.kg
    passages = engine.passages
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


def story_facts(engine: Engine, remembered: list[Analysis], asked: Analysis) -> list[str]:
    """Facts the story of a message matches clearly and its question does not ("we adopted
    him" ... "does our income matter?"): the parent told us something that may change the
    answer. Only the story's own strong matches count."""
    found: list[str] = []
    for analysis in remembered:
        if analysis is asked:
            continue
        for scored in engine.matcher.score(analysis):
            if scored.strong and scored.confidence >= engine.threshold:
                answer = scored.intent.spec.answer
                found.extend(n for n in answer if engine.kg.node(n).kind == "fact")
    return list(dict.fromkeys(found))


def add_story_facts(kg: KnowledgeGraph, draft: Draft, facts: list[str]) -> None:
    """A fact from the story leads the answer when the graph says it applies to something the
    answer rests on: it is the most specific answer for this family (told "we adopted him",
    "does our income matter?" is answered by the adoption rule first, then the general one)."""
    for fact in facts:
        if fact in draft.basis:
            continue
        if any(target in draft.basis for target, _ in kg.out(fact, "applies_to")):
            draft.lead.insert(0, kg.node(fact).summary)
            draft.rest_on(fact)
