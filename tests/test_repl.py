"""The chat shell: driven headless through prompt-toolkit's pipe input, and piped via subprocess."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from ccs_assist.interfaces import repl
from ccs_assist.interfaces.repl import (
    EXAMPLES,
    Shell,
    interactive,
    make_completer,
    make_history,
    piped,
)

ROOT = Path(__file__).resolve().parents[1]
SPINA = "Is spina bifida covered by CCS?"


def drive(assistant, keys: str, history=None) -> tuple[int, str]:
    """Run the interactive chat on typed keys ("\r" is Enter); return (status, printed text)."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        status = interactive(
            assistant,
            input=pipe,
            output=DummyOutput(),
            history=history if history is not None else InMemoryHistory(),
            out=out,
            width=80,
        )
    return status, out.getvalue()


def test_conversation_with_slash_commands(assistant):
    keys = "\r".join(
        [SPINA, "/why", "/sources", "/screen", "7", "/reset", "/why", "/help", "/nonsense", "/quit"]
    )
    history = InMemoryHistory()
    status, text = drive(assistant, keys + "\r", history)
    assert status == 0
    expected = assistant.ask(SPINA)
    lines = text.splitlines()

    # Welcome first: what it answers, and that it is not legal advice.
    welcome = text.split("\n\n")[0]
    assert "California Children's Services" in welcome and "IEP" in welcome
    assert "not legal advice" in welcome

    # The answer: short answer first, citations set apart under "Sources:", 80 columns wide.
    assert "Spina bifida" in text
    answer_at = text.index("Spina bifida")
    sources_at = text.index("\n\nSources:\n", answer_at)
    assert text.index(expected.answer.split()[0], answer_at) < sources_at
    for citation in expected.citations[:6]:
        assert citation.title.split(",")[0][:40] in text
    assert all(len(line) <= 80 for line in lines if "://" not in line)

    # /why: in plain words first, then the walk through the graph and the sources behind it.
    assert "I read this as a question about: Whether a condition is covered by CCS." in text
    assert "I used these facts:" in text
    assert f"intent {expected.intent}," in text
    assert "Links followed:" in text
    for step in expected.walk:
        assert f"{step.source} --{step.type}--> {step.target}" in text

    # /sources lists every citation with its URL, untruncated.
    for citation in expected.citations:
        if citation.url:
            assert text.count(citation.url) >= 3  # in the answer, /why and /sources

    # /screen starts the screener, and the reply to its first question moves it on.
    assert "How old is your child?" in text
    assert "Age 7 meets the age rule" in text

    # /reset forgets: /why afterwards has nothing to explain.
    assert "I've forgotten this conversation" in text
    assert "Nothing to show yet" in text

    # /help lists every command and example questions; unknown commands say so.
    for command in repl.COMMANDS:
        assert f"  {command}" in text
    assert EXAMPLES[0] in text.split("Ask in your own words", 1)[1]
    assert "Unknown command /nonsense" in text

    # /quit says goodbye; the questions went into the history, newest last.
    assert lines[-1] == "Goodbye."
    assert history.get_strings()[0] == SPINA
    assert history.get_strings()[-1] == "/quit"


def test_ctrl_c_cancels_the_line_and_ctrl_d_exits(assistant):
    # Type a question, then Ctrl-C instead of Enter: it must not be asked. Ctrl-D then leaves.
    status, text = drive(assistant, "Is cerebral palsy covered by CCS?\x03/sources\r\x04")
    assert status == 0
    assert "cerebral palsy" not in text.lower()
    assert "Nothing to show yet" in text  # /sources had no answer to show
    assert text.rstrip().endswith("Goodbye.")


def test_question_errors_are_shown_not_raised(assistant, monkeypatch):
    monkeypatch.setattr(assistant, "max_chars", 40)  # the engine's own limit, made quick to type
    long_question = "why " * 20
    status, text = drive(assistant, long_question + "\r/quit\r")
    assert status == 0
    said = " ".join(text.split())
    assert f"please keep it under {assistant.max_chars:,} characters" in said
    assert "Goodbye." in said


