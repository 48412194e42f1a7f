"""The start-up snapshot is used when graph/ is unchanged and rebuilt when it changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ccs_assist import Assistant, snapshot

from .conftest import GRAPH


@pytest.fixture
def graph_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CCS_ASSIST_NO_CACHE", raising=False)
    target = tmp_path / "graph"
    shutil.copytree(GRAPH, target)
    return target


def test_second_start_uses_the_snapshot(graph_copy: Path) -> None:
    assert snapshot.load(snapshot.fingerprint(graph_copy)) is None
    first = Assistant(graph_copy)
    saved = snapshot.load(snapshot.fingerprint(graph_copy))
    assert saved is not None
    second = Assistant(graph_copy)
    assert (
        second.ask("is spina bifida covered").answer == first.ask("is spina bifida covered").answer
    )


def test_an_edit_to_the_graph_is_seen(graph_copy: Path) -> None:
    Assistant(graph_copy)
    terms = graph_copy / "terms.yaml"
    terms.write_text(
        terms.read_text().replace("FAPE means", "FAPE (edited) means"), encoding="utf-8"
    )
    assert snapshot.load(snapshot.fingerprint(graph_copy)) is None
    assert "(edited)" in Assistant(graph_copy).ask("what is FAPE").answer


def test_a_broken_snapshot_is_rebuilt(graph_copy: Path) -> None:
    Assistant(graph_copy)
    cache = next(Path(snapshot._path("x").parent).glob("graph-*.pickle"))  # type: ignore[union-attr]
    cache.write_bytes(b"not a pickle")
    assert Assistant(graph_copy).ask("what is FAPE").intent == "what_is"


def test_cache_can_be_turned_off(graph_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCS_ASSIST_NO_CACHE", "1")
    Assistant(graph_copy)
    assert snapshot.load(snapshot.fingerprint(graph_copy)) is None
