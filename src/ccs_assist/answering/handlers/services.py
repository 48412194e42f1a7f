"""Questions about services: who gives OT, PT or speech and for what need, and what a program
covers."""

from __future__ import annotations

from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.answering.handlers.conditions import condition_note
from ccs_assist.answering.handlers.topic import topic
from ccs_assist.answering.naming import bullet, join_names, need_phrase, plain_service, short_name
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.understanding.yesno import asks_yes_no


def service_providers(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """Who gives OT / PT / speech, and for what purpose; answers for one program if named."""
    service = turn.first("service")
    if service is None:
        return topic(kg, turn)
    node = kg.node(service)
    draft = Draft()
    draft.rest_on(node.id)
    asked = _programs_asked(kg, turn)
    lines = providers(kg, service, draft, only=asked or None)
    principles: list[str] = []
    if asked and not lines:
        notes = _facts_about(kg, service, asked)
        if notes:
            for fact in notes:
                draft.show(fact)
                draft.lead.append(kg.node(fact).summary)
        else:
            names = join_names([kg.node(p).label for p in asked])
            draft.lead.append(f"My sources do not show {names} giving {node.label.lower()}.")
        lines = providers(kg, service, draft)
        if lines:
            draft.bullets_title = "Where it can come from:"
            draft.bullets.extend(lines)
    elif lines:
        name = plain_service(node)
        if asked and (len(lines) == 1 or len(asked) == 1):
            if asks_yes_no(turn.analysis.text):
                draft.opening = "Yes."
            program, _, purpose = lines[0].partition(": ")
            reason = f" {purpose}" if purpose else ""
            draft.lead.append(f"{program} can give your child {name}{reason}.")
            draft.bullets.extend(lines[1:])
            if lines[1:]:
                draft.bullets_title = "It can also come from:"
        else:
            draft.lead.append(f"Your child can get {name} from more than one place:")
            draft.bullets.extend(lines)
        principles = [
            p for p in turn.intent.spec.answer if service in {t for t, _ in kg.out(p, "applies_to")}
        ]
    else:
        draft.lead.append(node.summary)
    condition = turn.first("condition")
    if condition:
        draft.lead.extend(condition_note(kg, condition, service, draft))
    for principle in turn.intent.spec.answer:
        draft.rest_on(principle)
        if lines and principle in principles:
            draft.lead.append(kg.node(principle).summary)
    if node.detail:
        draft.detail.append(node.detail)
    return draft


def program_covers(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """What does a program cover: the services it provides, from its `provides` links."""
    programs = turn.entities.get("program") or ["ccs"]
    program = programs[0]
    provided = kg.out(program, "provides")
    if not provided:
        return None
    node = kg.node(program)
    draft = Draft(
        lead=[
            f"These are the things {short_name(kg, node)} can give or pay for. Ask me about any "
            "one of them to learn more:"
        ]
    )
    draft.rest_on(program)
    seen: set[str] = set()
    for service, data in provided:
        if service in seen:
            continue
        seen.add(service)
        draft.step(program, "provides", service, data)
        draft.bullets.append(kg.node(service).label)
        draft.detail.append(bullet(kg.node(service)))
        draft.rest_on(service)
    for node_id in turn.intent.spec.answer:
        draft.detail.append(kg.node(node_id).summary)
        draft.rest_on(node_id)
    return draft


def providers(
    kg: KnowledgeGraph, service: str, draft: Draft, only: list[str] | None = None
) -> list[str]:
    """'CCS (California Children's Services): for a medical need' for every program that
    provides the service, in short names a parent knows."""
    lines: list[str] = []
    for program, data in kg.into(service, "provides"):
        if (
            only
            and program not in only
            and not any(parent in only for parent, _ in kg.out(program, "part_of"))
        ):
            continue
        draft.step(program, "provides", service, data)
        draft.rest_on(program)
        text = short_name(kg, kg.node(program))
        purpose = data.get("purpose")
        if isinstance(purpose, str):
            text += f": for {need_phrase(kg.node(purpose))}"
            if purpose not in draft.basis:
                draft.rest_on(purpose)
                draft.detail.append(f"{kg.node(purpose).label}: {kg.node(purpose).summary}")
        lines.append(text.rstrip("."))
    return lines


def _programs_asked(kg: KnowledgeGraph, turn: Turn) -> list[str]:
    """Programs the parent named, directly or through who runs them ("the school")."""
    asked = list(turn.entities.get("program") or [])
    for org in turn.entities.get("organization") or []:
        for program, _ in kg.into(org, "administered_by"):
            if program not in asked:
                asked.append(program)
    return asked


def _facts_about(kg: KnowledgeGraph, service: str, programs: list[str]) -> list[str]:
    """Facts or principles written about both this service and one of these programs."""
    about_service = {n for n, _ in kg.into(service, "applies_to")}
    about_service |= {n for n, _ in kg.out(service, "related_to")}
    about_service |= {n for n, _ in kg.into(service, "related_to")}
    found: list[str] = []
    for program in programs:
        for node_id, _ in kg.into(program, "applies_to"):
            if kg.node(node_id).kind not in ("fact", "principle"):
                continue
            if node_id in about_service and node_id not in found:
                found.append(node_id)
    return found
