"""A second opinion on what a question is about: BM25 over each intent's own text.

Cue phrases fire on exact word sets; parents' wording drifts. So each intent also gets a
document made of the graph's own words for it: its title, its cue phrases, the real questions
listed under it, and the labels, aliases and summaries of the nodes it answers with. Entities
the matcher found count as `@node_id` terms, so "the MTU" matches every intent about the MTU.

The ranking is used to check the cue scorer, not to replace it: an answer both agree on is
trusted more, one they disagree on less.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ccs_assist.knowledge.catalogue import Catalogue
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.text import STOPWORDS, stem, words

K1 = 1.2
B = 0.75
# Node text is the graph's wording, cue text is a parent's: cues and questions weigh more.
WEIGHT_QUESTION = 2
WEIGHT_CUE = 2
WEIGHT_NODE = 1
SKIP_HANDLERS = frozenset({"decline", "smalltalk", "more_detail", "screener"})
# The best score is looked for among the intents each query term weighs most in (and the
# candidates asked about): a term shared by thousands of intents (a graph 100x today's) must
# not make every question walk all of them. The best intent is in some term's top 16 on every
# question of the question sets and transcripts (same answers as scoring all intents).
TOP_PER_TERM = 16


@dataclass(frozen=True)
class Ranked:
    intent_id: str
    score: float


class IntentIndex:
    """Term statistics of every intent's document, built once per process."""

    def __init__(self, kg: KnowledgeGraph, catalogue: Catalogue) -> None:
        synonyms = {k.lower(): v.lower() for k, v in catalogue.synonyms.items()}
        postings: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.length: dict[str, int] = {}
        for intent in catalogue.intents.values():
            if intent.spec.handler in SKIP_HANDLERS:
                continue
            counts: Counter[str] = Counter()
            spec = intent.spec
            for text in [spec.title, *spec.cues, *spec.strong]:
                counts.update(_terms(text, synonyms, WEIGHT_CUE))
            for question in spec.questions:
                counts.update(_terms(question.split(" — ")[0], synonyms, WEIGHT_QUESTION))
            for node_id in [*spec.answer, *spec.also]:
                node = kg.node(node_id)
                counts[f"@{node_id}"] += WEIGHT_CUE
                for text in (node.label, *node.aliases, node.summary):
                    counts.update(_terms(text, synonyms, WEIGHT_NODE))
            for term, count in counts.items():
                postings[term].append((intent.id, count))
            self.length[intent.id] = sum(counts.values())
        self.average = sum(self.length.values()) / max(1, len(self.length))
        self.norm = {
            intent_id: K1 * (1 - B + B * length / self.average)
            for intent_id, length in self.length.items()
        }
        total = len(self.length)
        self.idf = {
            term: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5))
            for term, p in postings.items()
        }
        # Each term's contribution to each intent, and the intents it weighs most in.
        self.weights: dict[str, dict[str, float]] = {
            term: {
                intent_id: self.idf[term] * count * (K1 + 1) / (count + self.norm[intent_id])
                for intent_id, count in counts_of
            }
            for term, counts_of in postings.items()
        }
        self.leaders: dict[str, list[str]] = {
            term: sorted(weights, key=lambda i: (-weights[i], i))[:TOP_PER_TERM]
            for term, weights in self.weights.items()
        }

    def rank(
        self, stems: Iterable[str], entities: Iterable[tuple[str, str]], top: int = 5
    ) -> list[Ranked]:
        """Intents by BM25 score for a question's stems and its (node id, kind) entities, best
        first. An entity counts as its id and as its kind, which cues write as `@condition`."""
        scores = self.scores(stems, entities)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return [Ranked(i, round(s, 3)) for i, s in ranked[:top]]

    def scores(
        self,
        stems: Iterable[str],
        entities: Iterable[tuple[str, str]],
        wanted: Iterable[str] = (),
    ) -> dict[str, float]:
        """BM25 scores of the `wanted` intents and of the intents each query term weighs most
        in (among which the best one is), unsorted: what a comparison needs."""
        query = {s for s in stems if s not in _STOP_STEMS}
        for node_id, kind in entities:
            query |= {f"@{node_id}", f"@{kind}"}
        terms = [self.weights[term] for term in query if term in self.weights]
        scored = set(wanted).union(*(self.leaders[t] for t in query if t in self.leaders))
        scores = dict.fromkeys(scored, 0.0)
        for weights in terms:
            # Walk whichever is shorter: the term's postings or the intents being scored.
            if len(weights) < len(scores):
                for intent_id, weight in weights.items():
                    if intent_id in scores:
                        scores[intent_id] += weight
            else:
                for intent_id in scores:
                    scores[intent_id] += weights.get(intent_id, 0.0)
        return {intent_id: score for intent_id, score in scores.items() if score > 0}


_STOP_STEMS = frozenset(stem(w) for w in STOPWORDS)


def _terms(text: str, synonyms: dict[str, str], weight: int) -> Counter[str]:
    """A cue or text as index terms: stems through synonyms, `@id` placeholders kept whole."""
    out: Counter[str] = Counter()
    for part in text.split():
        if part.startswith("@"):
            out[part.lower().strip(",.")] += weight
            continue
        for word in words(part):
            if word in STOPWORDS:
                continue
            out[stem(synonyms.get(word, word))] += weight
    return out
