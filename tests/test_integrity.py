"""graph/ cannot be corrupted silently: `ccs-assist check` on a copy of the real graph with one
corruption exits 1 with a message naming the file (and line), quickly, with no traceback; the
contract between code and data (contract.py) is checked the same way; and the knowledge ships
inside the package, so a regular install answers from any folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import yaml

from ccs_assist.answering import contract
from ccs_assist.errors import SHOWN_PROBLEMS, GraphError, Problem
from ccs_assist.knowledge.graph import KnowledgeGraph

from .conftest import GRAPH, ROOT

TRACEBACK = "Traceback (most recent call last)"
SECONDS = 10  # "a few seconds" with room for a slow CI machine; real runs take well under 2


def run_check(graph: Path) -> subprocess.CompletedProcess[str]:
    """`ccs-assist --graph GRAPH check` in a fresh process, from another folder."""
    env = dict(os.environ, CCS_ASSIST_NO_CACHE="1")
    env.pop("CCS_ASSIST_GRAPH", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ccs_assist", "--graph", str(graph), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=graph.parent,
        env=env,
    )
    assert time.monotonic() - started < SECONDS, "check took too long"
    assert TRACEBACK not in done.stderr, done.stderr
    return done


def assert_refused(graph: Path, pattern: str) -> str:
    """check exits 1 and one line of its report matches `pattern` (file, line, words)."""
    done = run_check(graph)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert re.search(pattern, done.stderr, re.MULTILINE), done.stderr
    return done.stderr


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    """A fresh copy of the real graph (with graph/letters/) to break."""
    target = tmp_path / "graph"
    shutil.copytree(GRAPH, target)
    return target


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_the_real_graph_passes(graph: Path) -> None:
    done = run_check(graph)
    assert done.returncode == 0, done.stderr
    assert "graph OK" in done.stdout


# ---- the loader ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    sorted([*GRAPH.rglob("*.yaml"), *(ROOT / "transcripts").rglob("*.yaml")]),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_data_reads_the_same_without_libyaml(path: Path) -> None:
    """The loader uses libyaml when PyYAML has it, and libyaml accepts some text the pure-Python
    parser refuses ('[Who can help me?]'): a machine without libyaml must read the same data."""
    text = path.read_text(encoding="utf-8")
    pure = yaml.load(text, Loader=yaml.SafeLoader)
    fast = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert pure == fast


def test_a_duplicate_key_is_an_error_not_a_silent_winner(graph: Path) -> None:
    path = graph / "requirements.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    params: {max_age_exclusive: 21}\n",
        "    params: {max_age_exclusive: 21}\n    params: {max_age_exclusive: 18}\n",
    )
    path.write_text(text, encoding="utf-8")
    line = line_of(path, "max_age_exclusive: 18")
    assert_refused(graph, rf"requirements\.yaml:{line}: duplicate key 'params' \(first at line")


def test_a_duplicate_key_in_intents_is_an_error(graph: Path) -> None:
    path = graph / "intents.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - id: what_is\n", "  - id: what_is\n    id: what_it_is\n", 1)
    path.write_text(text, encoding="utf-8")
    line = line_of(path, "id: what_it_is")
    assert_refused(graph, rf"intents\.yaml:{line}: duplicate key 'id'")


def test_a_file_over_the_size_limit_is_refused_unread(graph: Path) -> None:
    (graph / "big.yaml").write_bytes(b"- 1\n" * 1_200_000)  # 4.8 MB
    assert_refused(graph, r"big\.yaml: file is 4,800,000 bytes; the limit is 2,000,000")


def test_a_large_file_under_the_limit_is_quick(graph: Path) -> None:
    (graph / "long.yaml").write_bytes(b"- 1\n" * 450_000)  # 1.8 MB of values
    assert_refused(graph, r"long\.yaml:\d+: more than 200,000 values")


@pytest.mark.parametrize("depth", [1_000, 40_000])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting_is_refused_before_parsing(graph: Path, depth: int, style: str) -> None:
    if style == "flow":
        text = "kind: term\nnodes: " + "[" * depth + "]" * depth + "\n"
    else:
        text = "kind: term\nnodes:\n" + "- " * depth + "1\n"
    (graph / "deep.yaml").write_text(text, encoding="utf-8")
    assert_refused(graph, r"deep\.yaml:\d+: lists or mappings nested more than 64 deep")


def test_a_huge_integer_is_refused_with_its_line(graph: Path) -> None:
    path = graph / "requirements.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("max_age_exclusive: 21", "max_age_exclusive: " + "9" * 4301), encoding="utf-8"
    )
    line = line_of(path, "max_age_exclusive")
    assert_refused(graph, rf"requirements\.yaml:{line}: a number with 4,301 digits")


def test_a_symlink_loop_is_named(graph: Path) -> None:
    (graph / "loop.yaml").symlink_to(graph / "loop.yaml")
    assert_refused(graph, r"loop\.yaml: cannot read the file")


def test_a_symlink_to_dev_zero_is_not_read(graph: Path) -> None:
    (graph / "zero.yaml").symlink_to("/dev/zero")
    assert_refused(graph, r"zero\.yaml: not a regular file")


def test_a_fifo_does_not_hang(graph: Path) -> None:
    os.mkfifo(graph / "pipe.yaml")
    assert_refused(graph, r"pipe\.yaml: not a regular file")


def test_a_symlink_to_a_regular_file_is_read(graph: Path, tmp_path: Path) -> None:
    real = tmp_path / "terms-elsewhere.yaml"
    (graph / "terms.yaml").rename(real)
    (graph / "terms.yaml").symlink_to(real)
    assert run_check(graph).returncode == 0


def test_many_problems_are_capped(graph: Path) -> None:
    nodes = "".join(f"  - id: Bad-{n}\n    label: x\n" for n in range(300))
    (graph / "many.yaml").write_text(f"kind: term\nnodes:\n{nodes}", encoding="utf-8")
    err = assert_refused(graph, r"\.\.\. and [\d,]+ more problems")
    assert err.count("many.yaml:") == SHOWN_PROBLEMS


def test_the_message_caps_but_the_list_keeps_everything() -> None:
    problems = [Problem("f.yaml", n, "bad") for n in range(1, 121)]
    error = GraphError(problems)
    assert len(error.problems) == 120
    assert str(error).endswith("... and 70 more problems")


def test_yml_files_are_read(graph: Path) -> None:
    (graph / "extra.yml").write_text(
        "kind: term\nnodes:\n  - id: extra_term\n    label: An extra term\n", encoding="utf-8"
    )
    assert_refused(graph, r"extra\.yml:3: node 'extra_term': missing 'summary'")


def test_a_good_yml_file_adds_its_nodes(graph: Path) -> None:
    terms = graph / "terms.yaml"
    terms.rename(graph / "terms.yml")
    assert run_check(graph).returncode == 0
    assert any(node.file.endswith("terms.yml") for node in KnowledgeGraph.load(graph).nodes())


def test_intents_yml_is_named(graph: Path) -> None:
    shutil.copy(graph / "intents.yaml", graph / "intents.yml")
    assert_refused(graph, r"intents\.yml: name it intents\.yaml")


def test_subfolders_are_not_node_files(graph: Path) -> None:
    """graph/letters/ belongs to the letters reader; any other folder is not read either."""
    assert (graph / "letters").is_dir()
    other = graph / "notes"
    other.mkdir()
    (other / "scratch.yaml").write_text("this: [is not: a node file", encoding="utf-8")
    (graph / "folder.yaml").mkdir()
    assert run_check(graph).returncode == 0


# ---- the contract --------------------------------------------------------------------------


def rename(graph: Path, old: str, new: str) -> None:
    """Rename an id everywhere in the graph files, consistently (so only the code breaks)."""
    pattern = re.compile(rf"\b{re.escape(old)}\b")
    for path in graph.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(pattern.sub(new, text), encoding="utf-8")


def test_a_renamed_intent_id_is_a_check_error(graph: Path) -> None:
    rename(graph, "what_is", "what_is_it")
    assert_refused(graph, r"intents\.yaml: intent 'what_is' is missing; the code relies on it")


def test_a_changed_handler_is_a_check_error(graph: Path) -> None:
    path = graph / "intents.yaml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"  - id: what_is\n(?:    .*\n)*?    handler: describe\n", text)
    assert block
    path.write_text(
        text.replace(block.group(0), block.group(0).replace("describe", "topic")), encoding="utf-8"
    )
    line = line_of(path, "- id: what_is")
    assert_refused(graph, rf"intents\.yaml:{line}: intent 'what_is' must have handler 'describe'")


@pytest.mark.parametrize("node", ["req_age", "req_income", "county_ccs_office", "ccs", "mtp"])
def test_a_renamed_node_id_is_a_check_error(graph: Path, node: str) -> None:
    rename(graph, node, f"{node}_renamed")
    assert_refused(graph, rf"graph: node '{node}' \(\w+\) is missing; the code relies on it")


@pytest.mark.parametrize(
    ("param", "node"),
    [("max_age_exclusive", "req_age"), ("agi_limit", "req_income")],
)
def test_a_renamed_param_is_a_check_error(graph: Path, param: str, node: str) -> None:
    rename(graph, param, f"{param}_x")
    line = line_of(graph / "requirements.yaml", f"id: {node}")
    assert_refused(
        graph, rf"requirements\.yaml:{line}: node '{node}' needs param '{param}' \(number\)"
    )


def test_a_param_of_the_wrong_type_is_a_check_error(graph: Path) -> None:
    path = graph / "requirements.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("cost_share_percent: 20", 'cost_share_percent: "20%"'), "utf-8")
    assert_refused(graph, r"param 'cost_share_percent' must be a number, not '20%'")


def test_a_node_of_the_wrong_kind_is_a_check_error(kg: KnowledgeGraph) -> None:
    need = contract.NodeNeed("dhcs", "program")
    saved = contract.REQUIRED_NODES
    contract.REQUIRED_NODES = (*saved, need)
    try:
        problems = contract.check_graph(kg)
    finally:
        contract.REQUIRED_NODES = saved
    assert [p.message for p in problems] == ["node 'dhcs' must be a program, not a organization"]


def test_the_contract_holds_for_the_real_graph(kg: KnowledgeGraph) -> None:
    from ccs_assist.knowledge.catalogue import load_catalogue

    assert contract.check(kg, load_catalogue(kg), GRAPH / "intents.yaml") == []


def test_every_handler_has_a_function() -> None:
    assert contract.check_handlers() == []


def test_ids_the_code_names_are_in_the_contract() -> None:
    """A hard-coded requirement id or intents[...] lookup in src/ must be declared."""
    declared_nodes = {need.id for need in contract.REQUIRED_NODES}
    declared_intents = {need.id for need in contract.REQUIRED_INTENTS}
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "ccs_assist").rglob("*.py"))
    assert set(re.findall(r'"(req_[a-z_]+)"', source)) <= declared_nodes
    assert set(re.findall(r'kg\.node\("([a-z_]+)"\)', source)) <= declared_nodes
    assert set(re.findall(r'_param\("([a-z_]+)"', source)) <= declared_nodes
    assert set(re.findall(r'intents\["([a-z_]+)"\]', source)) <= declared_intents


# ---- the knowledge ships with the package ----------------------------------------------------


SHIP = ("src", "graph", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")


@pytest.mark.install
def test_a_regular_install_answers_from_any_folder(tmp_path: Path) -> None:
    """`pip install .` (not editable) into a fresh venv, then `ccs-assist ask` from another
    folder. Offline and quick: no build isolation, no dependencies installed; the test venv's
    packages are reached through a .pth file."""
    source = tmp_path / "source"
    source.mkdir()
    for name in SHIP:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy(ROOT / name, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "test_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CCS_ASSIST", "PYTHON"))}
    env |= {"CCS_ASSIST_NO_CACHE": "1", "PIP_NO_INDEX": "1"}
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    shutil.rmtree(source)  # nothing may come from the checkout any more
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    answered = subprocess.run(
        [str(venv / "bin" / "ccs-assist"), "ask", "what is ccs"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=elsewhere,
        env=env,
    )
    assert answered.returncode == 0, answered.stderr
    assert "California" in answered.stdout and "medical program" in answered.stdout
    shipped = Path(purelib) / "ccs_assist" / "_graph"
    assert (shipped / "intents.yaml").is_file() and (shipped / "letters").is_dir()
    where = subprocess.run(
        [str(python), "-c", "import ccs_assist.knowledge.graph as g; print(g.default_graph_dir())"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    ).stdout.strip()
    assert Path(where) == shipped
    checked = subprocess.run(
        [str(venv / "bin" / "ccs-assist"), "check"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert checked.returncode == 0 and "graph OK" in checked.stdout, checked.stderr
