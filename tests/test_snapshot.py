"""The start-up snapshot: used when graph/ is unchanged, rebuilt when its content changes, and
data only: nothing planted in the cache folder is ever executed or crashes a start."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from ccs_assist import Assistant
from ccs_assist.errors import GraphError
from ccs_assist.knowledge import snapshot
from ccs_assist.knowledge.catalogue import load_catalogue
from ccs_assist.knowledge.graph import KnowledgeGraph

from .conftest import GRAPH


@pytest.fixture
def graph_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CCS_ASSIST_NO_CACHE", raising=False)
    target = tmp_path / "graph"
    shutil.copytree(GRAPH, target)
    return target


def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "ccs-assist"


def saved_file(graph: Path) -> Path:
    key = snapshot.fingerprint(graph)
    assert key
    path = snapshot._path(key)
    assert path is not None
    return path


def test_second_start_uses_the_snapshot(graph_copy: Path) -> None:
    assert snapshot.load(snapshot.fingerprint(graph_copy), graph_copy) is None
    first = Assistant(graph_copy)
    assert snapshot.load(snapshot.fingerprint(graph_copy), graph_copy) is not None
    second = Assistant(graph_copy)
    question = "is spina bifida covered"
    fields = {"session_id"}  # a new id every time
    assert second.ask(question).model_dump(exclude=fields) == first.ask(question).model_dump(
        exclude=fields
    )
    assert [n.id for n in second.kg.nodes()] == [n.id for n in first.kg.nodes()]
    assert list(second.catalogue.intents) == list(first.catalogue.intents)


def test_the_snapshot_is_plain_json_data(graph_copy: Path) -> None:
    Assistant(graph_copy)
    data = json.loads(saved_file(graph_copy).read_text(encoding="utf-8"))
    assert set(data) == {"format", "key", "nodes", "edges", "intents"}
    assert any(node["id"] == "req_age" for node in data["nodes"])


def test_a_snapshot_rebuilds_the_same_graph(graph_copy: Path) -> None:
    fresh = KnowledgeGraph.load(graph_copy)
    Assistant(graph_copy)
    loaded = snapshot.load(snapshot.fingerprint(graph_copy), graph_copy)
    assert loaded is not None
    kg, intents = loaded
    assert list(kg.nodes()) == list(fresh.nodes())
    for node in fresh.nodes():
        assert kg.out(node.id) == fresh.out(node.id)
        assert kg.into(node.id) == fresh.into(node.id)
    assert kg.graph.number_of_edges() == fresh.graph.number_of_edges()
    assert load_catalogue(kg, data=intents).intents.keys() == load_catalogue(fresh).intents.keys()


def test_an_edit_to_the_graph_is_seen(graph_copy: Path) -> None:
    Assistant(graph_copy)
    terms = graph_copy / "terms.yaml"
    terms.write_text(
        terms.read_text().replace("FAPE means", "FAPE (edited) means"), encoding="utf-8"
    )
    assert snapshot.load(snapshot.fingerprint(graph_copy), graph_copy) is None
    assert "(edited)" in Assistant(graph_copy).ask("what is FAPE").answer


def test_a_same_size_edit_keeping_the_mtime_is_seen(graph_copy: Path) -> None:
    """The key is the files' content: size and time are not enough."""
    Assistant(graph_copy)
    terms = graph_copy / "terms.yaml"
    before = terms.stat()
    text = terms.read_text(encoding="utf-8")
    assert "FAPE means" in text
    terms.write_text(text.replace("FAPE means", "FAPE MEANS"), encoding="utf-8")
    os.utime(terms, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert terms.stat().st_size == before.st_size
    assert "FAPE MEANS" in Assistant(graph_copy).ask("what is FAPE").answer


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"",
        b"\x80\x04\x95",
        b"[]",
        b'{"format": 2}',
        b'{"format": 2, "key": "k", "nodes": [{"id": 1}], "edges": [], "intents": {}}',
        b"[" * 100_000,
    ],
    ids=["text", "empty", "bytes", "list", "partial", "wrong-types", "deep"],
)
def test_a_broken_snapshot_is_rebuilt(graph_copy: Path, content: bytes) -> None:
    Assistant(graph_copy)
    path = saved_file(graph_copy)
    path.write_bytes(content)
    assert Assistant(graph_copy).ask("what is FAPE").intent == "what_is"
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == snapshot.FORMAT


