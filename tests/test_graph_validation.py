"""The validator names the file, the line and the problem, and reports every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccs_assist.errors import GraphError
from ccs_assist.knowledge.graph import KnowledgeGraph

from .conftest import write_graph

SOURCES = """kind: source
nodes:
  - id: law_one
    label: A law
    type: statute
"""

PROGRAM = """kind: program
nodes:
  - id: prog
    label: A program
    summary: It helps.
    sources: [law_one]
"""


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(GraphError) as caught:
        KnowledgeGraph.load(folder)
    return [str(p) for p in caught.value.problems]


def test_a_valid_small_graph_loads(tmp_path: Path) -> None:
    kg = KnowledgeGraph.load(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": PROGRAM}))
    assert kg.counts() == {"source": 1, "program": 1}
    assert kg.sources_of("prog") == ["law_one"]


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = PROGRAM.replace("label: A program", "label: [unclosed")
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": bad}))
    assert any(p.startswith("p.yaml:") or "/p.yaml:" in p for p in found)
    assert any("malformed YAML" in p and ":5:" in p for p in found), found


def test_unknown_field_names_its_line(tmp_path: Path) -> None:
    bad = PROGRAM + "    colour: blue\n"
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": bad}))
    assert any("p.yaml:7" in p and "unknown field 'colour'" in p for p in found), found


def test_missing_field_is_named(tmp_path: Path) -> None:
    bad = PROGRAM.replace("    label: A program\n", "")
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": bad}))
    assert any("missing field 'label'" in p for p in found), found


def test_duplicate_id_points_at_the_first(tmp_path: Path) -> None:
    dup = PROGRAM + "  - id: prog\n    label: Again\n    summary: x\n    sources: [law_one]\n"
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": dup}))
    assert any("p.yaml:7" in p and "duplicate id 'prog'" in p and "p.yaml:3" in p for p in found)


def test_dangling_link_names_the_missing_node(tmp_path: Path) -> None:
    bad = PROGRAM + "    links:\n      - {type: provides, to: ghost_service}\n"
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": bad}))
    assert any("p.yaml:8" in p and "'ghost_service', which does not exist" in p for p in found)


def test_link_type_not_allowed_between_kinds(tmp_path: Path) -> None:
    bad = PROGRAM + "    links:\n      - {type: covered_by, to: law_one}\n"
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": bad}))
    assert any("'covered_by' link cannot go from a program" in p for p in found), found


def test_node_without_source_is_refused(tmp_path: Path) -> None:
    bad = PROGRAM.replace(
        "    sources: [law_one]\n", "    links:\n      - {type: related_to, to: prog2}\n"
    )
    other = "  - id: prog2\n    label: B\n    summary: y\n    sources: [law_one]\n"
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": bad + other}))
    assert any("'prog': must cite at least one source" in p for p in found), found


def test_orphans_are_reported(tmp_path: Path) -> None:
    sources = SOURCES + "  - id: unused\n    label: Nobody cites me\n    type: case\n"
    found = problems_of(write_graph(tmp_path, {"s.yaml": sources, "p.yaml": PROGRAM}))
    assert any("s.yaml:6" in p and "orphan node 'unused'" in p for p in found), found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = PROGRAM + "    colour: blue\n"
    worse = (
        "kind: service\nnodes:\n  - id: svc\n    label: S\n    summary: s\n    sources: [nope]\n"
    )
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": bad, "v.yaml": worse}))
    assert len(found) >= 2
    assert any("colour" in p for p in found) and any("'nope'" in p for p in found)


def test_field_used_on_the_wrong_kind(tmp_path: Path) -> None:
    bad = PROGRAM + "    params: {age: 3}\n"
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": bad}))
    assert any("'params' is not used on a program node" in p for p in found), found


def test_alias_shared_by_two_nodes_is_refused(tmp_path: Path) -> None:
    two = PROGRAM.replace("    summary", "    aliases: [Same Name]\n    summary") + (
        "  - id: prog2\n    label: B\n    aliases: [same name]\n    summary: y\n"
        "    sources: [law_one]\n"
    )
    found = problems_of(write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": two}))
    assert any("already a name of 'prog'" in p for p in found), found


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"\xff\xfe not utf8", "not UTF-8"),
        (b"- just\n- a list\n", "must start with 'kind:'"),
        (b"kind: spaceship\nnodes: []\n", "'kind'"),
    ],
)
def test_bad_files_get_a_message_not_a_traceback(
    tmp_path: Path, content: bytes, message: str
) -> None:
    write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": PROGRAM})
    (tmp_path / "x.yaml").write_bytes(content)
    found = problems_of(tmp_path)
    assert any("x.yaml" in p and message in p for p in found), found


def test_missing_folder(tmp_path: Path) -> None:
    found = problems_of(tmp_path / "nowhere")
    assert any("graph folder not found" in p for p in found)


# ---- one translator of pydantic's complaints (knowledge/validation.py) ----------------------


def test_a_nested_problem_names_the_line_of_its_own_key(tmp_path: Path) -> None:
    """Not the line of the node or of the outer key: the line an editor must change."""
    org = """kind: organization
