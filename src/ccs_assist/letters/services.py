"""The therapies a parent names ('OT', 'pt', 'both'), spelled the way a letter says them."""

from __future__ import annotations

from ccs_assist.text import words

__all__ = ["normalize_service"]

_SERVICE_WORDS = (
    ("occupational therapy (OT)", {"ot", "occupational"}),
    ("physical therapy (PT)", {"pt", "physical", "physio"}),
    ("speech therapy", {"speech", "slp"}),
)


def normalize_service(text: str) -> str:
    """'OT', 'pt', 'both' -> the therapies' plain names; anything else is kept as written."""
    said = set(words(text))
    names = [name for name, cues in _SERVICE_WORDS if said & cues]
    if not names and said & {"both", "two"}:
        names = [_SERVICE_WORDS[0][0], _SERVICE_WORDS[1][0]]
    if not names:
        return text.strip()
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
