"""The transcripts runner, on tiny transcripts: what `ccs-assist test-transcripts` reports,
and how the pytest plugin collects transcripts/*.yaml (each conversation one test, failing with
the same report as the command). The real conversations run as those collected tests."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ccs_assist import Assistant
from ccs_assist import transcripts as tx

from .conftest import GRAPH, ROOT

TRANSCRIPTS = ROOT / "transcripts"


# ---- the runner -----------------------------------------------------------------------------


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(paths: list[Path], **options: bool) -> tuple[int, str]:
    out = io.StringIO()
    code = tx.run(paths, graph=GRAPH, out=out, **options)
    return code, out.getvalue()


WRONG = """conversations:
  - name: cerebral palsy asked about fees
    turns:
      - ask: hi
        intent: greeting
      - ask: is cerebral palsy covered by ccs
        intent: fees
        contains: [a phrase that is not there]
"""


def test_a_broken_expectation_names_file_conversation_turn_expected_and_got(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "broken.yaml", WRONG)
    code, out = run([path])
    assert code == 1
    assert "FAIL" in out and "broken.yaml:2" in out
    assert 'conversation "cerebral palsy asked about fees"' in out
    assert "turn 2 of 2 (line 6)" in out
    assert '"is cerebral palsy covered by ccs"' in out
    assert "- expected intent: fees" in out
    assert "+ got:" in out and "condition_covered" in out
    assert '- expected contains: "a phrase that is not there"' in out
    assert "Cerebral palsy" in out  # what came back, so the editor can judge it
    assert "turn 1 of 2" not in out  # passing turns are not reported
    assert "0 of 1 conversations passed" in out


def test_a_passing_transcript_exits_0_with_one_line_per_conversation(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "fine.yaml",
        """conversations:
  - name: one
    turns:
      - ask: is cp covered
        intent: condition_covered
        contains: [CEREBRAL PALSY]
        matches: ['nervous\\s+system']
        cites: [cerebral_palsy, ccr22_41515]
        min_confidence: 0.5
  - name: two
    turns:
      - ask: whats the weather
        fallback: true
""",
    )
    code, out = run([path])
    assert code == 0, out
    assert sum(1 for line in out.splitlines() if line.startswith("ok")) == 2
    assert "2 of 2 conversations passed" in out


def test_a_typo_in_a_key_is_an_error_with_file_line_and_hint(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "typo.yaml",
        """conversations:
  - name: typo
    turns:
      - ask: is cp covered
        contians: [cerebral palsy]
""",
    )
    code, out = run([path])
    assert code == 2
    assert "typo.yaml:5:" in out
    assert "unknown key 'contians'" in out and "did you mean 'contains'?" in out
    assert "Traceback" not in out


TURN = "conversations:\n  - name: x\n    turns:\n      - ask: hi\n"  # the turn is on line 4


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("conversations:\n  - name: x\n    turns:\n      - ask: yes\n", 4, "in quotes"),
        (TURN + "        fallback: maybe\n", 5, "true or false"),
        (TURN + "        min_confidence: 2\n", 5, "from 0 to 1"),
        (TURN + "        matches: '('\n", 5, "not a valid pattern"),
        (TURN + "        intent: greting\n", 4, "did you mean 'greeting'?"),
        (TURN + "        cites: [hsc_12387]\n", 4, "did you mean 'hsc_123870'?"),
        (TURN + "        screener: {stepp: age}\n", 5, "did you mean 'step'?"),
        (TURN + "        screener: {step: agee}\n", 5, "did you mean 'age'?"),
        (
            "conversations:\n  - name: x\n    turns:\n      - intent: greeting\n",
            4,
            "missing 'ask:'",
        ),
        ("conversations:\n  - name: x\n    turns: [\n", 4, "malformed YAML"),
        ("conversation:\n  - name: x\n", 1, "did you mean 'conversations'?"),
        (TURN + "  - name: x\n    turns:\n      - ask: hi\n", 5, "two conversations are named"),
    ],
)
def test_invalid_transcripts_are_clear_errors(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    code, out = run([path])
    assert code == 2, out
    assert f"bad.yaml:{line}:" in out and words in out, out


def test_json_report_shape(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", WRONG)
    code, out = run([path], as_json=True)
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["exit_code"] == 1
    assert report["summary"] == {
        "files": 1,
        "conversations": 1,
        "passed": 0,
        "failed": 1,
        "turns": 2,
        "skipped_pending_files": 0,
    }
    assert report["problems"] == []
    (conversation,) = report["conversations"]
    assert conversation["name"] == "cerebral palsy asked about fees"
    assert conversation["file"].endswith("broken.yaml") and conversation["line"] == 2
    first, second = conversation["turns"]
    assert first["passed"] is True and first["failures"] == []
    assert second["passed"] is False and second["line"] == 6
    assert second["ask"] == "is cerebral palsy covered by ccs"
    checks = {f["check"]: f for f in second["failures"]}
    assert set(checks) == {"intent", "contains"}
    assert checks["intent"]["expected"].startswith("fees")
    assert checks["intent"]["got"].startswith("condition_covered")
    assert second["answer"]["intent"] == "condition_covered"
    assert "coverage" not in report


def test_json_report_carries_problems(tmp_path: Path) -> None:
    path = write(tmp_path, "typo.yaml", "conversations:\n  - nme: x\n    turns: []\n")
    code, out = run([path], as_json=True)
    report = json.loads(out)
    assert code == 2 and report["ok"] is False
    messages = [p["message"] for p in report["problems"]]
    assert any("did you mean 'name'?" in m for m in messages), messages
    lines = {p["message"].split(": ", 1)[1][:14]: p["line"] for p in report["problems"]}
    assert lines["unknown key 'n"] == 2 and lines["'turns' must n"] == 3, lines


def test_coverage_lists_what_a_tiny_transcript_set_misses(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tiny.yaml",
        """conversations:
  - name: hello and weather
    turns:
      - ask: hello
        intent: greeting
      - ask: whats the weather in fresno
        fallback: true
      - ask: is cp covered
        intent: condition_covered
