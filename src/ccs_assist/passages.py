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

from .graph import KnowledgeGraph
from .text import STOPWORDS, stem, words

_LEANS_BACK = re.compile(r"(It|They|This|These|That|Those|He|She)\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
# A stem found in more than this share of the graph's sentences says nothing about which one.
COMMON_SHARE = 0.04
# A sentence must match question words at least this rare (in idf) to be worth adding.
MIN_WEIGHT = 3.0


class Passages:
    """Sentences of every node's summary and detail, with the rarity of each stem."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.sentences: dict[str, list[tuple[str, frozenset[str]]]] = {}
        counts: Counter[str] = Counter()
        total = 0
        for node in kg.nodes():
            if node.kind == "source":
                continue
            found: list[tuple[str, frozenset[str]]] = []
            for text in (node.summary, node.detail):
                for sentence in split(text):
                    stems = _stems(sentence)
                    found.append((sentence, stems))
                    counts.update(stems)
                    total += 1
            self.sentences[node.id] = found
        self.idf = {s: math.log(total / c) for s, c in counts.items() if c <= COMMON_SHARE * total}

    def weight(self, question: str, text: str) -> float:
        """How much of the question's rare words a text holds, each by its rarity."""
        return sum(self.idf.get(s, 0.0) for s in _stems(question) & _stems(text))

    def best(self, node_ids: Iterable[str], question: str, shown: str) -> str | None:
        """The sentence of these nodes that answers most of what the question asks and the
        shown text does not say; None when no sentence adds a rare question word."""
        asked = _stems(question) - _stems(shown)
        wanted = {s: self.idf[s] for s in asked if s in self.idf}
        if not wanted:
            return None
        best: tuple[float, str] | None = None
        for node_id in node_ids:
            found = self.sentences.get(node_id, [])
            for index, (sentence, stems) in enumerate(found):
                if sentence in shown:
                    continue
                weight = sum(w for s, w in wanted.items() if s in stems)
                if weight >= MIN_WEIGHT and (best is None or weight > best[0]):
                    if _LEANS_BACK.match(sentence) and index and found[index - 1][0] not in shown:
                        sentence = f"{found[index - 1][0]} {sentence}"  # "It" needs its noun
                    best = (weight, sentence)
        return best[1] if best else None


def split(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text or "") if s.strip()]


def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words(text) if w not in STOPWORDS)
