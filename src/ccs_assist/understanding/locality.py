"""Where a cue's words stand in a message: a cue fires only when its words stand together.

A long parent post has many sentences; words of one cue found in different sentences ("fine
motor delays" ... "will not provide") are not the cue ("delay providing").
"""

from __future__ import annotations

from collections import defaultdict

from ccs_assist.text import words
from ccs_assist.understanding.focus import sentences


def close_together(stems: frozenset[str], where: dict[str, list[tuple[int, int]]]) -> bool:
    """Whether the words of a cue stand together: all in one sentence ("delays" in one
    sentence and "provide" in another are not "delay providing"), and a phrase of three or
    more words within a few words of each other ("need it for school" is not "special needs
    kids ... this school ... it is")."""
    placed = [where[s] for s in sorted(stems) if s in where]
    if len(placed) < 2:
        return True
    one_sentence = all(n == 0 for spots in placed for n, _ in spots)
    # A one-sentence question is all question ("how long will it take ... assessment?");
    # the span matters in a story's long sentences.
    limit = 2 * len(placed) + 3 if len(placed) >= 3 and not one_sentence else None
    for sentence in {n for n, _ in placed[0]}:
        events = sorted(
            (p, k) for k, spots in enumerate(placed) for n, p in spots if n == sentence
        )
        if len({k for _, k in events}) < len(placed):
            continue
        if limit is None or _narrowest_span(events, len(placed)) <= limit:
            return True
    return False


def _narrowest_span(events: list[tuple[int, int]], kinds: int) -> int:
    """The fewest words between the first and last of a run that holds every kind once."""
    best = events[-1][0] - events[0][0]
    seen: dict[int, int] = defaultdict(int)
    start = 0
    for position, kind in events:
        seen[kind] += 1
        while len(seen) == kinds:
            first_position, first_kind = events[start]
            best = min(best, position - first_position)
            seen[first_kind] -= 1
            if not seen[first_kind]:
                del seen[first_kind]
            start += 1
    return best


def sentence_ids(text: str, count: int) -> list[int]:
    """The sentence of each of the message's `count` words; one sentence if they disagree."""
    parts = sentences(text)
    if len(parts) < 2:
        return [0] * count  # most questions: no second pass over the words
    ids = [n for n, sentence in enumerate(parts) for _ in words(sentence)]
    return ids if len(ids) == count else [0] * count
