"""How graph nodes are named inside an answer's sentences: the short names parents use, a
service as it reads mid-sentence, a list joined with "and". Shared by the handlers."""

from __future__ import annotations

import re

from ccs_assist.knowledge.graph import KnowledgeGraph, Node

_PARENTHESES = re.compile(r"\s*\(([^)]*)\)")


def bullet(node: Node) -> str:
    return f"{node.label}: {node.summary}" if node.summary else node.label


def join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def short_name(kg: KnowledgeGraph, node: Node) -> str:
    """The name parents use: the label's abbreviation in brackets ("CCS"); for a program
    without one, who runs it and the plan's short name ("School district (IEP)")."""
    found = _PARENTHESES.search(node.label)
    if found:
        return found.group(1)
    runners = [kg.node(o).label for o, _ in kg.out(node.id, "administered_by")]
    short = next((a for a in node.aliases if a.isupper()), None)
    if runners and short:
        return f"{_PARENTHESES.sub('', runners[0]).strip()} ({short})"
    return node.label


def plain_service(node: Node) -> str:
    """'physical therapy' from 'Physical therapy (PT)', as it reads inside a sentence."""
    name = _PARENTHESES.sub("", node.label).strip()
    return name[:1].lower() + name[1:] if not name[:2].isupper() else name


def need_phrase(purpose: Node) -> str:
    """'a medical need': the purpose's own alias that says need, else its label."""
    said = next((a for a in purpose.aliases if a.lower().endswith("need")), purpose.label)
    article = "an" if said[:1].lower() in "aeiou" else "a"
    return f"{article} {said.lower()}"


def without_name(node: Node) -> str:
    """A summary that opens with the node's name, said again as 'It' after the name was just
    said ("Spina bifida is ..." -> "It is ...")."""
    name = _PARENTHESES.sub("", node.label).strip()
    if node.summary.lower().startswith(name.lower() + " "):
        # "Cerebral palsy (CP) is ..." -> "It is ...", not "It (CP) is ...".
        return "It" + re.sub(r"^\s*\([^)]*\)", "", node.summary[len(name) :])
    return node.summary
