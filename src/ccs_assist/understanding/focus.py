"""Question focus: which part of a parent's message asks, and which part tells the story.

Parents often write several sentences of story and one question ("My son had OT twice a week
but they cut it ... Is there anything I can do?"). Matching the whole message lets the story's
words pick the topic; matching only the asking sentence keeps the answer on the question, and
the story still fills the conversation's memory (condition, age, program).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ccs_assist.text import STOPWORDS, words

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=\S)|\n+")
_ASKING_START = frozenset(
    """what how who when where why which whom can could do does did is are was were will would
    should may must has have am any anyone anybody""".split()
)
_ASKING_PHRASE = re.compile(
    r"\b(i want to know|i need to know|wondering|help me|tell me|anything i can do|what now|"
    r"any advice|advice|options|what are my rights|where do i start|where to start)\b"
)
# Lead-in words a parent puts before the question itself ("so", "but", "ok so what now").
_LEAD_INS = frozenset(
    """so but and ok okay well also please now then wait hold on sorry um uh hmm oh hey quick
    question actually""".split()
)
# A question this short in content words leans on the story for its subject.
GENERIC_MAX_CONTENT = 0
# Messages at or under this many words are taken whole: there is no story to set apart.
SHORT_MESSAGE_WORDS = 25


@dataclass(frozen=True)
class Focus:
    """The asking part of a message, the rest, and whether the asking part says what about."""

    text: str
    question: str
    story: str
    generic: bool

    @property
    def has_story(self) -> bool:
        return bool(self.story)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def is_asking(sentence: str) -> bool:
    """A sentence that asks: ends in '?', opens with a question word, or says 'tell me'."""
    if sentence.rstrip().endswith("?"):
        return True
    folded = words(sentence)
    while folded and folded[0] in _LEAD_INS:
        folded = folded[1:]
    if folded and folded[0] in _ASKING_START:
        return True
    return bool(_ASKING_PHRASE.search(" ".join(folded)))


def content_words(text: str) -> list[str]:
    """Words that carry a subject: not glue, not question words, not numbers."""
    return [
        w for w in words(text) if w not in STOPWORDS and w not in _ASKING_START and not w.isdigit()
    ]


def find_focus(text: str) -> Focus:
    """Split a message into its asking sentences and its story."""
    parts = sentences(text)
    if len(parts) <= 1:
        return Focus(text, text, "", generic=False)
    # A question mark is the clearest sign; "When I argued, they said no." opens with a
    # question word but asks nothing. A short message is split only by a question mark:
    # "the doctor said CCS. what is CCS?" asks what CCS is.
    marked = [p for p in parts if p.rstrip().endswith("?")]
    if len(words(text)) <= SHORT_MESSAGE_WORDS and (not marked or len(marked) == len(parts)):
        return Focus(text, text, "", generic=False)
    asking = marked or [p for p in parts if is_asking(p)]
    if not asking:
        asking = parts[-1:]
    # The last asking sentences carry the question; a long post's earlier "?" are usually
    # rhetorical ("Can you believe it?"). Keep at most the last two.
    asking = asking[-2:]
    story = [p for p in parts if p not in asking]
    question = " ".join(asking)
    generic = len(content_words(question)) <= GENERIC_MAX_CONTENT
    return Focus(text, question, " ".join(story), generic=generic)