def test_a_tampered_snapshot_with_a_dangling_link_is_rebuilt(graph_copy: Path) -> None:
    Assistant(graph_copy)
    path = saved_file(graph_copy)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["edges"].append(["ccs", "no_such_node", {"type": "related_to", "line": 1}])
    path.write_text(json.dumps(data), encoding="utf-8")
    assert snapshot.load(snapshot.fingerprint(graph_copy), graph_copy) is None
    assert Assistant(graph_copy).ask("what is FAPE").intent == "what_is"


def test_a_snapshot_whose_intents_fail_is_rebuilt(graph_copy: Path) -> None:
    Assistant(graph_copy)
    path = saved_file(graph_copy)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["intents"] = {"intents": [{"id": "Bad Id", "title": 3}]}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert Assistant(graph_copy).ask("what is FAPE").intent == "what_is"


class _Planted:
    """Unpickling this would create the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "pwned"))


def test_a_planted_pickle_is_never_executed(graph_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    payload = pickle.dumps(_Planted(marker))
    assert not marker.exists()
    key = snapshot.fingerprint(graph_copy)
    folder = cache_dir(tmp_path)
    folder.mkdir(parents=True)
    # Where the old code looked, where the new code looks, and a few other names.
    for name in (f"graph-{key}.pickle", f"graph-{key}.json", "graph-x.json", "evil.pickle"):
        (folder / name).write_bytes(payload)
    assistant = Assistant(graph_copy)
    assert assistant.ask("what is FAPE").intent == "what_is"
    Assistant(graph_copy)
    assert not marker.exists()
    assert not (folder / f"graph-{key}.pickle").exists()  # old snapshots are cleared


def test_a_non_file_in_the_cache_does_not_hang(graph_copy: Path, tmp_path: Path) -> None:
    key = snapshot.fingerprint(graph_copy)
    folder = cache_dir(tmp_path)
    folder.mkdir(parents=True)
    os.mkfifo(folder / f"graph-{key}.json")
    assert snapshot.load(key, graph_copy) is None
    assert Assistant(graph_copy).ask("what is FAPE").intent == "what_is"


def test_an_unwritable_cache_is_skipped(graph_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    assert Assistant(graph_copy).ask("what is FAPE").intent == "what_is"


def test_cache_can_be_turned_off(graph_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCS_ASSIST_NO_CACHE", "1")
    Assistant(graph_copy)
    assert snapshot.load(snapshot.fingerprint(graph_copy), graph_copy) is None


def test_cache_false_reads_and_writes_nothing(graph_copy: Path, tmp_path: Path) -> None:
    Assistant(graph_copy, cache=False)
    assert not cache_dir(tmp_path).exists()


def test_parts_can_be_handed_in(graph_copy: Path, tmp_path: Path) -> None:
    kg = KnowledgeGraph.load(graph_copy)
    catalogue = load_catalogue(kg)
    assistant = Assistant(kg=kg, catalogue=catalogue)
    assert assistant.kg is kg and assistant.catalogue is catalogue
    assert assistant.ask("is spina bifida covered").intent == "condition_covered"
    assert not cache_dir(tmp_path).exists()


def test_a_contract_break_is_a_graph_error_at_start(graph_copy: Path) -> None:
    requirements = graph_copy / "requirements.yaml"
    text = requirements.read_text(encoding="utf-8")
    requirements.write_text(text.replace("max_age_exclusive", "max_age"), encoding="utf-8")
    with pytest.raises(GraphError, match=r"req_age.*max_age_exclusive"):
        Assistant(graph_copy)
