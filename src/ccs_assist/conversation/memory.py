"""What a conversation remembers between turns.

Memory is small and explicit: the latest entities of each kind, the last intent and its detail,
and what the parent said about the child. It lets "my son has CP" ... "does CCS cover his PT?"
... "and at school?" work, and a reset forgets all of it (a new Memory).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ccs_assist.understanding.matcher import Analysis

INCOME_WORDS = re.compile(r"\b(income|make|made|earn|earned|salary|agi)\b")


@dataclass
class Memory:
    entities: dict[str, list[str]] = field(default_factory=dict)
    subject: str | None = None
    last_intent: str | None = None
    last_detail: str | None = None
    pending: list[tuple[str, Analysis]] | None = None
    # What the parent said about the child, by eligibility-check step ("age": "7"), so the
    # check uses it instead of asking again.
    facts: dict[str, str] = field(default_factory=dict)

    def remember(self, analysis: Analysis) -> None:
        if analysis.ages:
            self.facts["age"] = f"{analysis.ages[0]:g}"
        if analysis.counties:
            self.facts["residence"] = analysis.counties[0]
        if analysis.amounts and INCOME_WORDS.search(analysis.text.lower()):
            self.facts["income"] = f"{analysis.amounts[0]}"
        conditions = [e for e in analysis.entities if e.kind == "condition"]
        if conditions:
            self.facts["condition"] = conditions[0].text
        if analysis.entities:
            longest = max(analysis.entities, key=lambda e: e.end - e.start)
            self.subject = longest.node_id
        for entity in reversed(analysis.entities):
            seen = self.entities.setdefault(entity.kind, [])
            if entity.node_id in seen:
                seen.remove(entity.node_id)
            seen.insert(0, entity.node_id)

    def tokens(self) -> set[str]:
        """The remembered entities as the `@kind` / `@id` tokens the matcher scores needs on."""
        out = {f"@{kind}" for kind, ids in self.entities.items() if ids}
        out |= {f"@{i}" for ids in self.entities.values() for i in ids}
        return out
