"""From a parent's words to entities and scored intents, using only prebuilt indexes.

The steps, each cheap:
1. fold and split the text into words (text.py);
2. correct misspelled words against the domain vocabulary with rapidfuzz (Levenshtein distance,
   same first letter, our own folding as the processor; WRatio is avoided on purpose because it
   scores any substring at 90 and makes short aliases like "CCS" tie with everything);
3. find entities as the longest runs of stems that are a node's label, alias or example;
4. score every intent by the cue phrases whose stems all appear, entities standing in as
   `@kind` and `@node_id`, scaled by how much of the question we understood at all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ccs_assist.knowledge.catalogue import Catalogue, Cue, Intent
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.schema import ENTITY_KINDS
from ccs_assist.text import ARTICLES, STOPWORDS, ages, money_amounts, stem, words
from ccs_assist.understanding.locality import close_together, sentence_ids
from ccs_assist.understanding.places import other_state, place_pattern
from ccs_assist.understanding.salience import salient_unknown

MAX_ALIAS_WORDS = 6
PARENTHESES = re.compile(r"\(([^)]*)\)")
QUESTION_WORDS = frozenset({"what", "how", "who", "when", "where", "why", "which", "whom"})


@dataclass(frozen=True)
class Entity:
    node_id: str
    kind: str
    start: int
    end: int
    text: str


@dataclass
class Analysis:
    """What the matcher understood of one question."""

    text: str
    words: list[str]
    stems: list[str]
    entities: list[Entity]
    coverage: float
    amounts: list[int] = field(default_factory=list)
    ages: list[float] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    salient: list[str] = field(default_factory=list)
    # Programs a named term belongs to ("the MTU" is where the MTP happens): cues about the
    # program fire for it too.
    implied: list[str] = field(default_factory=list)
    # California counties named ("we live in Fresno County").
    counties: list[str] = field(default_factory=list)
    # A place outside California the message says the family is in ("we live in Texas").
    other_state: str | None = None
    # Which sentence of the message each word is in (all 0 for a one-sentence question).
    sentence_ids: list[int] = field(default_factory=list)

    @property
    def tokens(self) -> frozenset[str]:
        """Stems plus `@kind` / `@id` placeholders, the set cues are tested against."""
        extra = {f"@{e.kind}" for e in self.entities} | {f"@{e.node_id}" for e in self.entities}
        extra |= {f"@{program}" for program in self.implied}
        if self.entities:
            extra.add("@entity")
        if self.amounts:
            extra.add("@money")
        if self.ages:
            extra.add("@age")
        hidden = self._hidden()
        words = {s for i, s in enumerate(self.stems) if i not in hidden}
        return frozenset(words) | extra

    def _hidden(self) -> set[int]:
        """Words inside a long name ("California Children's Services") stand for that name,
        not for themselves: "services" there must not fire a "what services" cue."""
        return {i for e in self.entities if e.end - e.start >= 3 for i in range(e.start, e.end)}

    def places(self) -> dict[str, list[tuple[int, int]]]:
        """Where each token stands: (sentence, word position), an entity's placeholders where
        its name starts; tokens that stand for the whole message (@money, @age) are left out."""
        hidden = self._hidden()
        ids = self.sentence_ids
        out: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, token in enumerate(self.stems):
            if i not in hidden:
                out[token].append((ids[i] if i < len(ids) else 0, i))
        for entity in self.entities:
            # An entity taken from memory ("how do I get one?") has no place of its own.
            at = entity.start
            place = (ids[at] if 0 <= at < len(ids) else 0, at)
            for token in (f"@{entity.kind}", f"@{entity.node_id}", "@entity"):
                out[token].append(place)
            if entity.kind == "term":
                for program in self.implied:
                    out[f"@{program}"].append(place)
        return out

    def ids(self, kind: str | None = None) -> list[str]:
        out: list[str] = []
        for entity in self.entities:
            if (kind is None or entity.kind == kind) and entity.node_id not in out:
                out.append(entity.node_id)
        return out


@dataclass(frozen=True)
class Scored:
    """One intent's reading of a question. `points` is the weight of the cues that fired,
    `strong` whether a strong cue was among them, and `specificity` how many question words
    they matched: the decider compares readings on these, not only on confidence."""

    intent: Intent
    confidence: float
    points: float = 0.0
    strong: bool = False
    specificity: int = 0


class Matcher:
    """Indexes built once per process; `analyze` and `score` touch only these."""

    def __init__(self, kg: KnowledgeGraph, catalogue: Catalogue) -> None:
        self.kg = kg
        self.catalogue = catalogue
        self.places = place_pattern(catalogue.other_states)
        self.synonyms = {k.lower(): v.lower() for k, v in catalogue.synonyms.items()}
        self.names: dict[tuple[str, ...], str] = {}
        self.acronyms: dict[str, str] = {}
        weak: dict[tuple[str, ...], str] = {}
        vocabulary: set[str] = set(catalogue.known_words)
        for node in kg.nodes():
            if node.kind not in ENTITY_KINDS:
                continue
            for name in (node.label, *node.aliases):
                self._add_name(name, node.id, self.names, vocabulary)
            for example in node.examples:
                self._add_name(example, node.id, weak, vocabulary)
        for name_stems, node_id in weak.items():
            self.names.setdefault(name_stems, node_id)
        for intent in catalogue.intents.values():
            if intent.spec.handler == "decline":
                continue  # words that mark a question as off-topic are not understanding
            for cue in intent.cues:
                vocabulary.update(w for w in words(cue.text) if not w.startswith("@"))
        for county in catalogue.counties:
            vocabulary.update(county.split())
        self.never_correct = frozenset(w.lower() for w in catalogue.never_correct)
        vocabulary.update(self.synonyms)
        vocabulary.update(self.synonyms.values())
        self.vocabulary = frozenset(w for w in vocabulary if w)
        self.known_stems = frozenset(stem(w) for w in self.vocabulary)
        buckets: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self.vocabulary):
            if len(word) >= 4 and not word.isdigit():
                buckets[word[0]].append(word)
        self._buckets = dict(buckets)
        self._correct = lru_cache(maxsize=65536)(self._correct_uncached)
        self._name_alias_cues(catalogue)
        self._cues_by_stem = self._index_cues(catalogue)
        self.order = {intent_id: i for i, intent_id in enumerate(catalogue.intents)}
        self._programs_of_term = {
            node.id: [p for p, _ in kg.out(node.id, "applies_to") if kg.node(p).kind == "program"]
            for node in kg.nodes("term")
        }
        parts: dict[str, list[str]] = defaultdict(list)
        for node in kg.nodes():
            for whole, _ in kg.out(node.id, "part_of"):
                parts[whole].append(node.id)
        self._parts = dict(parts)

    def _name_alias_cues(self, catalogue: Catalogue) -> None:
        """An alias cue ("Kaiser Whole Child Model") names things the matcher finds as
        entities, whose words a question then hides behind `@id`: write them that way too."""
        for intent in catalogue.intents.values():
            for index, cue in enumerate(intent.cues):
                if not cue.alias:
                    continue
                cue_words = [self.synonyms.get(w, w) for w in words(cue.text)]
                cue_stems = [stem(w) for w in cue_words]
                found = self._entities(cue_stems, cue_words)
                if not found or all(e.end - e.start == len(cue_stems) for e in found):
                    continue  # no name inside, or the alias is itself one whole name
                named = {i for e in found for i in range(e.start, e.end)}
                rewritten = {
                    s
                    for i, s in enumerate(cue_stems)
                    if i not in named and cue_words[i] not in ARTICLES
                }
                rewritten |= {f"@{e.node_id}" for e in found}
                intent.cues[index] = replace(cue, stems=frozenset(rewritten))

    @staticmethod
    def _index_cues(catalogue: Catalogue) -> dict[str, list[tuple[str, Cue]]]:
        """Each cue filed under its rarest stem, so scoring looks only at cues that can fire
        and the cost per question does not grow with the number of intents."""
        counts: dict[str, int] = defaultdict(int)
        for intent in catalogue.intents.values():
            for cue in intent.cues:
                for part in cue.stems:
                    counts[part] += 1
        index: dict[str, list[tuple[str, Cue]]] = defaultdict(list)
        for intent in catalogue.intents.values():
            for cue in intent.cues:
                rarest = min(cue.stems, key=lambda part: (counts[part], part))
                index[rarest].append((intent.id, cue))
        return dict(index)

    @cached_property
    def mentioned_stems(self) -> frozenset[str]:
        """Words the graph's own texts use: never salient-unknown, though they do not count as
        understood (a summary mentioning "glasses" does not make a glasses question ours).
        Built at the first question with an unknown word: reading every summary costs start-up
        time that most one-off questions never need."""
        return frozenset(
            stem(w)
            for node in self.kg.nodes()
            if node.kind != "source"
            for text in (node.label, node.summary, node.detail, *node.aliases)
            for w in words(text)
        )

    def _add_name(
        self, name: str, node_id: str, index: dict[tuple[str, ...], str], vocabulary: set[str]
    ) -> None:
        """Index a name as the question will look after normalization, with and without any
        "(abbreviation)" part, so "California Children's Services (CCS)" is found either way."""
        variants = [name]
        if "(" in name:
            variants.append(PARENTHESES.sub(" ", name))
            variants.extend(PARENTHESES.findall(name))
        for variant in variants:
            name_words = [self.synonyms.get(w, w) for w in words(variant)]
            name_stems = tuple(stem(w) for w in name_words)
            if name_stems and len(name_stems) <= MAX_ALIAS_WORDS:
                index.setdefault(name_stems, node_id)
                vocabulary.update(name_words)
                if len(name_words) == 1 and variant.strip().isupper():
                    # An acronym is its own word: "AIDS" is not the "aid" of "hearing aid".
                    self.acronyms[name_stems[0]] = name_words[0]

    # ---- understanding a question -------------------------------------------------------------

    def _correct_uncached(self, word: str) -> str:
        """The vocabulary word this is a typo of, or the word itself."""
        if (
            len(word) < 4
            or word in self.never_correct
            or word in self.vocabulary
            or word in STOPWORDS
            or word.isdigit()
            or stem(word) in self.known_stems
        ):
            return word
        bucket = self._buckets.get(word[0])
        if not bucket:
            return word
        limit = 1 if len(word) < 8 else 2
        best = process.extractOne(
            word, bucket, scorer=Levenshtein.distance, processor=None, score_cutoff=limit
        )
        return best[0] if best else word

    def analyze(self, text: str) -> Analysis:
        raw_words = words(text)
        fixed = [self._correct(self.synonyms.get(word, word)) for word in raw_words]
        question_stems = [stem(w) for w in fixed]
        entities = self._entities(question_stems, fixed)
        content = [
            (w, s)
            for w, s in zip(fixed, question_stems, strict=True)
            if w not in STOPWORDS and w not in QUESTION_WORDS and not w.isdigit()
        ]
        known = sum(1 for w, s in content if s in self.known_stems or w in self.vocabulary)
        coverage = known / len(content) if content else 1.0
        unknown = [w for w, s in content if s not in self.known_stems and w not in self.vocabulary]
        mentioned = self.mentioned_stems if unknown else frozenset()
        salient = salient_unknown([w for w in unknown if stem(w) not in mentioned], text)
        counties = self._counties(raw_words)
        return Analysis(
            text=text,
            words=fixed,
            stems=question_stems,
            entities=entities,
            coverage=coverage,
            amounts=money_amounts(text),
            ages=ages(text),
            unknown=unknown,
            salient=salient,
            implied=[
                p
                for e in entities
                if e.kind == "term"
                for p in self._programs_of_term.get(e.node_id, ())
            ],
            counties=counties,
            other_state=other_state(" ".join(raw_words), self.places, counties),
            sentence_ids=sentence_ids(text, len(raw_words)),
        )

    def _counties(self, folded: list[str]) -> list[str]:
        """County names in the words, longest first where two overlap ("San Luis Obispo")."""
        found: list[str] = []
        for size in (3, 2, 1):
            for start in range(len(folded) - size + 1):
                name = " ".join(folded[start : start + size])
                if name in self.catalogue.counties and not any(name in f for f in found):
                    found.append(name)
        return found

    def _entities(self, question_stems: list[str], fixed: list[str]) -> list[Entity]:
        found: list[Entity] = []
        taken = [False] * len(question_stems)
        for size in range(min(MAX_ALIAS_WORDS, len(question_stems)), 0, -1):
            for start in range(len(question_stems) - size + 1):
                if any(taken[start : start + size]):
                    continue
                node_id = self.names.get(tuple(question_stems[start : start + size]))
                if node_id is None:
                    continue
                if size == 1 and fixed[start] in STOPWORDS:
                    continue
                acronym = self.acronyms.get(question_stems[start]) if size == 1 else None
                if acronym is not None and fixed[start] != acronym:
                    continue
                for i in range(start, start + size):
                    taken[i] = True
                found.append(
                    Entity(
                        node_id,
                        self.kg.node(node_id).kind,
                        start,
                        start + size,
                        " ".join(fixed[start : start + size]),
                    )
                )
        return sorted(found, key=lambda e: e.start)

    # ---- scoring intents ----------------------------------------------------------------------

    def points_to(self, intent: Intent, analysis: Analysis, remembered: set[str]) -> bool:
        """Whether one of the intent's own cues is in this text (or what memory holds): a
        cheap check of one intent, where `score` weighs them all."""
        tokens = analysis.tokens | remembered
        return any(cue.weight > 0 and cue.stems <= tokens for cue in intent.cues)

    def score(self, analysis: Analysis, remembered: set[str] | None = None) -> list[Scored]:
        """Intents with their confidence, best first; intents whose needs are unmet are left out
        unless the conversation remembers an entity that meets them."""
        tokens = analysis.tokens
        remembered = remembered or set()
        factor = 0.35 + 0.65 * analysis.coverage
        fired_by: dict[str, list[Cue]] = defaultdict(list)
        # A one-sentence question is all question: where its words stand does not matter.
        where = analysis.places() if any(analysis.sentence_ids) else None
        for token in tokens:
            for intent_id, cue in self._cues_by_stem.get(token, ()):
                if cue.stems <= tokens and (where is None or close_together(cue.stems, where)):
                    fired_by[intent_id].append(cue)
        out: list[Scored] = []
        for intent_id, cues in fired_by.items():
            intent = self.catalogue.intents[intent_id]
            raw = sum(cue.weight for cue in cues)
            if raw <= 0:
                continue
            strong = any(cue.weight > 1 for cue in cues)
            specificity = sum(len(cue.stems) for cue in cues if cue.weight > 0)
            needs = intent.spec.needs
            if needs:
                met_here = all(self._has(need, tokens) for need in needs)
                met_memory = all(
                    self._has(need, tokens) or self._has(need, remembered) for need in needs
                )
                if met_here:
                    raw += 0.5
                elif not met_memory:
                    raw *= 0.5
            confidence = raw / (raw + 1.0) * factor
            out.append(Scored(intent, round(min(confidence, 1.0), 3), raw, strong, specificity))
        # Ties go to the intent whose cues matched more of the question's words, then to the
        # one written first in intents.yaml, so answers never depend on hashing order.
        order = self.order
        out.sort(key=lambda s: (-s.confidence, -s.specificity, order[s.intent.id]))
        return out

    def _has(self, need: str, tokens: frozenset[str] | set[str]) -> bool:
        """A need is met by the node itself or by a part of it (the MTP is part of CCS)."""
        if f"@{need}" in tokens:
            return True
        return any(f"@{part}" in tokens for part in self._parts.get(need, ()))
