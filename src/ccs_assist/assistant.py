"""The one library API every interface calls.

from ccs_assist import Assistant
assistant = Assistant()                      # loads and validates graph/ once
chat = assistant.conversation()
print(chat.ask("Is spina bifida covered by CCS?").answer)
"""

from __future__ import annotations

from pathlib import Path

from rapidfuzz.distance import Levenshtein

from ccs_assist.answering import contract
from ccs_assist.conversation.dialogue import Conversation
from ccs_assist.conversation.engine import Engine
from ccs_assist.errors import GraphError
from ccs_assist.knowledge import snapshot
from ccs_assist.knowledge.catalogue import Catalogue, load_catalogue
from ccs_assist.knowledge.graph import INTENTS_FILE, KnowledgeGraph, default_graph_dir
from ccs_assist.knowledge.schema import Answer
from ccs_assist.understanding.matcher import Matcher


class Assistant(Engine):
    """Loads and checks the graph once; every interface asks through this."""

    def __init__(
        self,
        graph_dir: Path | str | None = None,
        *,
        kg: KnowledgeGraph | None = None,
        catalogue: Catalogue | None = None,
        matcher: Matcher | None = None,
        cache: bool = True,
    ) -> None:
        """Load graph_dir (default: the shipped graph, or CCS_ASSIST_GRAPH), or use a ready `kg`
        (and `catalogue`, else read from kg.directory, and `matcher`, else built on them), as
        tests do to share one graph between assistants. `cache` reads and writes
        the JSON start-up snapshot; a bad snapshot is rebuilt. Anything the code relies on
        that the graph lacks (contract.py) is a GraphError here, not a KeyError mid-answer."""
        key: str | None = None
        if kg is None:
            directory = Path(graph_dir) if graph_dir else default_graph_dir()
            key = snapshot.fingerprint(directory) if cache else None
            saved = snapshot.load(key, directory)
            if saved is not None:
                try:
                    kg, catalogue = saved[0], load_catalogue(saved[0], data=saved[1])
                    key = None  # nothing new to save
                except GraphError:
                    kg = catalogue = None
            if kg is None:
                kg = KnowledgeGraph.load(directory)
                catalogue = None
        if catalogue is None:
            catalogue = load_catalogue(kg)
        problems = contract.check(kg, catalogue, kg.directory / INTENTS_FILE)
        if problems:
            raise GraphError(problems)
        if key is not None:
            snapshot.save(key, kg, catalogue.data)
        super().__init__(kg, catalogue, matcher)

    def conversation(self, session_id: str | None = None) -> Conversation:
        return Conversation(self, session_id)

    def ask(self, question: object) -> Answer:
        """A one-off question with no memory of earlier ones."""
        return self.conversation().ask(question)

    def terms(self) -> list[str]:
        """Names of the graph's conditions, programs, services and terms, for completion.
        Aliases that are only misspellings of the label ("cerebral palsey") are left out."""
        out: set[str] = set()
        for node in self.kg.nodes():
            if node.kind in {"condition", "program", "service", "term", "organization"}:
                out.add(node.label)
                label = node.label.lower()
                out.update(
                    alias
                    for alias in node.aliases
                    if not 0 < Levenshtein.distance(alias.lower(), label[: len(alias)]) <= 2
                )
        return sorted(out, key=str.lower)