""",
    )
    code, out = run([path], coverage=True, as_json=True)
    report = json.loads(out)
    assert code == 1  # everything passed, but most of the graph is unexercised
    missing = {g: {m["id"] for m in v["missing"]} for g, v in report["coverage"].items()}
    assert "fees" in missing["intents"] and "screener" in missing["intents"]
    assert "greeting" not in missing["intents"]
    assert "condition_covered" not in missing["intents"]
    assert "out_of_scope" not in missing["intents"]  # the weather turn was declined
    assert "fape_is_independent" in missing["principles"]
    assert "ccs" not in missing["programs"] and "mtp" not in missing["programs"]
    assert "section_504" in missing["programs"]
    code, text = run([path], coverage=True)
    assert "Not exercised by any transcript" in text
    assert "fees" in text and "fape_is_independent" in text


def test_pending_folder_is_skipped_unless_named(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", "conversations:\n  - name: a\n    turns:\n      - ask: hi\n")
    write(tmp_path / "pending", "miss.yaml", WRONG)
    code, out = run([tmp_path])
    assert code == 0, out
    assert "1 file(s) in pending/ skipped" in out
    code, out = run([tmp_path / "pending"])
    assert code == 1 and "cerebral palsy asked about fees" in out


def test_missing_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    code, out = run([tmp_path / "nowhere.yaml"])
    assert code == 2 and "no such file or folder" in out


def test_turns_share_memory_and_the_screener(assistant: Assistant, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "memory.yaml",
        """conversations:
  - name: screener
    turns:
      - ask: check eligibility
        intent: screener
        screener: {step: age}
      - ask: "7"
        screener: {step: residence, results: {age: met}}
      - ask: fresno
        screener: {step: medi_cal, results: {residence: met}}
""",
    )
    suite = tx.load([path])
    (case,) = suite.cases
    assert tx.run_case(assistant, case).passed
    wrong = tx.ScreenerCheck(step="income", results={"age": "not_met"})
    answer = assistant.conversation().ask("check eligibility")
    misses = tx.check_turn(tx.TurnSpec(ask="x", screener=wrong), answer, assistant)
    assert {m.check for m in misses} == {"screener.step", "screener.results.age"}


# ---- the real transcripts ----------------------------------------------------------------------


def test_transcripts_exercise_every_intent_principle_and_program() -> None:
    _, out = run([TRANSCRIPTS], coverage=True, as_json=True)
    report = json.loads(out)
    missing = [m["id"] for group in report["coverage"].values() for m in group["missing"]]
    assert not missing, "not exercised by any transcript: " + ", ".join(missing)


def test_pytest_collects_every_conversation_the_command_runs_once() -> None:
    """The README's `pytest` (pyproject's testpaths and addopts) collects each conversation
    `ccs-assist test-transcripts` runs, once, and no other YAML."""
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    per_file = {
        match[1]: int(match[2])
        for match in re.finditer(r"^(\S+\.ya?ml): (\d+)$", collected, re.MULTILINE)
    }
    _, out = run([], as_json=True)
    summary = json.loads(out)["summary"]
    assert sum(per_file.values()) == summary["conversations"] > 0
    assert len(per_file) == summary["files"]
    assert all(name.startswith("transcripts/") for name in per_file), per_file


# ---- the pytest plugin -------------------------------------------------------------------------

FINE = "conversations:\n  - name: fine\n    turns:\n      - ask: is cp covered\n"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A folder like the checkout, whose transcripts/ is the one the plugin collects."""
    monkeypatch.setenv("CCS_ASSIST_TRANSCRIPTS", str(pytester.path / "transcripts"))
    return pytester


def run_pytest(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return project.runpytest("-p", "ccs_assist.transcripts.plugin", "-p", "no:cacheprovider", *args)


def test_a_failing_conversation_fails_with_the_commands_report(
    project: pytest.Pytester, assistant: Assistant
) -> None:
    path = write(project.path / "transcripts", "broken.yaml", WRONG + FINE.split("\n", 1)[1])
    result = run_pytest(project)
    result.assert_outcomes(passed=1, failed=1)
    (case, _) = tx.load([path]).cases
    report = tx.failure_report(tx.run_case(assistant, case))
    assert "- expected intent: fees" in report
    assert report in result.stdout.str()


def test_only_the_transcripts_folder_is_collected_and_pending_waits_until_named(
    project: pytest.Pytester,
) -> None:
    write(project.path / "transcripts", "good.yaml", FINE)
    write(project.path / "transcripts" / "pending", "miss.yaml", WRONG)
    write(project.path / "graph", "nodes.yaml", WRONG)
    run_pytest(project).assert_outcomes(passed=1)
    run_pytest(project, "graph").assert_outcomes()
    run_pytest(project, "transcripts/pending").assert_outcomes(failed=1)


def test_a_mistake_in_a_file_fails_with_its_line_and_the_rest_still_runs(
    project: pytest.Pytester,
) -> None:
    typo = "conversations:\n  - name: typo\n    turns:\n      - ask: hi\n        contians: [x]\n"
    write(project.path / "transcripts", "typo.yaml", typo + FINE.split("\n", 1)[1])
    result = run_pytest(project)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*typo.yaml:5: *unknown key 'contians'*did you mean 'contains'?*"])
