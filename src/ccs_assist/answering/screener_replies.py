"""Reading a parent's reply to one screener question: yes, no or not sure; a county or another
state. Ages and dollar amounts are read by text.py, like everywhere else."""

from __future__ import annotations

import re

from ccs_assist.text import words
from ccs_assist.understanding.places import state_name_pattern

__all__ = [
    "NO",
    "OUT_OF_STATE",
    "STOP_WORDS",
    "UNSURE",
    "YES",
    "find_county",
    "is_one_of",
    "out_of_state",
    "reply_words",
]

STOP_WORDS = frozenset({"stop", "cancel", "quit", "exit", "nevermind", "never mind"})
YES = frozenset(
    {"yes", "y", "yeah", "yep", "yup", "sure", "correct", "we do", "she does", "he does"}
)
# Compared after folding, so "don't know" arrives as "do not know".
NO = frozenset({"no", "n", "nope", "nah", "we do not", "she does not", "he does not", "not"})
UNSURE = frozenset(
    {
        "not sure",
        "do not know",
        "i do not know",
        "idk",
        "unsure",
        "maybe",
        "no idea",
        "i am not sure",
        "we do not know",
        "dunno",
    }
)
# Said of where the family lives; the state names themselves are data (`other_states:` in
# graph/intents.yaml), passed in by the screener.
OUT_OF_STATE = re.compile(
    r"\b(not in california|outside california|another state|out of state|other state)\b"
)


def out_of_state(folded: str, states: frozenset[str]) -> bool:
    """Whether a reply says the family lives outside California ("Texas", "out of state");
    "Nevada County" is a California county."""
    return bool(OUT_OF_STATE.search(folded) or state_name_pattern(states).search(folded))


def reply_words(text: str) -> str:
    """The reply as folded words joined by single spaces: what the sets above are made of."""
    return " ".join(words(text))


def is_one_of(folded: str, options: frozenset[str]) -> bool:
    """Whether the reply is one of the options, or starts with one ("no, we don't")."""
    return folded in options or any(folded.startswith(o + " ") for o in options)


def find_county(folded: str, counties: frozenset[str]) -> str | None:
    """A California county the reply names, as written in intents.yaml (lower case)."""
    return next((c for c in counties if re.search(rf"\b{re.escape(c)}\b", folded)), None)
