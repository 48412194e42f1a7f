"""Where one sentence ends and the next begins, the same for the short answer's length and
for the detail sentences a question may pick."""

from __future__ import annotations

import re

# A full stop, question or exclamation mark, then space and what can start a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s]