def test_conversation_memory_carries_between_lines(assistant):
    shell = Shell(assistant)
    shell.handle("My son has cerebral palsy")
    reply = shell.handle("Does CCS cover his PT?")
    assert "physical therapy" in reply.text.lower()
    assert shell.chat.last is not None
    assert shell.chat.last.entities.get("condition") == ["cerebral_palsy"]
    shell.handle("/reset")
    assert shell.chat.last is None
    shell.handle("Does CCS cover his PT?")
    assert "condition" not in shell.chat.last.entities


def test_screen_restarts_a_screening_in_progress(assistant):
    shell = Shell(assistant)
    first = shell.handle("/screen").text
    assert "How old is your child?" in first
    shell.handle("7")
    again = shell.handle("/screen").text
    assert "How old is your child?" in again
    assert shell.chat.last.screener["step"] == "age"


def test_help_examples_are_answered(assistant):
    chat = assistant.conversation()
    for example in EXAMPLES:
        answer = chat.ask(example)
        assert not answer.fallback and not answer.clarify, example
        assert answer.citations, example


def test_completion_of_terms_and_commands(assistant):
    completer = make_completer(assistant.terms())

    def complete(text: str) -> list[tuple[str, int]]:
        found = completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
        return [(c.text, c.start_position) for c in found]

    assert ("/why", -3) in complete("/wh")
    assert [c for c, _ in complete("/s")] == ["/screen", "/sources"]
    # Multi-word names complete from where the name starts, not just the last word.
    assert ("Cerebral palsy", -len("cerebral pa")) in complete("is cerebral pa")
    assert ("Spina bifida", -len("spina")) in complete("Is spina")
    # Case-insensitive duplicates collapse; nothing is offered after a space.
    names = [c for c, _ in complete("Medical Therapy Pro")]
    assert names == ["Medical Therapy Program"]
    assert complete("Is CP covered ") == []


def test_history_file_in_data_dir_or_memory(tmp_path, monkeypatch):
    target = tmp_path / "data" / "ccs-assist"
    monkeypatch.setattr("platformdirs.user_data_dir", lambda name: str(target))
    assert repl.history_path() == target / "history"
    history = make_history()
    assert isinstance(history, FileHistory)
    assert (target / "history").exists()
    assert stat.S_IMODE(os.stat(target / "history").st_mode) == 0o600

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert isinstance(make_history(blocker / "sub" / "history"), InMemoryHistory)


def test_piped_lines_in_process(assistant):
    out = io.StringIO()
    lines = [b"\xef\xbb\xbf" + SPINA.encode() + b"\n", b"\n", b"\xff\xfe bad\n", b"/sources\n"]
    assert piped(assistant, lines, out) == 0
    blocks = out.getvalue().split("\n\n")
    assert blocks[0].startswith(assistant.ask(SPINA).answer.split()[0])
    assert "not UTF-8" in out.getvalue()
    assert out.getvalue().rstrip().endswith(assistant.ask(SPINA).citations[-1].url or "")


def _run_piped(args: list[str], text: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "ccs_assist", "--graph", str(ROOT / "graph"), *args],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )


@pytest.mark.parametrize("args", [[], ["chat"]], ids=["no-args", "chat"])
def test_piped_stdin_answers_each_line_and_exits_0(args, assistant):
    questions = f"{SPINA}\n\n   \nWhat is an IEE?\n/why\n"
    done = _run_piped(args, questions)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout
    # No prompt, welcome or goodbye noise: the output starts with the first answer.
    assert "you>" not in out and "Goodbye" not in out and "legal advice" not in out
    first = assistant.ask(SPINA)
    iee = assistant.ask("What is an IEE?")
    assert out.startswith(first.answer.split(".")[0][:60])
    assert "\n\nSources:\n" in out
    assert iee.answer.split(".")[0][:60] in out
    # The answers come in order, each followed by a blank line, and /why explains the last one.
    assert out.index("Spina bifida") < out.index(iee.answer[:30]) < out.index("intent what_is")
    assert "\n\nI read this as a question about: What something is." in out
