"""One small function per kind of question: walk the graph, return a Draft of the answer.

Facts, numbers and citations come from graph nodes and links; only the connecting words are
written here. A handler returns None when the graph cannot answer, and the caller falls back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ccs_assist.knowledge.catalogue import Intent
from ccs_assist.knowledge.graph import KnowledgeGraph, Node
from ccs_assist.knowledge.schema import Answer, Basis, Citation, Referral, Step
from ccs_assist.understanding.grounding import question_type
from ccs_assist.understanding.matcher import Analysis
from ccs_assist.understanding.yesno import asks_yes_no, opening

PARENTHESES = re.compile(r"\s*\(([^)]*)\)")
MAX_LISTED = 25  # a list longer than this is no longer an answer a parent can read
SHOWN_LIST = 8  # items of a list in the short answer; the rest are detail
# Named in most questions, so never the thing a "what is" question is about when another is.
HUBS = frozenset({"ccs"})
UNCERTAIN_NOTE = (
    "Part of this is not fully confirmed in the sources we checked; please confirm it with the "
    "office named below before you rely on it."
)


@dataclass
class Draft:
    """An answer being built: text parts plus the graph walk behind them."""

    lead: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    walk: list[Step] = field(default_factory=list)
    edge_sources: list[str] = field(default_factory=list)
    referrals: list[str] = field(default_factory=list)
    fallback: bool = False
    substantive: bool = True
    bullets_title: str = ""
    shown: list[str] = field(default_factory=list)
    # "Yes.", "No.", "It depends.": always the first words of the answer.
    opening: str = ""

    def show(self, *node_ids: str) -> None:
        """Nodes whose own words are in the short answer; their doubts must be voiced."""
        self.shown.extend(node_ids)
        self.rest_on(*node_ids)

    def rest_on(self, *node_ids: str) -> None:
        for node_id in node_ids:
            if node_id not in self.basis:
                self.basis.append(node_id)

    def step(self, source: str, edge_type: str, target: str, data: dict[str, object]) -> None:
        self.walk.append(Step(source=source, type=edge_type, target=target))
        if isinstance(data.get("source"), str):
            self.edge_sources.append(str(data["source"]))


@dataclass
class Turn:
    """What a handler knows: the question, the entities (question first, then memory)."""

    analysis: Analysis
    entities: dict[str, list[str]]
    intent: Intent
    last_detail: str | None = None
    # The nodes the previous answer rested on, for "then what?" and "how do I do that?".
    last_basis: list[str] = field(default_factory=list)


HandlerFn = Callable[[KnowledgeGraph, Turn], Draft | None]


def first(turn: Turn, kind: str) -> str | None:
    found = turn.entities.get(kind) or []
    return found[0] if found else None


# ---- handlers ------------------------------------------------------------------------------


def topic(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """Answer from the nodes the intent names: summaries first, details on request."""
    spec = turn.intent.spec
    if not spec.answer:
        return None
    draft = Draft()
    first_words = turn.intent.opening(turn.analysis.tokens) if spec.yes_no else None
    if first_words and asks_yes_no(turn.analysis.text):
        draft.opening = first_words
    if spec.lead:
        draft.lead.append(spec.lead)
    main = [kg.node(n) for n in spec.answer]
    for node in main:
        draft.show(node.id)
        if node.kind == "action":
            # A step is its label ("Ask in writing for a school OT or PT assessment"); how
            # to do it is detail, shown on request.
            draft.bullets_title = draft.bullets_title or "What you can do:"
            draft.bullets.append(node.label)
            draft.detail.append(_bullet(node))
        elif spec.lead and len(main) > 2 and node.kind == "requirement":
            draft.bullets.append(node.summary)  # a list of rules reads best as a list
        else:
            draft.lead.append(node.summary)
        if node.detail:
            draft.detail.append(node.detail)
    if not draft.lead and draft.bullets:
        first_action = main[0]
        draft.lead.append(first_action.summary)
        draft.bullets.pop(0)
        draft.detail.remove(_bullet(first_action))
    named = [n for n in turn.analysis.ids() if n in spec.also]
    named = named if len(named) == 1 else []  # two named: a comparison the answer makes
    for node_id in spec.also:
        node = kg.node(node_id)
        if node_id in named:
            # The question names this node itself: say what it is, first if it asks what.
            asks_what = question_type(" ".join(turn.analysis.words)) == "what"
            draft.lead.insert(0 if asks_what else len(draft.lead), node.summary)
            draft.show(node_id)
            continue
        draft.rest_on(node_id)
        draft.detail.append(f"{node.label}: {node.summary}")
    _actions_from_principles(kg, draft, main)
    return draft


def describe(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """What is X: the node's own summary, plus the one link a parent most needs next."""
    target = _most_specific(turn)
    if target is None:
        return None
    node = kg.node(target)
    if node.kind == "condition":
        return condition_covered(kg, turn)
    draft = Draft(lead=[node.summary])
    draft.show(node.id)
    if node.detail:
        draft.detail.append(node.detail)
    if node.kind == "program":
        for org, data in kg.out(node.id, "administered_by")[:2]:
            draft.step(node.id, "administered_by", org, data)
            draft.detail.append(f"Run by: {kg.node(org).label}.")
    if node.kind == "service":
        providers = _providers(kg, node.id, draft)
        if providers:
            draft.detail.append("Who gives it: " + "; ".join(providers) + ".")
    if node.kind == "organization" and node.contact:
        contact = ", ".join(v for v in node.contact.values() if v)
        if contact:
            draft.detail.append(f"Contact: {contact}.")
    return draft


