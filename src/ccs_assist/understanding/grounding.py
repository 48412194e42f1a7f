"""Grounding: is a candidate answer about what the question is about?

Two checks, both read from the graph and intents.yaml rather than from word lists in code:
- side: CCS and its programs are the health side, the IEP and Section 504 the school side. An
  answer resting only on one side's nodes does not answer a question that names only the other
  ("can a district limit transportation" is not CCS travel help).
- question type: "how much", "how long", "who", "where" each want a kind of answer; an intent
  says in `asks:` which kinds it gives, so "how much does a therapist get paid" is not answered
  by who provides therapy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ccs_assist.knowledge.catalogue import Catalogue, Intent
from ccs_assist.knowledge.graph import KnowledgeGraph

# Handlers that answer about whatever the question names, so no program is "other" to them.
NAMELESS = frozenset({"describe", "smalltalk", "decline", "screener", "more_detail"})
# Links that do not make one node about another: sources, and the next step on a path.
NOT_ABOUT = frozenset({"cites", "next_step"})
LINKS_TO_PROGRAMS = ("applies_to", "involves", "related_to", "part_of", "administered_by")

QUESTION_TYPES = ("amount", "time", "who", "where", "why", "how", "what", "yes_no", "other")
_TYPE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("time", re.compile(r"\bhow many (days|weeks|months|years)\b|\bhow much time\b")),
    ("amount", re.compile(r"\bhow (much|many)\b|\bget paid\b|\b(salary|salaries|wages?)\b")),
    ("time", re.compile(r"\bhow (long|soon|fast|quickly)\b|\bwhen\b|\bby what date\b|\bdeadline")),
    ("who", re.compile(r"^\W*(who|whom)\b|\bwho (can|do|does|should|is|are|will|pays?)\b")),
    ("where", re.compile(r"^\W*where\b|\bwhere (can|do|does|is|are)\b")),
    ("why", re.compile(r"^\W*why\b")),
    ("how", re.compile(r"\bhow (do|can|does|should|would|to)\b|\bwhat (can|do|should) (i|we)\b")),
    ("what", re.compile(r"^\W*(what|which)\b")),
    (
        "yes_no",
        re.compile(
            r"^\W*(is|are|was|were|can|could|do|does|did|will|would|should|may|must|has|have|am)"
            r"\b"
        ),
    ),
]


def question_type(folded: str) -> str:
    """The kind of answer the question wants, from its first asking words."""
    for name, pattern in _TYPE_PATTERNS:
        if pattern.search(folded):
            return name
    return "other"


class Grounder:
    """Precomputed sides of every intent; checks are set lookups per question."""

    def __init__(self, kg: KnowledgeGraph, catalogue: Catalogue) -> None:
        self.kg = kg
        # A program not listed in the catalogue's `sides` is on neither side.
        self.program_sides = {
            program: side
            for side, programs in catalogue.settings.sides.items()
            for program in programs
        }
        self.reach = self._reach(catalogue)
        self.programs_of = self._programs_of()
        self.node_sides = {node.id: self._sides_of(node.id) for node in kg.nodes()}
        self.intent_sides = {
            intent.id: self._union(
                self.node_sides.get(n, frozenset())
                for n in (*intent.spec.answer, *intent.spec.also)
            )
            for intent in catalogue.intents.values()
        }

    @staticmethod
    def _union(parts: Iterable[frozenset[str]]) -> frozenset[str]:
        out: set[str] = set()
        for part in parts:
            out |= part
        return frozenset(out)

    def _sides_of(self, node_id: str, depth: int = 2) -> frozenset[str]:
        """The sides a node belongs to: its own if it is a program, else those of the programs
        and organizations it links to, looking one step further if the first finds none."""
        if node_id in self.program_sides:
            return frozenset({self.program_sides[node_id]})
        node = self.kg.node(node_id)
        if node.kind == "organization":
            found = {
                self.program_sides[p]
                for p, _ in self.kg.into(node_id, "administered_by")
                if p in self.program_sides
            }
            if found:
                return frozenset(found)
        if depth == 0:
            return frozenset()
        found_sides: set[str] = set()
        for target, data in self.kg.out(node_id):
            if data["type"] in LINKS_TO_PROGRAMS and target in self.program_sides:
                found_sides.add(self.program_sides[target])
        if found_sides:
            return frozenset(found_sides)
        for target, data in self.kg.out(node_id):
            if data["type"] in LINKS_TO_PROGRAMS:
                found_sides |= self._sides_of(target, depth - 1)
        return frozenset(found_sides)

    def _reach(self, catalogue: Catalogue) -> dict[str, frozenset[str]]:
        """Per intent: the nodes it answers with and their direct neighbours (sources and
        next steps aside). An intent whose handler computes the answer is about the nodes it
        keeps as `also` (the age check is about the age rule)."""
        reach: dict[str, frozenset[str]] = {}
        for intent in catalogue.intents.values():
            nodes = set(intent.spec.answer or intent.spec.also)
            for node_id in list(nodes):
                nodes |= {t for t, d in self.kg.out(node_id) if d["type"] not in NOT_ABOUT}
                nodes |= {o for o, d in self.kg.into(node_id) if d["type"] not in NOT_ABOUT}
            reach[intent.id] = frozenset(nodes)
        return reach

    def narrows(self, specific: Intent, general: Intent) -> bool:
        """Whether an intent answering with one node is a narrower reading of a general
        topic: its node is linked to the nodes the topic answers with (not one of them, and
        not one the topic keeps in reserve as `also`)."""
        if not specific.spec.implicit or len(specific.spec.answer) != 1:
            return False
        if general.spec.handler != "topic" or general.spec.implicit:
            return False  # handlers that compute from the question answer it more exactly
        node = specific.spec.answer[0]
        if node in general.spec.answer or node in general.spec.also:
            return False
        return node in self.reach.get(general.id, frozenset())

    def _programs_of(self) -> dict[str, frozenset[str]]:
        """Per intent: the programs its answer is about, from the links of the nodes it
        answers with and their neighbours (an office stands for the programs it runs; a
        program brings its wholes: the MTP is CCS's)."""
        out: dict[str, frozenset[str]] = {}
        for intent_id, nodes in self.reach.items():
            found = {n for n in nodes if self.kg.node(n).kind == "program"}
            for org in (n for n in nodes if self.kg.node(n).kind == "organization"):
                found |= {p for p, _ in self.kg.into(org, "administered_by")}
            for program in list(found):
                found |= {whole for whole, _ in self.kg.out(program, "part_of")}
            out[intent_id] = frozenset(found)
        return out

    def other_program(self, intent: Intent, named: list[str]) -> bool:
        """True when the question names a program and the answer is about other programs
        only ("how much does the Regional Center cost" is not CCS's fees). Intents built
        around whatever program is named (`needs: [program]`) are about it by definition."""
        if not named or "program" in intent.spec.needs or intent.spec.handler in NAMELESS:
            return False
        about = self.programs_of.get(intent.id, frozenset())
        return bool(about) and not (set(named) & about)

    def about_named(self, intent: Intent, named: list[str]) -> bool:
        """True when the nodes the answer rests on are about a program the question names
        itself, not about a program it belongs to ("can my baby get into the MTP?" is the
        MTP's own rule, not the CCS age limit)."""
        if "program" in intent.spec.needs:
            return True
        wanted = set(named)
        for node_id in (*intent.spec.answer, *intent.spec.also):
            if node_id in wanted:
                return True
            if wanted & {t for t, _ in self.kg.out(node_id, "applies_to")}:
                return True
        return False

    def question_sides(self, entity_ids: Iterable[str]) -> frozenset[str]:
        """Sides the question names through its programs, organizations and terms."""
        sides: set[str] = set()
        for node_id in entity_ids:
            node = self.kg.node(node_id)
            if node.kind in ("program", "organization", "term"):
                sides |= self.node_sides.get(node_id, frozenset())
        return frozenset(sides)

    def off_side(self, intent: Intent, asked: frozenset[str]) -> bool:
        """True when the question names one side only and the answer rests only on the other."""
        answer = self.intent_sides.get(intent.id, frozenset())
        return bool(asked) and bool(answer) and not (asked & answer)

    @staticmethod
    def wrong_type(intent: Intent, asked_type: str) -> bool:
        """True when the intent says which kinds of question it answers and this is not one."""
        kinds = intent.spec.asks
        return bool(kinds) and asked_type not in kinds and asked_type != "other"
