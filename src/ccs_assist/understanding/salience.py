"""Salient unknown words: the words of a question the graph has never heard of and that are
not everyday English ("IHSS", "citizenship", "CalFresh").

Such a word is usually the question's real subject, so an answer that ignores it answers another
question. Everyday words the graph lacks ("button", "restroom") are story, not subject. Which is
which comes from a well-kept word-frequency list (wordfreq's Zipf scale: 6 is "the", 3 is a word
seen once per million words), not from a hand list of off-topic words. The list ships with the
package (data/common_english.txt, the English words at Zipf 4 and above), so answering never
loads the library; `python -m ccs_assist.understanding.salience` writes it again from wordfreq.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from importlib import resources
from pathlib import Path

# Zipf frequency below which an unknown word counts as salient. Everyday words a parent uses in
# a story sit above 4 ("dressing" 4.2, "struggles" 4.1); benefit names and legal words sit below
# ("citizenship" 4.1 is the boundary case, "grievance" 3.2, "IHSS" 1.2).
SALIENT_BELOW = 4.15
# The list keeps every word at or above this Zipf frequency: below it, a word is uncommon.
LIST_FLOOR = 4.0
LIST_SIZE = 60000
LIST_FILE = "common_english.txt"
_ACRONYM = re.compile(r"\b[A-Z]{3,6}s?\b")
_WORD = re.compile(r"[a-z]+")


@cache
def frequencies() -> dict[str, float]:
    """Word -> Zipf frequency for every English word at LIST_FLOOR or above."""
    text = resources.files("ccs_assist").joinpath("data", LIST_FILE).read_text(encoding="utf-8")
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, _, value = line.partition(" ")
            out[word] = float(value)
    return out


def zipf(word: str) -> float:
    """How common an English word is; under LIST_FLOOR the list does not say, so 0."""
    return frequencies().get(word, 0.0)


def commonness(word: str) -> float:
    """The Zipf frequency of a word or of its plain form ("mentions" is as everyday as
    "mention"): inflected forms are rarer than the word they inflect."""
    forms = [word]
    for suffix in ("s", "es", "ed", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.append(word[: -len(suffix)])
    return max(zipf(form) for form in forms)


def acronyms(text: str) -> set[str]:
    """Upper-case short words as the parent typed them ("IHSS", "CSPP"), folded; none in a
    message typed in capitals, where every word looks like one."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
        return set()
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


def build_list() -> str:
    """The shipped list, made from wordfreq (needs `pip install wordfreq`)."""
    from wordfreq import top_n_list, zipf_frequency

    rows = []
    for word in top_n_list("en", LIST_SIZE):
        value = zipf_frequency(word, "en")
        if _WORD.fullmatch(word) and value >= LIST_FLOOR:
            rows.append(f"{word} {value:g}")
    header = (
        "# English words at Zipf frequency 4 and above, with their frequency.\n"
        "# Made by `python -m ccs_assist.understanding.salience` from wordfreq (https://github.com/rspeer/"
        "wordfreq),\n# whose data is licensed CC BY-SA 4.0; this list is shared the same way.\n"
    )
    return header + "\n".join(rows) + "\n"


def main() -> int:
    target = Path(__file__).resolve().parents[1] / "data" / LIST_FILE
    target.write_text(build_list(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
