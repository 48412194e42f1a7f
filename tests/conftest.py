from __future__ import annotations

from pathlib import Path

import pytest

from ccs_assist import Assistant
from ccs_assist.knowledge.graph import KnowledgeGraph

# pytester: test_transcripts runs pytest on tiny projects to test the transcripts plugin.
pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ROOT / "graph"


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(GRAPH)


@pytest.fixture(scope="session")
def assistant() -> Assistant:
    return Assistant(GRAPH)


def write_graph(folder: Path, files: dict[str, str]) -> Path:
    """A small graph on disk for the validator's tests."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