nodes:
  - id: office
    label: An office
    summary: It answers.
    sources: [law_one]
    contact:
      url: https://example.org
      phone: [1, 2]
    links:
      - {type: related_to, to: prog}
"""
    found = problems_of(
        write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": PROGRAM, "o.yaml": org})
    )
    assert any("o.yaml:9: node 'office': 'contact.phone'" in p for p in found), found


def test_a_wrong_choice_lists_the_choices(tmp_path: Path) -> None:
    bad = SOURCES.replace("type: statute", "type: rumour")
    found = problems_of(write_graph(tmp_path, {"s.yaml": bad, "p.yaml": PROGRAM}))
    assert any(
        "s.yaml:5: node 'law_one': 'type' is 'rumour', expected one of" in p for p in found
    ), found


def test_intents_file_problems_speak_the_same_words(tmp_path: Path) -> None:
    from ccs_assist.knowledge.catalogue import load_catalogue

    folder = write_graph(tmp_path, {"s.yaml": SOURCES, "p.yaml": PROGRAM})
    (folder / "intents.yaml").write_text(
        "intents:\n  - id: ask_prog\n    title: About the program\n    handlr: topic\n"
        "  - id: other\n    title: Other\n    handler: guess\n",
        encoding="utf-8",
    )
    with pytest.raises(GraphError) as caught:
        load_catalogue(KnowledgeGraph.load(folder))
    found = [str(p) for p in caught.value.problems]
    assert any(
        p.endswith("intents.yaml:4: intent 'ask_prog': unknown field 'handlr'") for p in found
    )
    assert any("intents.yaml:7: intent 'other': 'handler' is 'guess'" in p for p in found), found


def test_validation_problems_takes_another_vocabulary() -> None:
    """transcripts/ can keep its own words ("key") and still get the lines from here."""
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

    from ccs_assist.knowledge.loader import KEY_LINES, LINE
    from ccs_assist.knowledge.schema import LinkSpec
    from ccs_assist.knowledge.validation import validation_problems

    raw = {"type": "related_to", "too": "x", LINE: 3, KEY_LINES: {"type": 3, "too": 4}}
    with pytest.raises(ValidationError) as caught:
        LinkSpec.model_validate({"type": "related_to", "too": "x"})

    def in_keys(err: ErrorDetails) -> str:
        return f"{err['type']} key {'.'.join(map(str, err['loc']))}"

    found = validation_problems(caught.value, raw, "t.yaml", "turn 1", describe=in_keys)
    assert sorted(map(str, found)) == [
        "t.yaml:3: turn 1: missing key to",
        "t.yaml:4: turn 1: extra_forbidden key too",
    ]
