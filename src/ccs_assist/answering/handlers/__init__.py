"""The intent handlers, one small function per kind of question: each walks the graph and
returns a Draft of the answer, or None when the graph cannot answer and the caller falls back.
Facts, numbers and citations come from graph nodes and links; only the connecting words are
written in the handlers.

HANDLERS maps each handler name an intent may use (knowledge/catalogue.py: Handler) to its
function; answering/contract.py checks the two agree.
"""

from __future__ import annotations

from ccs_assist.answering.draft import HandlerFn
from ccs_assist.answering.handlers.conditions import condition_covered, conditions_list
from ccs_assist.answering.handlers.counties import county_list
from ccs_assist.answering.handlers.definitions import describe
from ccs_assist.answering.handlers.eligibility import age_check, income_check
from ccs_assist.answering.handlers.next_steps import how_to_step, next_step
from ccs_assist.answering.handlers.replies import decline, letter, more_detail, smalltalk
from ccs_assist.answering.handlers.services import program_covers, service_providers
from ccs_assist.answering.handlers.topic import topic
from ccs_assist.answering.handlers.unknown import unknown_subject

HANDLERS: dict[str, HandlerFn] = {
    "topic": topic,
    "describe": describe,
    "condition_covered": condition_covered,
    "conditions_list": conditions_list,
    "service_providers": service_providers,
    "program_covers": program_covers,
    "age_check": age_check,
    "income_check": income_check,
    "more_detail": more_detail,
    "next_step": next_step,
    "how_to_step": how_to_step,
    "county_list": county_list,
    "letter": letter,
    "smalltalk": smalltalk,
    "decline": decline,
}

__all__ = ["HANDLERS", "unknown_subject"]
