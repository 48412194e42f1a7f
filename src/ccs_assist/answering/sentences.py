"""Where one sentence ends and the next begins, the same for the short answer's length and
for the detail sentences a question may pick."""

from __future__ import annotations

import re

from ccs_assist.text import STOPWORDS, stem, words

# A sentence ends at . ! or ? before what can start one, but not after initials ("the U.S.
# Office for Civil Rights", "20 U.S.C. 1412").
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<![A-Z]\.[A-Z]\.)\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s]


# A sentence that says again what an earlier one said: every one of its content words (and
# it has at least this many) is in that one earlier sentence. Looser matching dropped
# sentences that added advice ("... so refer your child early").
REPEAT_MIN_WORDS = 3


def _content(sentence: str) -> set[str]:
    return {stem(w) for w in words(sentence) if w not in STOPWORDS}


def without_repeats(paragraphs: list[str]) -> list[str]:
    """The paragraphs, less any sentence that only repeats an earlier one ("The county CCS
    office decides ..." from both a template and a summary): two texts from the graph often
    say the same fact, and a parent should not read it twice."""
    seen: list[set[str]] = []
    kept_paragraphs: list[str] = []
    for paragraph in paragraphs:
        kept: list[str] = []
        for sentence in split_sentences(paragraph):
            content = _content(sentence)
            repeat = len(content) >= REPEAT_MIN_WORDS and any(content <= e for e in seen)
            if not repeat:
                kept.append(sentence)
                seen.append(content)
        if kept:
            kept_paragraphs.append(" ".join(kept))
    return kept_paragraphs
