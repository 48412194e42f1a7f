"""Where a message says the family lives, when it names a place outside California.

The graph holds California's programs only, so "we live in Texas" makes the question one about
another state's rules, wherever in the message it stands. A bare name is not enough ("my
daughter Georgia"): the state must follow "in", "to" or "live" ("we live in GA", "moving to
Oregon", "we live texas"). A message that also names California or one of its counties ("we
moved from Texas to Fresno") is about California. The place names are data: `other_states:`
in graph/intents.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

CALIFORNIA = re.compile(r"\b(california|calif)\b")


def place_pattern(states: Iterable[str]) -> re.Pattern[str] | None:
    """"in / to / live (the state of) STATE" over folded text; None when no states are listed."""
    names = sorted(states, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(
        rf"\b(?:in|to|live|living)\s+(?:the\s+state\s+of\s+)?({alternatives})\b(?!\s+county)"
    )


def other_state(folded: str, pattern: re.Pattern[str] | None, counties: list[str]) -> str | None:
    """The state outside California the folded message says the family is in, if any."""
    if pattern is None or counties or CALIFORNIA.search(folded):
        return None
    found = pattern.search(folded)
    return found.group(1) if found else None


@lru_cache(maxsize=8)
def state_name_pattern(states: frozenset[str]) -> re.Pattern[str]:
    """Any of the states as a bare name, for a reply to "which county?" ("Texas"); "Nevada
    County" is a California county. Built once per list."""
    alternatives = "|".join(re.escape(s) for s in sorted(states, key=len, reverse=True))
    return re.compile(rf"\b({alternatives or '(?!)'})\b(?!\s+county)")
