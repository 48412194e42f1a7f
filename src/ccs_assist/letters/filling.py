"""Filling in a letter from a checked letter file and the parent's cleaned answers: the
deadline counted from the graph's rule, the letter's text, and what to do next."""

from __future__ import annotations

from datetime import date, timedelta

from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.schema import Citation
from ccs_assist.letters.dates import format_date
from ccs_assist.letters.models import KEEP_COPY, Letter, LetterDeadline, LetterFile, LetterKind
from ccs_assist.letters.templates import fill, fill_paragraphs

__all__ = ["fill_letter"]


def fill_letter(
    kg: KnowledgeGraph,
    kind: LetterFile,
    values: dict[str, str],
    today: date,
    citations: list[Citation],
    then: LetterKind | None,
) -> Letter:
    """The letter from `values` (every field's cleaned answer, "" when not given); `then` is
    the kind the letter's 'then' names. Required fields left blank are shown as [blanks]."""
    missing = [f.name for f in kind.info.fields if not f.optional and not values[f.name]]
    shown = _shown(kind, values)
    deadline = _deadline(kg, kind, values, today)
    shown |= {
        "today": format_date(today),
        "days": str(_days(kg, kind) or ""),
        "deadline": format_date(deadline.date) if deadline else "[the deadline]",
    }
    body = fill_paragraphs(kind.body, shown, values, kind.info.fields)
    timing = fill(kind.deadline_say or kind.timing or "", shown)
    if deadline is not None:
        deadline = deadline.model_copy(update={"sentence": timing})
    return Letter(
        kind=kind.info.id,
        title=kind.info.title,
        today=today,
        text=_letter_text(kind, shown, body, today),
        body=body,
        deadline=deadline,
        timing=timing,
        laws=list(kind.info.laws),
        citations=citations,
        missing=missing,
        next_steps=_next_steps(kg, kind, shown, deadline, then),
        then=kind.info.then,
    )


def _letter_text(kind: LetterFile, shown: dict[str, str], body: str, today: date) -> str:
    """Date, sender, addressee and subject, the body, and the signature: one line a paragraph."""
    return "\n".join(
        [
            format_date(today),
            "",
            f"From: {shown['parent_name']}" if "parent_name" in shown else "From:",
            *([shown["parent_contact"]] if "parent_contact" in shown else []),
            "",
            f"To: {fill(kind.to, shown)}",
            "",
            f"Re: {fill(kind.subject, shown)}",
            "",
            body,
            "",
            KEEP_COPY,
            "",
            "Sincerely,",
            "",
            shown.get("parent_name", ""),
        ]
    )


def _days(kg: KnowledgeGraph, kind: LetterFile) -> int | None:
    rule = kind.info.deadline_rule
    return int(kg.node(rule).params["days"]) if rule else None


def _shown(kind: LetterFile, values: dict[str, str]) -> dict[str, str]:
    """Each field as the letter prints it: dates spelled out, blanks as [its label]."""
    shown: dict[str, str] = {}
    for spec in kind.info.fields:
        value = values[spec.name]
        if spec.type == "date" and value:
            value = format_date(date.fromisoformat(value))
        shown[spec.name] = value or f"[{spec.label}]"
    return shown


def _deadline(
    kg: KnowledgeGraph, kind: LetterFile, values: dict[str, str], today: date
) -> LetterDeadline | None:
    """The rule's days counted from the parent's date; None without a rule or that date.
    The sentence is filled in later, from the letter's own template."""
    rule, start_field = kind.info.deadline_rule, kind.deadline_from
    if rule is None or start_field is None or not values.get(start_field):
        return None
    params = kg.node(rule).params
    start = date.fromisoformat(values[start_field])
    days = int(params["days"])
    due = start + timedelta(days=days)
    return LetterDeadline(
        date=due,
        days=days,
        day_kind=str(params["day_kind"]) if "day_kind" in params else None,
        counted_from=start,
        counted_from_field=start_field,
        rule=rule,
        sentence="",
        passed=due < today,
    )


def _next_steps(
    kg: KnowledgeGraph,
    kind: LetterFile,
    shown: dict[str, str],
    deadline: LetterDeadline | None,
    then: LetterKind | None,
) -> list[str]:
    """A passed deadline first, then the file's steps, the graph's fallbacks, the next letter."""
    steps: list[str] = []
    if deadline is not None and deadline.passed:
        steps.append(_passed_deadline_step(kind, deadline))
    steps.extend(fill(step, shown) for step in kind.next_steps)
    fallback = _fallback_step(kg, kind, then)
    if fallback:
        steps.append(fallback)
    if then is not None:
        steps.append(f'The letter for the next step: "{then.title}".')
    steps.append("Keep a copy of the letter and of anything you get back, with the dates.")
    return steps


def _passed_deadline_step(kind: LetterFile, deadline: LetterDeadline) -> str:
    passed = f"{format_date(deadline.date)} has already passed."
    if kind.info.id.startswith("ccs"):
        return (
            f"{passed} Contact your county CCS office, the school district or Disability "
            "Rights California right away to ask what you can still do."
        )
    return f"{passed} Ask the district in writing where things stand."


def _fallback_step(kg: KnowledgeGraph, kind: LetterFile, then: LetterKind | None) -> str | None:
    """The graph's own "then what?" path from the steps this letter takes, leaving out what
    the next letter covers; None when the graph has none."""
    covered = set(then.rests_on) if then is not None else set()
    after = [
        target
        for node_id in kind.info.rests_on
        for target, _ in kg.out(node_id, "next_step")
        if target not in covered
    ]
    labels = [kg.node(target).label for target in dict.fromkeys(after)]
    if not labels:
        return None
    later = [
        label[0].lower() + label[1:] if label[1:2].islower() else label for label in labels[1:]
    ]
    return "If that does not work: " + ", or ".join([labels[0], *later]) + "."
