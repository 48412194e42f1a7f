"""Every conversation in transcripts/ is a test; the runner itself is tested on tiny transcripts.

The conversations are collected from transcripts/*.yaml (not transcripts/pending/, which holds
known misses waiting for an engine fix). A failing conversation fails with the same report
`ccs-assist test-transcripts` prints, so the fix is the same either way.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ccs_assist import Assistant
from ccs_assist import transcripts as tx

from .conftest import GRAPH, ROOT

TRANSCRIPTS = ROOT / "transcripts"
SUITE = tx.load([TRANSCRIPTS])
RESULTS: dict[str, tx.CaseResult] = {}

# Graph nodes no intent can reach yet; their conversations wait in transcripts/pending/ and are
# listed in .notes/transcript-misses.md. Remove an id here once its conversation passes.
KNOWN_GAPS: set[str] = set()


def _result(assistant: Assistant, case: tx.Case) -> tx.CaseResult:
    if case.test_id not in RESULTS:
        RESULTS[case.test_id] = tx.run_case(assistant, case)
    return RESULTS[case.test_id]


# ---- the transcripts themselves -------------------------------------------------------------


def test_transcript_files_are_valid() -> None:
    assert not SUITE.problems, "\n".join(str(p) for p in SUITE.problems)


def test_there_are_at_least_60_conversations() -> None:
    assert len(SUITE.cases) >= 60


@pytest.mark.parametrize("case", SUITE.cases, ids=[c.test_id for c in SUITE.cases])
def test_conversation(assistant: Assistant, case: tx.Case) -> None:
    result = _result(assistant, case)
    if not result.passed:
        pytest.fail(tx.failure_report(result), pytrace=False)


def test_transcripts_exercise_every_intent_principle_and_program(assistant: Assistant) -> None:
    results = [_result(assistant, case) for case in SUITE.cases]
    cover = tx.measure_coverage(assistant, results)
    missing = {node_id for items in cover.missing.values() for node_id, _ in items}
    unexpected = sorted(missing - KNOWN_GAPS)
    assert not unexpected, "not exercised by any transcript: " + ", ".join(unexpected)


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
