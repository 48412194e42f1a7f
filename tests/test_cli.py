"""The command line: every subcommand, as a script or a help desk would call it."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ccs_assist.interfaces.cli import _parser, main

from .conftest import write_graph


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccs_assist", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_prints_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "principle" in out and "graph OK" in out and "intents" in out


def test_check_fails_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_graph(tmp_path, {"p.yaml": "kind: program\nnodes:\n  - id: x\n    labl: y\n"})
    assert main(["--graph", str(tmp_path), "check"]) == 1
    err = capsys.readouterr().err
    assert "p.yaml:4" in err and "unknown field 'labl'" in err
    assert "Traceback" not in err


def test_export_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "export", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"nodes", "links"} <= data.keys()


def test_export_dot_to_file(tmp_path: Path) -> None:
    out = tmp_path / "g.dot"
    assert main(["graph", "export", "--format", "dot", "-o", str(out)]) == 0
    assert out.read_text().startswith("digraph")


def test_ask_prints_answer_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Is spina bifida covered?"]) == 0
    out = capsys.readouterr().out
    assert "Spina bifida" in out and "Sources:" in out


def test_ask_json_is_the_answer_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "which", "department", "runs", "ccs"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["intent"] == "who_runs_ccs" and data["citations"][0]["id"]


def test_ask_too_long_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "x" * 5000]) == 1
    assert "characters" in capsys.readouterr().err


def test_batch_answers_each_line_in_order_with_sessions() -> None:
    lines = [
        json.dumps({"question": "my son has CP", "session": "a"}),
        "this is { not json",
        '{"question": "does ccs cover his PT?", "session": "a"}',
        '{"no_question": 1}',
        "Is spina bifida covered?",
        json.dumps({"question": "x" * 5000}),
    ]
    result = run_cli("batch", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 6
    assert out[0]["intent"] == "condition_covered"
    assert out[1]["intent"] is None  # plain text line: answered, and this one falls back
    assert "Cerebral palsy" in out[2]["answer"] and out[2]["session_id"] == "a"
    assert "error" in out[3] and out[3]["line"] == 4
    assert out[4]["intent"] == "condition_covered"
    assert "characters" in out[5]["error"]


def test_batch_reports_bad_json_and_goes_on() -> None:
    result = run_cli("batch", stdin='{"question": \n{"question": "what is an iep"}\n')
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert "not valid JSON" in out[0]["error"]
    assert "individualized education program" in out[1]["answer"].lower()


def test_batch_takes_a_byte_order_mark_and_refuses_huge_session_ids() -> None:
    lines = [
        "\ufeff" + json.dumps({"question": "what is an IEE"}),
        json.dumps({"question": "what is an IEE", "session": "s" * 500}),
    ]
    result = run_cli("batch", stdin="\n".join(lines) + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["intent"] == "what_is"
    assert "longer than 200" in out[1]["error"]


# ---- every subcommand, found from the parser itself ----------------------------------------

TRANSCRIPT = Path(__file__).resolve().parents[1] / "transcripts" / "letters.yaml"


def _commands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command path the parser defines ("check", "graph", "graph export", ...)."""
    found: dict[tuple[str, ...], argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[(*prefix, name)] = sub
                found.update(_commands(sub, (*prefix, name)))
    return found


COMMANDS = _commands(_parser())

# A real call for each command that needs no network and no server: the arguments, the lines
# on standard input (None: run in this process), and what the output must contain.
REAL_CALLS: dict[tuple[str, ...], tuple[list[str], str | None, str]] = {
    ("check",): (["check"], None, "graph OK"),
    ("graph", "export"): (["graph", "export", "--format", "dot"], None, '"ccs" -> "dhcs"'),
    ("ask",): (["ask", "Is spina bifida covered?"], None, "Spina bifida"),
    ("batch",): (["batch"], '{"question": "what is an IEE"}\n', '"intent": "what_is"'),
    ("chat",): (["chat"], "what is an IEP\n", "individualized education program"),
    ("letter",): (["letter", "--list"], None, "ccs_appeal"),
    ("test-transcripts",): (["test-transcripts", str(TRANSCRIPT)], None, "conversations passed"),
}
# Commands with no real call here, and why; each still gets its --help run below.
HELP_ONLY = {
    ("serve",): "runs a web server until it is stopped (tests/test_server.py starts one)",
    ("graph",): "only groups its actions; alone it is a usage error (see below)",
}


def test_every_command_has_a_real_call_or_a_reason() -> None:
    """A new subcommand fails here until it is given a real call or a reason for none."""
    assert set(COMMANDS) == set(REAL_CALLS) | set(HELP_ONLY)
    assert not set(REAL_CALLS) & set(HELP_ONLY)


@pytest.mark.parametrize("command", sorted(COMMANDS), ids=" ".join)
def test_every_command_has_help(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main([*command, "--help"])
    except SystemExit as done:
        code = int(done.code or 0)
    out = capsys.readouterr().out
    assert code == 0
    assert out.lower().startswith("usage:") and f"ccs-assist {' '.join(command)}" in out


@pytest.mark.parametrize("command", sorted(REAL_CALLS), ids=" ".join)
def test_every_command_runs_on_the_real_graph(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    args, stdin, expected = REAL_CALLS[command]
    if stdin is None:
        code = main(args)
        out, err = capsys.readouterr()
    else:  # reads standard input: a real process, with a real pipe
        done = run_cli(*args, stdin=stdin)
        code, out, err = done.returncode, done.stdout, done.stderr
    assert code == 0, err
    assert expected in out, out[:2000]
    assert "Traceback" not in err


def test_graph_alone_is_a_usage_error_not_the_chat(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["graph"])
    assert done.value.code == 2
    assert "ACTION" in capsys.readouterr().err
