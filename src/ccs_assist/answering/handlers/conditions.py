"""Questions about conditions: is this condition covered, and which conditions count."""

from __future__ import annotations

from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.answering.handlers.topic import topic
from ccs_assist.answering.naming import join_names, short_name, without_name
from ccs_assist.knowledge.graph import KnowledgeGraph, Node
from ccs_assist.understanding.yesno import asks_yes_no

MAX_LISTED = 25  # a list longer than this is no longer an answer a parent can read
SHOWN_LIST = 8  # items of a list in the short answer; the rest are detail


def condition_covered(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """Is condition X covered: its CCS group, MTP coverage, and who decides."""
    condition = turn.first("condition")
    rule = "req_medical_condition" if "req_medical_condition" in kg else None
    if condition is None:
        draft = Draft(fallback=True, referrals=["county_ccs_office"])
        draft.lead.append(
            "I could not find that condition in my list of CCS condition groups, so I can't say "
            "whether it is covered."
        )
        if rule:
            draft.lead.append(kg.node(rule).summary)
            draft.rest_on(rule)
        return draft
    node = kg.node(condition)
    draft = Draft()
    draft.show(node.id)
    groups = [g for g, _ in kg.out(node.id, "part_of")]
    names = _covering_programs(kg, node, groups, draft)
    if not names:
        return None
    group_text = f" It is in the group called '{kg.node(groups[0]).label}'." if groups else ""
    # Being on the list is not a promise: the county applies CCS's medical rules, so a yes/no
    # question gets "it can be", never a bare "yes".
    if asks_yes_no(turn.analysis.text):
        draft.opening = "It can be."
    draft.lead.append(
        f"{node.label} is on the list of conditions {join_names(names)} can cover.{group_text} "
        "The county CCS office decides if your child meets the medical rules."
    )
    draft.lead.append(without_name(node))
    if rule:
        draft.detail.append(kg.node(rule).summary)
        draft.rest_on(rule)
    if node.detail:
        draft.detail.append(node.detail)
    for group in groups:
        if kg.node(group).summary:
            draft.detail.append(kg.node(group).summary)
    draft.referrals.append("county_ccs_office")
    return draft


def _covering_programs(
    kg: KnowledgeGraph, node: Node, groups: list[str], draft: Draft
) -> list[str]:
    """Short names of the programs that cover the condition, directly or through its groups,
    each walked once from where the link is."""
    programs = [(p, d) for p, d in kg.out(node.id, "covered_by")]
    for group in groups:
        draft.step(node.id, "part_of", group, {})
        programs += [(p, d) for p, d in kg.out(group, "covered_by")]
        draft.rest_on(group)
    seen: set[str] = set()
    names: list[str] = []
    for program, data in programs:
        if program in seen:
            continue
        seen.add(program)
        origin = node.id if (program, data) in kg.out(node.id, "covered_by") else groups[0]
        draft.step(origin, "covered_by", program, data)
        names.append(short_name(kg, kg.node(program)))
    return names


def conditions_list(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """Which conditions count: CCS's condition groups with examples, or the conditions the
    Medical Therapy Program serves; says where a remembered condition stands."""
    program = "mtp" if "mtp" in (turn.entities.get("program") or []) else "ccs"
    listed: list[Node] = []
    for condition_id, _ in kg.into(program, "covered_by"):
        node = kg.node(condition_id)
        if (node.examples or program != "ccs") and node not in listed:
            listed.append(node)
    if not listed:
        return None
    draft = topic(kg, turn) or Draft()
    condition = turn.first("condition")
    if condition:
        note = condition_note(kg, condition, None, draft, programs={program})
        draft.lead[:0] = note or [
            f"{kg.node(condition).label} is not among the examples my sources list for "
            f"{kg.node(program).label}; the county CCS program decides."
        ]
        draft.rest_on(condition)
    label = short_name(kg, kg.node(program))
    if program == "ccs":
        draft.bullets_title = f"Here are some groups of conditions {label} can cover:"
    else:
        draft.bullets_title = f"Here are some of the conditions the {label} often serves:"
    for index, node in enumerate(listed[:MAX_LISTED]):
        example = f" (such as {', '.join(node.examples[:2])})" if node.examples else ""
        if index < SHOWN_LIST:
            draft.bullets.append(f"{node.label}{example}")
        else:  # the rest of the list is detail; the short answer stays readable
            draft.detail.append(f"{node.label}{example}")
        draft.step(node.id, "covered_by", program, {})
        draft.rest_on(node.id)
    if len(listed) > SHOWN_LIST:
        draft.bullets.append(
            f"And {len(listed) - SHOWN_LIST} more. Say 'tell me more' to see them, or ask me about "
            "one."
        )
    return draft


def condition_note(
    kg: KnowledgeGraph,
    condition: str,
    service: str | None,
    draft: Draft,
    programs: set[str] | None = None,
) -> list[str]:
    """'Cerebral palsy is one of the conditions the MTP serves': ties a remembered condition to
    the programs that give this service (or to the programs named)."""
    groups = [condition] + [g for g, _ in kg.out(condition, "part_of")]
    if programs is None:
        programs = {p for p, _ in kg.into(service, "provides")} - {"ccs"} if service else set()
    notes: list[str] = []
    for group in groups:
        for program, data in kg.out(group, "covered_by"):
            if program in programs:
                draft.step(group, "covered_by", program, data)
                notes.append(
                    f"{kg.node(condition).label} is one of the conditions the "
                    f"{short_name(kg, kg.node(program))} can serve."
                )
    return notes[:1]
