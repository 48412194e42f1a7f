"""What the Python code relies on in graph/: the contract between code and data, in one table.

The answer code names some nodes, params and intents directly ("req_age" and its
`max_age_exclusive`, the "what_is" intent, ...). If an editor renames one, the code would fail
with a KeyError in the middle of a parent's question. Instead `ccs-assist check` and every
`Assistant` start compare the loaded graph with this table and refuse with a GraphError naming
file and line.

To rely on a new id, add one line here, next to the code that uses it:

    REQUIRED_NODES: NodeNeed("req_age", "requirement", {"max_age_exclusive": NUMBER}),
    REQUIRED_INTENTS: IntentNeed("what_is", "describe"),     # handler None: any handler

Handler names need no entry: `check_handlers` compares catalogue.Handler with the handlers'
HANDLERS (a handler that dialogue.py runs itself goes in SPECIAL_HANDLERS).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from ccs_assist.errors import Problem, display_path

if TYPE_CHECKING:
    from ccs_assist.knowledge.catalogue import Catalogue
    from ccs_assist.knowledge.graph import KnowledgeGraph

# Param types: what a value must be. bool is never a number here, though Python says it is.
NUMBER = "number"
TEXT = "text"
ParamType = str


@dataclass(frozen=True)
class NodeNeed:
    """A node the code reads by id: its kind and the params (name -> NUMBER or TEXT) it reads."""

    id: str
    kind: str
    params: Mapping[str, ParamType] = field(default_factory=dict)
    used_by: str = ""


@dataclass(frozen=True)
class IntentNeed:
    """An intent the code looks up by id, and the handler that code expects it to have."""

    id: str
    handler: str | None = None
    used_by: str = ""


REQUIRED_NODES: tuple[NodeNeed, ...] = (
    NodeNeed("ccs", "program", used_by="definitions.HUBS, conditions.conditions_list, decide"),
    NodeNeed("mtp", "program", used_by="conditions.conditions_list, screener"),
    NodeNeed(
        "req_age", "requirement", {"max_age_exclusive": NUMBER}, "eligibility.age_check, screener"
    ),
    NodeNeed("req_residence", "requirement", used_by="screener"),
    NodeNeed(
        "req_income",
        "requirement",
        {"agi_limit": NUMBER, "cost_share_percent": NUMBER},
        "eligibility.income_check, screener",
    ),
    NodeNeed("req_medical_condition", "requirement", used_by="conditions, unknown, screener"),
    NodeNeed(
        "county_ccs_office",
        "organization",
        used_by="referrals in conditions, counties, next_steps, unknown; dialogue",
    ),
    NodeNeed("school_district", "organization", used_by="referrals in unknown"),
    NodeNeed("drc", "organization", used_by="referrals in next_steps, unknown"),
    NodeNeed("case_management", "service", used_by="eligibility.age_check"),
)

REQUIRED_INTENTS: tuple[IntentNeed, ...] = (
    IntentNeed("what_is", "describe", "decide (a bare name is 'what is')"),
    IntentNeed("help", None, "dialogue (/help and 'help me')"),
    IntentNeed("next_step", "next_step", "dialogue ('what if they still say no?')"),
)


# Handlers in catalogue.Handler that dialogue.py runs itself, with no function in HANDLERS.
SPECIAL_HANDLERS: Mapping[str, str] = {"screener": "dialogue starts the eligibility check"}


def _is(value: Any, kind: ParamType) -> bool:
    if kind == NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str) and bool(value.strip())


def check_graph(kg: KnowledgeGraph) -> list[Problem]:
    """Every required node that is missing, of the wrong kind, or lacks a param of its type."""
    problems: list[Problem] = []
    folder = display_path(kg.directory)
    for need in REQUIRED_NODES:
        if need.id not in kg:
            problems.append(
                Problem(
                    folder,
                    0,
                    f"node '{need.id}' ({need.kind}) is missing; the code relies on it "
                    f"({need.used_by or 'see contract.py'})",
                )
            )
            continue
        node = kg.node(need.id)
        where = (node.file or folder, node.line)
        if node.kind != need.kind:
            problems.append(
                Problem(*where, f"node '{need.id}' must be a {need.kind}, not a {node.kind}")
            )
        for name, kind in need.params.items():
            if name not in node.params:
                problems.append(Problem(*where, f"node '{need.id}' needs param '{name}' ({kind})"))
            elif not _is(node.params[name], kind):
                problems.append(
                    Problem(
                        *where,
                        f"node '{need.id}': param '{name}' must be a {kind}, "
                        f"not {node.params[name]!r:.40}",
                    )
                )
    return problems


def check_catalogue(catalogue: Catalogue, path: Path) -> list[Problem]:
    """Every required intent that is missing or has another handler than the code expects."""
    problems: list[Problem] = []
    name = display_path(path)
    for need in REQUIRED_INTENTS:
        intent = catalogue.intents.get(need.id)
        if intent is None or intent.spec.implicit:
            problems.append(
                Problem(
                    name,
                    0,
                    f"intent '{need.id}' is missing; the code relies on it "
                    f"({need.used_by or 'see contract.py'})",
                )
            )
        elif need.handler is not None and intent.spec.handler != need.handler:
            problems.append(
                Problem(
                    name,
                    intent.line,
                    f"intent '{need.id}' must have handler '{need.handler}', "
                    f"not '{intent.spec.handler}'",
                )
            )
    return problems


def check_handlers() -> list[Problem]:
    """Handler names intents.yaml may use (catalogue.Handler) and the functions that answer them
    (handlers.HANDLERS) must be the same set; a mismatch is a code bug, named by module."""
    from ccs_assist.answering.handlers import HANDLERS
    from ccs_assist.knowledge.catalogue import Handler

    declared = set(get_args(Handler))
    problems = [
        Problem(
            "src/ccs_assist/answering/handlers/__init__.py",
            0,
            f"handler '{h}' has no function in HANDLERS",
        )
        for h in sorted(declared - set(HANDLERS) - set(SPECIAL_HANDLERS))
    ]
    problems += [
        Problem(
            "src/ccs_assist/knowledge/catalogue.py", 0, f"handler '{h}' is not in catalogue.Handler"
        )
        for h in sorted(set(HANDLERS) - declared)
    ]
    return problems


def check(kg: KnowledgeGraph, catalogue: Catalogue, intents_path: Path) -> list[Problem]:
    """The whole contract: nodes, params, intents and handlers."""
    return [*check_graph(kg), *check_catalogue(catalogue, intents_path), *check_handlers()]
