"""Jargon spelled out on first use: "LEA" becomes "LEA (local educational agency)" the first
time an answer uses it, from the node labels that hold both forms ("LEA (local educational
agency)", "Medical Therapy Unit (MTU)"). Abbreviations every answer uses, and that a parent
meets everywhere, are left as they are (intents.yaml: settings.plain_abbreviations).
"""

from __future__ import annotations

import re

from ccs_assist.knowledge.graph import KnowledgeGraph

_LABEL = re.compile(r"^(?P<before>[^()]+?)\s*\((?P<inside>[^()]+)\)$")
_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9&-]{1,7}$")


class Glossary:
    """Abbreviation -> its words, read once from the graph's labels."""

    def __init__(self, kg: KnowledgeGraph, plain: list[str]) -> None:
        self.spelled: dict[str, str] = {}
        keep = {p.upper() for p in plain}
        for node in kg.nodes():
            if node.kind == "source":
                continue
            found = _LABEL.match(node.label)
            if not found:
                continue
            before, inside = found.group("before").strip(), found.group("inside").strip()
            if _ABBREVIATION.match(inside) and not _ABBREVIATION.match(before):
                short, long = inside, before
            elif _ABBREVIATION.match(before) and not _ABBREVIATION.match(inside):
                short, long = before, inside
            else:
                continue
            if short not in keep:
                self.spelled.setdefault(short, _in_sentence(long))
        names = sorted(self.spelled, key=len, reverse=True)
        self._pattern = (
            re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b") if names else None
        )

    def spell_out(self, text: str) -> str:
        """The text with each abbreviation's first use followed by its words, unless the words
        are already there."""
        if self._pattern is None:
            return text
        done: set[str] = set()

        def expand(match: re.Match[str]) -> str:
            short = match.group(1)
            words = self.spelled[short]
            if short in done or words.lower() in text.lower():
                return short
            done.add(short)
            following = text[match.end() : match.end() + 2]
            if following.startswith(" ("):
                return short  # already explained in brackets
            return f"{short} ({words})"

        return self._pattern.sub(expand, text)


def _in_sentence(words: str) -> str:
    """'independent educational evaluation' from 'Independent educational evaluation'; a name
    ("Medical Therapy Unit", "California Department of ...") keeps its capitals."""
    rest = words.split()[1:]
    if rest and all(w.islower() or len(w) <= 3 for w in rest):
        return words[:1].lower() + words[1:]
    return words
