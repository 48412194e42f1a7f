"""Is Tulare a Whole Child Model county? Look a county up in the lists the intent's nodes
hold as params, and say yes, probably, or not that my sources show."""

from __future__ import annotations

import re
from datetime import date

from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.answering.handlers.topic import topic
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.understanding.yesno import asks_yes_no

# A param that lists the counties that started on one date: counties_2019_07_01.
_DATED = re.compile(r"_(\d{4})_(\d{2})_(\d{2})$")


def county_list(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """'Is Tulare a Whole Child Model county?': look the county up in the lists the intent's
    nodes hold as params (comma-separated names), and say yes, probably or not that I know.
    Without a county, the answer lists them."""
    spec = turn.intent.spec
    counties = turn.analysis.counties
    if not counties or not asks_yes_no(turn.analysis.text):
        return _all_counties(kg, turn)
    county = counties[0]
    name = f"{county.title()} County"
    for node_id in [*spec.answer, *spec.also]:
        node = kg.node(node_id)
        for key, value in sorted(node.params.items(), key=lambda kv: not _DATED.search(kv[0])):
            if not isinstance(value, str) or county not in _names(value):
                continue
            draft = Draft(opening="Probably." if node.uncertain else "Yes.")
            draft.show(node.id)
            draft.lead.append(f"{name} is on the list in my sources: {node.label}.")
            started = _start_date(key, node.params.get("start_date"))
            if started:
                draft.lead.append(f"It started there on {started}.")
            draft.lead.append(node.summary)
            return draft
    draft = Draft(opening="Not that my sources show.")
    for node_id in [*spec.answer, *spec.also]:
        draft.show(node_id)
    draft.lead.append(
        f"{name} is not on the county lists I have. Lists can change, so ask your county CCS "
        "office to be sure."
    )
    draft.referrals.append("county_ccs_office")
    return draft


def _all_counties(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """The topic's answer, with every dated county list as a bullet."""
    draft = topic(kg, turn)
    for node_id in turn.intent.spec.answer:
        params = kg.node(node_id).params
        for key, value in params.items():
            started = _start_date(key, None)
            if draft is not None and started and isinstance(value, str):
                draft.bullets_title = "Here are the counties, by the date each one started:"
                draft.bullets.append(f"{started}: {value}")
    return draft


def _start_date(key: str, start: object) -> str | None:
    """'July 1, 2019' from a param named like counties_2019_07_01, or from a start_date."""
    found = _DATED.search(key) or _DATED.search("_" + str(start or "").replace("-", "_"))
    if not found:
        return None
    day = date(*(int(part) for part in found.groups()))
    return f"{day:%B} {day.day}, {day.year}"


def _names(listed: str) -> list[str]:
    return [" ".join(part.lower().split()) for part in listed.split(",")]
