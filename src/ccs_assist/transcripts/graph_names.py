"""Names a transcript uses that must exist in the graph being tested: intents, cited ids,
referral offices. Checked before a conversation runs, so a typo is a problem with its line
rather than a confusing failed expectation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccs_assist.errors import Problem
from ccs_assist.transcripts.models import Case
from ccs_assist.transcripts.problem_wording import did_you_mean

if TYPE_CHECKING:
    from ccs_assist.assistant import Assistant


def check_names(case: Case, assistant: Assistant) -> list[Problem]:
    """Every intent, cited id and referral a conversation names must be in the graph."""
    intents = list(assistant.catalogue.intents)
    node_ids = [n.id for n in assistant.kg.nodes()]
    known = set(node_ids)
    problems: list[Problem] = []
    for turn in case.turns:
        where = f"conversation '{case.name}', turn {turn.number}"
        for intent in turn.spec.intent:
            if intent not in intents:
                problems.append(
                    Problem(
                        case.file,
                        turn.line,
                        f"{where}: there is no intent '{intent}'{did_you_mean(intent, intents)} "
                        "(intents are listed in graph/intents.yaml)",
                    )
                )
        for key in ("cites", "referrals"):
            for node_id in getattr(turn.spec, key):
                if node_id not in known:
                    problems.append(
                        Problem(
                            case.file,
                            turn.line,
                            f"{where}: '{key}' names '{node_id}', which is not an id in the "
                            f"graph{did_you_mean(node_id, node_ids)}",
                        )
                    )
    return problems
