"""Salient unknown words: the words of a question the graph has never heard of and that are
not everyday English ("IHSS", "citizenship", "CalFresh").

Such a word is usually the question's real subject, so an answer that ignores it answers another
question. Everyday words the graph lacks ("button", "restroom") are story, not subject. Which is
which comes from a well-kept word-frequency list (wordfreq's Zipf scale: 6 is "the", 3 is a word
seen once per million words), not from a hand list of off-topic words.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Zipf frequency below which an unknown word counts as salient. Everyday words a parent uses in
# a story sit above 4 ("dressing" 4.2, "struggles" 4.1); benefit names and legal words sit below
# ("citizenship" 4.1 is the boundary case, "grievance" 3.2, "IHSS" 1.2).
SALIENT_BELOW = 4.15
_ACRONYM = re.compile(r"\b[A-Z]{3,6}s?\b")


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common an English word is; imported lazily, as most questions never need it."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def commonness(word: str) -> float:
    """The Zipf frequency of a word or of its plain form ("mentions" is as everyday as
    "mention"): inflected forms are rarer than the word they inflect."""
    forms = [word]
    for suffix in ("s", "es", "ed", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.append(word[: -len(suffix)])
    return max(zipf(form) for form in forms)


def acronyms(text: str) -> set[str]:
    """Upper-case short words as the parent typed them ("IHSS", "CSPP"), folded."""
    return {m.group(0).lower().rstrip("s") for m in _ACRONYM.finditer(text)}


def salient_unknown(unknown: list[str], original: str) -> list[str]:
    """The unknown words that carry a subject, rarest first. An acronym the graph does not know
    is always salient: it names a program or agency, never everyday speech."""
    caps = acronyms(original)
    found = [
        w
        for w in dict.fromkeys(unknown)
        if len(w) >= 3
        and not any(ch.isdigit() for ch in w)
        and (w in caps or commonness(w) < SALIENT_BELOW)
    ]
    return sorted(found, key=commonness)
