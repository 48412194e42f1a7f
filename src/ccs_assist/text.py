"""Turning what a parent types into tokens the matcher can compare.

One normalization serves the graph's labels and aliases and the parent's question, so the two
always meet on the same terms: case, accents, curly quotes, possessives and punctuation are
folded, and words are cut to a rough stem ("covered", "covers" -> "cover").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'"})
_POSSESSIVE = re.compile(r"(?<=[a-z])'s\b|(?<=s)'(?=\s|$)")
_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_NON_WORD = re.compile(r"[^a-z0-9$%]+")
_MONEY = re.compile(r"\$?\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|thousand|grand)?\b")
# Possessive \s*+: "1" and 2,000 spaces cannot be split two ways at each space (linear).
_AGE_UNIT = re.compile(r"\d\s*+-?\s*+(?:years?|yrs?|y/?o|year-old|months?|mos?)\b")
# A number, then (group 2) a unit of years or (group 3) of months; a bare number is no age here.
_AGE = re.compile(
    r"\b(\d{1,3})(?:(\s*+-?\s*+(?:years?|yrs?|y/?o|year-old|yo)\b)|(\s+(?:months?|mos?)\b))?"
)

# Common English words: never "corrected" into domain words, never counted as content.
# Parents leave these out ("who qualifies for Whole Child Model"): a cue never needs them.
ARTICLES = frozenset({"a", "an", "the"})

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each either else
    ever every few for from further get gets getting got had has have having he her here hers him
    himself his how i if in into is it its itself just me might more most much must my myself no
    nor not now of off on once only or other our ours out over own per please same she should so
    some such than that the their them then there these they this those through to too under
    until up us very was we were what when where which while who whom whose why will with would
    you your yours yourself ok okay hi hello thanks thank im ive id dont doesnt isnt wont cant
    didnt arent wasnt shouldnt hasnt havent let lets really still even yet anyone someone
    something anything ever one two three um uh umm hmm actually basically like anymore
    probably kinda sorta gonna wanna""".split()
)


_CONTRACTIONS = {
    "what's": "what is",
    "whats": "what is",
    "it's": "it is",
    "that's": "that is",
    "isn't": "is not",
    "isnt": "is not",
    "aren't": "are not",
    "arent": "are not",
    "wasn't": "was not",
    "wasnt": "was not",
    "doesn't": "does not",
    "doesnt": "does not",
    "don't": "do not",
    "dont": "do not",
    "didn't": "did not",
    "didnt": "did not",
    "won't": "will not",
    "wont": "will not",
    "can't": "can not",
    "cant": "can not",
    "cannot": "can not",
    "shouldn't": "should not",
    "hasn't": "has not",
    "haven't": "have not",
    "i'm": "i am",
    "we're": "we are",
    "they're": "they are",
    "who's": "who is",
}
_CONTRACTION = re.compile(r"\b(" + "|".join(re.escape(c) for c in _CONTRACTIONS) + r")\b")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case, plain quotes, no accents, contractions spelled out, no possessives."""
    if text.isascii():  # most text: nothing to normalize, no curly quotes, no accents
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
    text = _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(1)], text)
    text = _POSSESSIVE.sub("", text)
    return _APOSTROPHE.sub("", text)


def words(text: str) -> list[str]:
    """The folded words of a text, punctuation dropped ("Medi-Cal" -> ["medi", "cal"])."""
    return list(_words(text))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """Cached: a question's words are read by several stages of one turn."""
    return tuple(w for w in _NON_WORD.split(fold(text).replace("$", " ").replace("%", " ")) if w)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A rough, consistent stem; the same word always lands on the same stem."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ly") and len(word) >= 7:
        word = word[:-2]
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            word = word[: len(word) - len(suffix)] + keep
            if suffix in ("ing", "ed") and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "stopped" -> "stop", "cutting" -> "cut"
            break
    for suffix, keep in (("ation", "at"), ("ment", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: len(word) - len(suffix)] + keep
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def stems(text: str) -> tuple[str, ...]:
    """Words of a text, stemmed: the unit cue phrases and aliases are compared in."""
    return tuple(stem(w) for w in words(text))


def key(text: str) -> str:
    """One string per name, so "Cerebral Palsy" and "cerebral-palsy's" collide on purpose."""
    return " ".join(stems(text))


_MONEY_CONTEXT = re.compile(r"\b(income|make|made|earn|earned|agi|salary|paid|wages|dollars)\b")


def money_amounts(text: str) -> list[int]:
    """Dollar amounts a parent wrote ("$62,000", "62k", "62 thousand", "we make 45000")."""
    found: list[int] = []
    folded = fold(text)
    context = bool(_MONEY_CONTEXT.search(folded))
    for match in _MONEY.finditer(folded):
        digits, scale = match.group(1), match.group(2)
        raw = match.group(0)
        if not (context or scale or "," in digits or raw.startswith("$")):
            continue  # a bare number and no money word: not money (the cheap test first)
        plain = digits.replace(",", "").replace(".", "", 1)
        if len(plain) > 12:
            continue  # no family income has that many digits; int(float(...)) would overflow
        bare_money = context and plain.isdigit() and int(float(digits.replace(",", ""))) >= 1000
        if not (raw.startswith("$") or scale or "," in digits or bare_money):
            continue
        value = float(digits.replace(",", ""))
        if scale:
            value *= 1000
        found.append(int(value))
    return sorted(found, reverse=True)


_BARE_AGE = re.compile(
    r"\b(?:is|s|be|turns?|turning|turned|at|age|aged|until|till|over|under|past|after)\s+"
    r"(\d{1,2})\b(?!\s*(?:%|percent|days?|weeks?|minutes?|hours?|times?|x|k|thousand|,\d))"
)


def ages(text: str) -> list[float]:
    """Ages in years a parent wrote ("19 year old", "18 months", "she is 20", "stop at 18")."""
    folded = fold(text)
    out: list[float] = []
    if not _AGE_UNIT.search(folded):
        out.extend(float(m.group(1)) for m in _BARE_AGE.finditer(folded))
    for match in _AGE.finditer(folded):
        number, years, months = match.groups()
        if months:
            out.append(int(number) / 12)
        elif years:
            out.append(float(int(number)))
    return out


# ---- a reply to one question ("how old?", "how much?"): a bare number is the answer ----------

_BARE_NUMBER = re.compile(r"\s*(\d{1,3})\s*")
# Unlike _MONEY (which must tell "$62,000" from "3 kids" in a free question), any first number
# in a reply to "how much?" is an amount; "grand" is not read here.
_REPLY_AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(k|thousand)?\b")
MAX_AGE = 120


def reply_age(text: str) -> float | None:
    """The age in years a reply to "how old is your child?" gives ("7", "18 months", "she is
    7"), or None when there is none or the first one is over MAX_AGE."""
    found = ages(text)
    if not found:
        bare = _BARE_NUMBER.fullmatch(fold(text))
        found = [float(bare.group(1))] if bare else []
    if not found or found[0] > MAX_AGE:
        return None
    return found[0]


def reply_amount(text: str) -> float | None:
    """The dollar amount a reply to "how much?" gives: its first number ("52,000", "52k",
    "about 52 thousand"), or None when there is no number."""
    match = _REPLY_AMOUNT.search(fold(text))
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    return value * 1000 if match.group(2) else value
