"""The one sentence of detail that answers what the summary leaves out.

An answer leads with its nodes' summaries. When the question asks about something those leave
out but a node's detail says ("dependent county", "the 2025 expansion"), the best-matching
sentence from the detail of the nodes the answer rests on is added to the short answer. Words
are weighed by how rare they are across the graph's sentences, so "CCS" or "child" never pick a
sentence; "dependent" or "2025" do.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from ccs_assist.answering.sentences import split_sentences
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.text import STOPWORDS, stem, words
from ccs_assist.understanding.salience import commonness

_LEANS_BACK = re.compile(r"(It|They|This|These|That|Those|He|She)\b")
# A stem found in more than this share of the graph's sentences says nothing about which one.
COMMON_SHARE = 0.04
# A sentence must match question words worth at least this much to be worth adding; a
# sentence that matches one word only, a word this rare in the graph.
MIN_WEIGHT = 4.0
MIN_SINGLE = 5.5
# Words this common in English (Zipf scale) weigh only this share of their rarity in the graph.
EVERYDAY = 5.0
EVERYDAY_FACTOR = 0.3


class Passages:
    """Sentences of every node's summary and detail, with the rarity of each stem."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.sentences: dict[str, list[tuple[str, frozenset[str]]]] = {}
        counts: Counter[str] = Counter()
        total = 0
        for node in kg.nodes():
            if node.kind == "source":
                continue
            found: list[tuple[str, frozenset[str]]] = []
            for text in (node.summary, node.detail):
                for sentence in _sentences(text):
                    stems = _stems(sentence)
                    found.append((sentence, stems))
                    counts.update(stems)
                    total += 1
            self.sentences[node.id] = found
        self.idf = {s: math.log(total / c) for s, c in counts.items() if c <= COMMON_SHARE * total}

    def wanted(self, question: str) -> dict[str, float]:
        """The question's stems with their weight: rare in the graph's sentences, and not an
        everyday English word ("said", "want", "keep" are rare in the graph, not in speech)."""
        out: dict[str, float] = {}
        for word in words(question):
            key = stem(word)
            if word in STOPWORDS or key not in self.idf or (word.isdigit() and len(word) < 4):
                continue  # small numbers ("60 minutes") say nothing about which rule
            weight = self.idf[key] * (EVERYDAY_FACTOR if commonness(word) >= EVERYDAY else 1.0)
            out[key] = max(out.get(key, 0.0), weight)
        return out

    def weight(self, question: str, text: str) -> float:
        """How much of the question's rare words a text holds, each by its weight."""
        stems = _stems(text)
        return sum(w for s, w in self.wanted(question).items() if s in stems)

    def best(self, node_ids: Iterable[str], question: str, shown: str) -> str | None:
        """The sentence of these nodes that answers most of what the question asks and the
        shown text does not say; None when no sentence adds a rare question word."""
        said = _stems(shown)
        wanted = {s: w for s, w in self.wanted(question).items() if s not in said}
        if not wanted:
            return None
        best: tuple[float, str] | None = None
        for node_id in node_ids:
            found = self.sentences.get(node_id, [])
            for index, (sentence, stems) in enumerate(found):
                if sentence in shown:
                    continue
                matched = [w for s, w in wanted.items() if s in stems]
                weight = sum(matched)
                enough = weight >= MIN_WEIGHT if len(matched) > 1 else weight >= MIN_SINGLE
                if enough and (best is None or weight > best[0]):
                    if _LEANS_BACK.match(sentence) and index and found[index - 1][0] not in shown:
                        sentence = f"{found[index - 1][0]} {sentence}"  # "It" needs its noun
                    best = (weight, sentence)
        return best[1] if best else None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in split_sentences(text or "") if s.strip()]


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text) if w not in STOPWORDS)
