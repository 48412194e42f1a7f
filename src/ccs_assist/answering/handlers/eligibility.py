"""Is my child too old, is our income over the line: the number asked about against the
number in the graph's rule, with the yes or no first as the question framed it."""

from __future__ import annotations

from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.understanding.yesno import asks_yes_no, opening


def age_check(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """Is my child too old: compare the age asked about with the age limit in the graph; a
    yes/no question gets its yes or no first, as the question framed it."""
    rule = kg.node("req_age")
    limit = rule.params.get("max_age_exclusive")
    draft = Draft()
    draft.rest_on(rule.id)
    age = turn.analysis.ages[0] if turn.analysis.ages else None
    asked = turn.analysis.text
    if age is None or not isinstance(limit, int | float):
        draft.lead.append(rule.summary)
    elif age < limit:
        if asks_yes_no(asked):
            draft.opening = opening(True, asked) + "."
        draft.lead.append(
            f"At {age:g}, your child is under {limit:g}, so age does not rule CCS out. "
            f"CCS serves children until they turn {limit:g}."
        )
    else:
        if asks_yes_no(asked):
            draft.opening = opening(False, asked) + "."
        draft.lead.append(
            f"CCS serves only children under {limit:g}, so at {age:g} your child is past "
            "its age limit."
        )
        if "case_management" in kg:
            draft.lead.append(
                "Before then, your child's CCS case manager can help plan the move to adult care."
            )
            draft.rest_on("case_management")
    if rule.detail:
        draft.detail.append(rule.detail)
    return draft


def income_check(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """Over the income line: compare a stated income with the numbers in req_income."""
    rule = kg.node("req_income")
    limit = rule.params.get("agi_limit")
    share = rule.params.get("cost_share_percent")
    draft = Draft()
    draft.rest_on(rule.id)
    income = turn.analysis.amounts[0] if turn.analysis.amounts else None
    asked = turn.analysis.text
    if (
        income is None
        or not isinstance(limit, int | float)
        or not isinstance(share, int | float)
        or income == limit
    ):
        draft.lead.append(rule.summary)  # "is the limit under $40,000?" asks about the rule
    elif income <= limit:
        if asks_yes_no(asked):
            draft.opening = opening(True, asked) + "."
        draft.lead.append(
            f"At ${income:,.0f} your family is at or under the ${limit:,.0f} line, so you "
            "meet CCS's income rule."
        )
    else:
        # Over the line is not the end: the cost-of-care route remains, so "do we qualify?"
        # gets "it depends", and "are we over the limit?" gets "yes".
        if asks_yes_no(asked):
            draft.opening = "Yes." if opening(False, asked) == "Yes" else "It depends."
        draft.lead.append(
            f"${income:,.0f} is over the ${limit:,.0f} line, but your child may still "
            f"qualify. CCS also takes families whose cost of care for the CCS condition is "
            f"expected to be more than {share:g}% of their adjusted gross income. For "
            f"${income:,.0f} that is more than ${income * share / 100:,.0f} a year."
        )
    if rule.detail:
        draft.detail.append(rule.detail)
    for node_id in turn.intent.spec.answer:
        if node_id != rule.id:
            draft.lead.append(kg.node(node_id).summary)
            draft.rest_on(node_id)
    return draft