def condition_covered(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """Is condition X covered: its CCS group, MTP coverage, and who decides."""
    condition = first(turn, "condition")
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
        names.append(_short_name(kg, kg.node(program)))
    if not names:
        return None
    group_text = f" It is in the group '{kg.node(groups[0]).label}'." if groups else ""
    # Being on the list is not a promise: the county applies CCS's medical rules, so a yes/no
    # question gets "it can be", never a bare "yes".
    if asks_yes_no(turn.analysis.text):
        draft.opening = "It can be."
    draft.lead.append(
        f"{node.label} is on the list of conditions {_join(names)} can cover.{group_text} "
        "The county CCS office decides if your child meets CCS's medical rules."
    )
    draft.lead.append(_without_name(node))
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
    condition = first(turn, "condition")
    if condition:
        note = _condition_note(kg, condition, None, draft, programs={program})
        draft.lead[:0] = note or [
            f"{kg.node(condition).label} is not among the examples my sources list for "
            f"{kg.node(program).label}; the county CCS program decides."
        ]
        draft.rest_on(condition)
    label = _short_name(kg, kg.node(program))
    if program == "ccs":
        draft.bullets_title = f"Some groups of conditions {label} can cover:"
    else:
        draft.bullets_title = f"Conditions the {label} often serves:"
    for index, node in enumerate(listed[:MAX_LISTED]):
        example = f" (for example {', '.join(node.examples[:2])})" if node.examples else ""
        if index < SHOWN_LIST:
            draft.bullets.append(f"{node.label}{example}")
        else:  # the rest of the list is detail; the short answer stays readable
            draft.detail.append(f"{node.label}{example}")
        draft.step(node.id, "covered_by", program, {})
        draft.rest_on(node.id)
    if len(listed) > SHOWN_LIST:
        draft.bullets.append(
            f"{len(listed) - SHOWN_LIST} more (say 'tell me more'), or ask about one"
        )
    return draft


def service_providers(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """Who gives OT / PT / speech, and for what purpose; answers for one program if named."""
    service = first(turn, "service")
    if service is None:
        return topic(kg, turn)
    node = kg.node(service)
    draft = Draft()
    draft.rest_on(node.id)
    asked = _programs_asked(kg, turn)
    lines = _providers(kg, service, draft, only=asked or None)
    principles: list[str] = []
    if asked and not lines:
        notes = _facts_about(kg, service, asked)
        if notes:
            for fact in notes:
                draft.show(fact)
                draft.lead.append(kg.node(fact).summary)
        else:
            names = _join([kg.node(p).label for p in asked])
            draft.lead.append(f"My sources do not show {names} giving {node.label.lower()}.")
        lines = _providers(kg, service, draft)
        if lines:
            draft.bullets_title = "Where it can come from:"
            draft.bullets.extend(lines)
    elif lines:
        name = _plain_service(node)
        if asked and (len(lines) == 1 or len(asked) == 1):
            if asks_yes_no(turn.analysis.text):
                draft.opening = "Yes."
            program, _, purpose = lines[0].partition(": ")
            reason = f" {purpose}" if purpose else ""
            draft.lead.append(f"{program} can give {name}{reason}.")
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
    condition = first(turn, "condition")
    if condition:
        draft.lead.extend(_condition_note(kg, condition, service, draft))
    for principle in turn.intent.spec.answer:
        draft.rest_on(principle)
        if lines and principle in principles:
            draft.lead.append(kg.node(principle).summary)
    if node.detail:
        draft.detail.append(node.detail)
    return draft


def _plain_service(node: Node) -> str:
    """'physical therapy' from 'Physical therapy (PT)', as it reads inside a sentence."""
    name = PARENTHESES.sub("", node.label).strip()
    return name[:1].lower() + name[1:] if not name[:2].isupper() else name


def _condition_note(
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
                    f"{_short_name(kg, kg.node(program))} can serve."
                )
    return notes[:1]


def program_covers(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """What does a program cover: the services it provides, from its `provides` links."""
    programs = turn.entities.get("program") or ["ccs"]
    program = programs[0]
    provided = kg.out(program, "provides")
    if not provided:
        return None
    node = kg.node(program)
    draft = Draft(lead=[f"{_short_name(kg, node)} can give or pay for these:"])
    draft.rest_on(program)
    seen: set[str] = set()
    for service, data in provided:
        if service in seen:
            continue
        seen.add(service)
        draft.step(program, "provides", service, data)
        draft.bullets.append(kg.node(service).label)
        draft.detail.append(_bullet(kg.node(service)))
        draft.rest_on(service)
    for node_id in turn.intent.spec.answer:
        draft.detail.append(kg.node(node_id).summary)
        draft.rest_on(node_id)
    return draft


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
            f"qualify: CCS also takes families whose cost of care for the CCS condition is "
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


SUBJECT_KINDS = frozenset({"condition", "service", "term", "purpose", "requirement"})


def unknown_subject(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """For intents marked strict: a question about something the graph does not hold
    ("does CCS cover asthma?") gets an honest "I don't know" naming it, not a nearby answer."""
    if not turn.analysis.unknown:
        return None
    if any(e.kind in SUBJECT_KINDS for e in turn.analysis.entities):
        return None
    names = ", ".join(f'"{w}"' for w in _unknown_phrases(turn.analysis)[:3])
    draft = Draft(fallback=True, referrals=["county_ccs_office", "school_district", "drc"])
    if turn.intent.spec.handler in ("condition_covered", "program_covers"):
        draft.lead.append(
            f"I don't have {names} in my list of CCS conditions and services, so I can't say "
            "whether CCS covers it."
        )
        for node_id in ("req_medical_condition", *turn.intent.spec.answer):
            if node_id in kg:
                draft.lead.append(kg.node(node_id).summary)
                draft.rest_on(node_id)
    else:
        draft.lead.append(
            f"I don't have information about {names} in my sources, so I can't answer that "
            "reliably."
        )
    return draft


_GLUE = frozenset(
    {
        "the",
        "a",
        "an",
        "my",
        "his",
        "her",
        "has",
        "have",
        "with",
        "is",
        "of",
        "for",
        "about",
        "does",
        "do",
        "cover",
        "covers",
        "and",
        "or",
        "to",
        "in",
    }
)


def _unknown_phrases(analysis: Analysis) -> list[str]:
    """Unknown words with the word before them when it is part of the name ("down syndrome")."""
    out: list[str] = []
    for index, word in enumerate(analysis.words):
        if word not in analysis.unknown:
            continue
        before = analysis.words[index - 1] if index else ""
        joined = before.isalpha() and before not in _GLUE and before not in analysis.unknown
        phrase = f"{before} {word}" if joined else word
        if phrase not in out:
            out.append(phrase)
    return out


def more_detail(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    if not turn.last_detail:
        return Draft(
            lead=["Ask me a question first, then say 'tell me more' for the details."],
            substantive=False,
        )
    return Draft(lead=[turn.last_detail], substantive=False)


def next_step(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """'What if they still say no?': the steps that follow the last answer's steps on the
    graph's paths (next_step links), or an honest 'that was the last step I know'."""
    done = [n for n in turn.last_basis if n in kg and kg.node(n).kind == "action"]
    if not done:
        return Draft(
            lead=[
                "Tell me a bit more about what happened, and I can say what to do next. For "
                "example: 'the school said no to OT' or 'CCS cut his PT'."
            ],
            substantive=False,
        )
    ahead: list[str] = []
    for action in done:
        for target, _ in kg.out(action, "next_step"):
            if target not in turn.last_basis and target not in ahead:
                ahead.append(target)
    if not ahead:
        helpers = [h for h in ("drc", "county_ccs_office") if h in kg]
        names = _join([kg.node(h).label for h in helpers])
        draft = Draft(
            lead=[f"Those are all the steps I know of. For help with your own case, ask {names}."],
            referrals=helpers,
        )
        draft.rest_on(done[-1], *helpers)
        return draft
    first_step = kg.node(ahead[0])
    draft = Draft(opening="If that does not work, the next step is:")
    draft.lead.append(f"{first_step.label}. {first_step.summary}")
    draft.show(first_step.id)
    for action in done:
        for target, data in kg.out(action, "next_step"):
            if target in ahead:
                draft.step(action, "next_step", target, data)
    if first_step.detail:
        draft.detail.append(first_step.detail)
    for later in ahead[1:]:
        draft.bullets_title = "Or:"
        draft.bullets.append(kg.node(later).label)
        draft.rest_on(later)
        draft.detail.append(_bullet(kg.node(later)))
    return draft


_DATED = re.compile(r"_(\d{4})_(\d{2})_(\d{2})$")


def county_list(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """'Is Tulare a Whole Child Model county?': look the county up in the lists the intent's
    nodes hold as params (comma-separated names), and say yes, probably or not that I know.
    Without a county, the answer lists them."""
    spec = turn.intent.spec
    counties = turn.analysis.counties
    if not counties or not asks_yes_no(turn.analysis.text):
        draft = topic(kg, turn)
        for node_id in spec.answer:
            params = kg.node(node_id).params
            for key, value in params.items():
                started = _start_date(key, None)
                if draft is not None and started and isinstance(value, str):
                    draft.bullets_title = "The counties, by the date they started:"
                    draft.bullets.append(f"{started}: {value}")
        return draft
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


def _start_date(key: str, start: object) -> str | None:
    """'July 1, 2019' from a param named like counties_2019_07_01, or from a start_date."""
    found = _DATED.search(key) or _DATED.search("_" + str(start or "").replace("-", "_"))
    if not found:
        return None
    day = date(*(int(part) for part in found.groups()))
    return f"{day:%B} {day.day}, {day.year}"


def _names(listed: str) -> list[str]:
    return [" ".join(part.lower().split()) for part in listed.split(",")]


def how_to_step(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """'How do I ask for that?': how to do the first step the last answer suggested, from
    that step's own summary and detail."""
    steps = [n for n in turn.last_basis if n in kg and kg.node(n).kind == "action"]
    if not steps:
        return next_step(kg, turn)  # nothing suggested yet: ask what happened
    step = kg.node(steps[0])
    draft = Draft()
    draft.show(step.id)
    draft.lead.append(f"To {step.label[:1].lower()}{step.label[1:]}: {step.summary}")
    if step.detail:
        draft.lead.append(step.detail)
    return draft


def letter(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    """The letter interview is the conversation's to run (dialogue.py); reaching this handler
    means no letters are installed."""
    return None


def smalltalk(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    spec = turn.intent.spec
    return Draft(lead=[spec.lead or spec.title], substantive=False)


def decline(kg: KnowledgeGraph, turn: Turn) -> Draft | None:
    return Draft(fallback=True, substantive=False)


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


# ---- helpers -------------------------------------------------------------------------------


def _bullet(node: Node) -> str:
    return f"{node.label}: {node.summary}" if node.summary else node.label


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _most_specific(turn: Turn) -> str | None:
    """The entity a 'what is' question is about: the first one named after the last question
    word ("my IEP says DIS, what is DIS" -> DIS), else the longest name in the question."""
    words = turn.analysis.words
    named = [e for e in turn.analysis.entities if e.node_id not in HUBS] or turn.analysis.entities
    asks = [i for i, w in enumerate(words) if w in ("what", "define", "mean", "meaning")]
    if asks:
        after = [e for e in named if e.start > asks[-1]]
        if after:
            return min(after, key=lambda e: e.start).node_id
    entities = sorted(named, key=lambda e: e.end - e.start, reverse=True)
    if entities:
        return entities[0].node_id
    for kind in ("service", "program", "condition", "term", "organization"):
        if turn.entities.get(kind):
            return turn.entities[kind][0]
    return None


def _programs_asked(kg: KnowledgeGraph, turn: Turn) -> list[str]:
    """Programs the parent named, directly or through who runs them ("the school")."""
    asked = list(turn.entities.get("program") or [])
    for org in turn.entities.get("organization") or []:
        for program, _ in kg.into(org, "administered_by"):
            if program not in asked:
                asked.append(program)
    return asked


def _providers(
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
        text = _short_name(kg, kg.node(program))
        purpose = data.get("purpose")
        if isinstance(purpose, str):
            text += f": for {_need(kg.node(purpose))}"
            if purpose not in draft.basis:
                draft.rest_on(purpose)
                draft.detail.append(f"{kg.node(purpose).label}: {kg.node(purpose).summary}")
        lines.append(text.rstrip("."))
    return lines


def _drop_yes_no(text: str) -> str:
    text = re.sub(r"^(yes|no)\b[,.]?\s*", "", text, flags=re.I)
    return text[:1].upper() + text[1:]


def _without_name(node: Node) -> str:
    """A summary that opens with the node's name, said again as 'It' after the name was just
    said ("Spina bifida is ..." -> "It is ...")."""
    name = PARENTHESES.sub("", node.label).strip()
    if node.summary.lower().startswith(name.lower() + " "):
        return "It" + node.summary[len(name) :]
    return node.summary


def _short_name(kg: KnowledgeGraph, node: Node) -> str:
    """The name parents use: the label's abbreviation in brackets ("CCS"); for a program
    without one, who runs it and the plan's short name ("School district (IEP)")."""
    found = PARENTHESES.search(node.label)
    if found:
        return found.group(1)
    runners = [kg.node(o).label for o, _ in kg.out(node.id, "administered_by")]
    short = next((a for a in node.aliases if a.isupper()), None)
    if runners and short:
        return f"{PARENTHESES.sub('', runners[0]).strip()} ({short})"
    return node.label


def _need(purpose: Node) -> str:
    """'a medical need': the purpose's own alias that says need, else its label."""
    said = next((a for a in purpose.aliases if a.lower().endswith("need")), purpose.label)
    article = "an" if said[:1].lower() in "aeiou" else "a"
    return f"{article} {said.lower()}"


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


def _actions_from_principles(kg: KnowledgeGraph, draft: Draft, nodes: list[Node]) -> None:
    """Principles point at the actions they support; offer those as next steps in detail."""
    actions: list[str] = []
    for node in nodes:
        if node.kind != "principle":
            continue
        for action, data in kg.out(node.id, "supports"):
            draft.step(node.id, "supports", action, data)
            if action not in actions and action not in draft.basis:
                actions.append(action)
    if actions:
        draft.detail.append(
            "Steps that follow from this: " + "; ".join(kg.node(a).label for a in actions[:5]) + "."
        )


# ---- finishing -----------------------------------------------------------------------------


def finish(
    kg: KnowledgeGraph,
    draft: Draft,
    *,
    question: str,
    intent: str | None,
    confidence: float,
    entities: dict[str, list[str]],
    follow_ups: list[str],
    default_referrals: list[str],
) -> Answer:
    """Turn a Draft into the Answer contract: text, citations taken from the graph, the walk."""
    shown, more = choose_sources(kg, draft.basis, draft.edge_sources)
    uncertain = any(kg.node(n).uncertain for n in draft.shown)
    lead = [p.strip() for p in draft.lead if p.strip()]
    sentences = split_sentences(" ".join(lead))
    short = draft.substantive and not draft.fallback and intent != "screener"
    if short and len(sentences) > SHORT_SENTENCES:
        # The short answer stays short; what does not fit opens the details.
        draft.detail.insert(0, " ".join(sentences[SHORT_SENTENCES:]))
        lead = sentences[:SHORT_SENTENCES]
    if draft.opening:
        # The opening answers yes or no; a summary that starts with its own "Yes," would
        # answer twice, and perhaps the other way.
        lead = [_drop_yes_no(part) for part in lead]
    text = " ".join([draft.opening, *lead] if draft.opening else lead)
    if draft.bullets:
        title = f"\n{draft.bullets_title}" if draft.bullets_title else ""
        text += title + "\n" + "\n".join(f"- {b}" for b in draft.bullets)
    if uncertain:
        text += "\n" + UNCERTAIN_NOTE
    referral_ids = draft.referrals or (default_referrals if draft.fallback or uncertain else [])
    referrals = [_referral(kg.node(r)) for r in referral_ids if r in kg]
    if draft.fallback and not text:
        text = (
            "Sorry, I can't answer that one. I only know about CCS, its therapy program at "
            "school, and your child's IEP."
        )
    if draft.fallback and referrals:
        text += "\nFor help, you can ask: " + "; ".join(_referral_text(r) for r in referrals) + "."
    nodes: list[str] = []
    for node_id in [*draft.basis, *(s.target for s in draft.walk)]:
        if node_id not in nodes:
            nodes.append(node_id)
    return Answer(
        question=question,
        intent=None if draft.fallback else intent,
        confidence=0.0 if draft.fallback else confidence,
        answer=text.strip(),
        detail="\n\n".join(d for d in draft.detail if d) or None,
        citations=shown if draft.substantive or draft.fallback else [],
        more_citations=more if draft.substantive or draft.fallback else [],
        basis=[Basis(id=n, kind=kg.node(n).kind, label=kg.node(n).label) for n in draft.basis],
        nodes=nodes,
        walk=draft.walk,
        entities=entities,
        fallback=draft.fallback,
        follow_ups=follow_ups,
        referrals=referrals,
        uncertain=uncertain,
    )


# The short answer: the yes/no opening, then at most five sentences; the rest is detail.
SHORT_SENTENCES = 5
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s]


# Primary law first, then what agencies say, then guides; background articles last.
SOURCE_RANK = {"statute": 0, "regulation": 0, "case": 1, "agency_page": 2, "publication": 3}
SHOWN_SOURCES = 3


def choose_sources(
    kg: KnowledgeGraph, basis: list[str], edge_sources: list[str]
) -> tuple[list[Citation], list[Citation]]:
    """The one to three sources to show and the rest. Each node the answer rests on, in
    order, gives its most specific source until three are chosen; those are shown most
    specific first."""
    per_node = [
        sorted(kg.sources_of(n), key=lambda s: SOURCE_RANK.get(kg.node(s).source_type or "", 9))
        for n in basis
    ]
    per_node.append([s for s in edge_sources if s in kg])
    chosen: list[str] = []
    depth = 0
    while len(chosen) < SHOWN_SOURCES and any(depth < len(ids) for ids in per_node):
        for ids in per_node:
            if depth < len(ids) and ids[depth] not in chosen and len(chosen) < SHOWN_SOURCES:
                chosen.append(ids[depth])
        depth += 1
    rank = {s: SOURCE_RANK.get(kg.node(s).source_type or "", 9) for s in chosen}
    chosen.sort(key=lambda s: rank[s])
    rest = list(dict.fromkeys(s for ids in per_node for s in ids if s not in chosen))
    return [_citation(kg, s) for s in chosen], [_citation(kg, s) for s in rest]


def _citation(kg: KnowledgeGraph, source_id: str) -> Citation:
    citation = kg.citation(source_id)
    citation.what = source_kind(citation)
    if citation.type == "seed":
        citation.section = None  # where this project keeps its copy: no use to a parent
    return citation


def source_kind(citation: Citation) -> str:
    """What a source is, in a parent's words."""
    text = f"{citation.title} {citation.section or ''}"
    where = "Federal" if ("CFR" in text or "U.S.C" in text) else "California"
    return {
        "statute": f"{where} law",
        "regulation": f"{where} regulation",
        "case": "Court decision",
        "agency_page": "Government agency page",
        "publication": "Guide or report",
        "seed": "Background article",
    }.get(citation.type or "", "Source")


def _referral(node: Node) -> Referral:
    return Referral(id=node.id, name=node.label, phone=node.contact.get("phone"), url=node.url)


def _referral_text(referral: Referral) -> str:
    """The office and its phone; the web address stays in the referral for links."""
    return f"{referral.name} ({referral.phone})" if referral.phone else referral.name
