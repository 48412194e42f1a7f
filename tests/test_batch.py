"""`ccs-assist batch` keeps its promise: one output line for every input line, in order, each
with its line number, whatever the bytes and whatever the locale; and no parser on the way is
worse than linear."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ccs_assist import Assistant
from ccs_assist.interfaces.batch import MAX_LINE_BYTES, read_lines, run_batch
from ccs_assist.text import ages, money_amounts, words

ROOT = Path(__file__).resolve().parents[1]
SPINA = "Is spina bifida covered?"

MIXED = [
    b"\xef\xbb\xbf" + SPINA.encode(),  # 1 a byte-order mark opens the file
    b"\xff\xfe not UTF-8 \xc3",  # 2 invalid bytes
    b"",  # 3 blank
    b"What is an IEP?\r",  # 4 CRLF
    b'{"question": "my son has cerebral palsy", "session": "a"}',  # 5
    b"   \t ",  # 6 only spaces
    b'{"question": "does ccs cover his pt", "session": "a"}\r',  # 7 same conversation, CRLF
    b"\xef\xbb\xbf",  # 8 a lone byte-order mark
    "¿Qué es CCS? — “curly” quotes".encode(),  # 9 good UTF-8 outside ASCII
    b"x" * (MAX_LINE_BYTES + 10),  # 10 over the line limit
    b'{"question": "' + b"y" * MAX_LINE_BYTES + b'"}',  # 11 a JSON line over it
    b"\xef\xbb\xbf" + b'{"question": "What is the Whole Child Model?"}',  # 12 a pasted file's BOM
    b"{oops",  # 13 bad JSON
    b"caf\xe9 latin-1",  # 14 Latin-1, not UTF-8
    SPINA.encode(),  # 15 the last line has no newline
]
ERRORS = {
    2: "not UTF-8",
    3: "blank",
    6: "blank",
    8: "blank",
    10: "characters long",
    11: "characters long",
    13: "not valid JSON",
    14: "not UTF-8",
}


def batch_process(feed: bytes, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ccs_assist", "--graph", str(ROOT / "graph"), "batch"],
        input=feed,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
    )


def check_mixed(rows: list[dict]) -> None:
    assert [row["line"] for row in rows] == list(range(1, len(MIXED) + 1))
    for number, row in enumerate(rows, start=1):
        if number in ERRORS:
            assert set(row) == {"error", "line"}, row
            assert row["error"].startswith(f"line {number}: ") and ERRORS[number] in row["error"]
        else:
            assert "error" not in row, row
    assert "spina bifida" in rows[0]["answer"].lower()
    assert rows[0]["question"] == SPINA  # the BOM is not part of the question
    assert rows[14]["answer"] == rows[0]["answer"]
    assert rows[6]["entities"]["condition"] == ["cerebral_palsy"]  # the session remembered
    assert rows[8]["question"] == "¿Qué es CCS? — “curly” quotes"
    assert "Whole Child" in rows[11]["question"]


@pytest.mark.parametrize("lang", ["en_US.UTF-8", "C", "POSIX"])
def test_a_mixed_file_gets_every_line_answered_in_order(lang: str) -> None:
    done = batch_process(b"\n".join(MIXED), LANG=lang, LC_ALL=lang)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == b""
    rows = [json.loads(line) for line in done.stdout.decode("ascii").splitlines()]
    check_mixed(rows)


def test_in_process_from_a_byte_stream(assistant: Assistant) -> None:
    out = io.StringIO()
    assert run_batch(assistant, io.BytesIO(b"\n".join(MIXED)), out) == 0
    check_mixed([json.loads(line) for line in out.getvalue().splitlines()])


def test_a_text_stream_is_read_through_its_buffer(assistant: Assistant) -> None:
    raw = io.BytesIO(b"What is an IEP?\n\xff\xfe\n")
    text = io.TextIOWrapper(raw, encoding="latin-1")  # the locale's encoding is never used
    out = io.StringIO()
    run_batch(assistant, text, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["line"] for r in rows] == [1, 2] and "not UTF-8" in rows[1]["error"]


def test_trailing_newlines_and_empty_input(assistant: Assistant) -> None:
    def rows(feed: bytes) -> list[dict]:
        out = io.StringIO()
        run_batch(assistant, io.BytesIO(feed), out)
        return [json.loads(line) for line in out.getvalue().splitlines()]

    assert rows(b"") == []
    assert [r["line"] for r in rows(b"What is an IEP?\n")] == [1]
    assert [r["line"] for r in rows(b"What is an IEP?\n\n")] == [1, 2]  # one blank line
    assert [r["line"] for r in rows(b"\r\n\r\n")] == [1, 2]


class CountingStream(io.BytesIO):
    """Records the most bytes any one read handed back."""

    largest = 0

    def readline(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        chunk = super().readline(size)
        self.largest = max(self.largest, len(chunk))
        return chunk

    def read(self, size: int | None = -1) -> bytes:  # pragma: no cover - must not be used
        raise AssertionError("read() would hold a whole line")


def test_an_over_long_line_is_never_held_whole() -> None:
    huge = b"ab\xc3\xa9" * 2_000_000  # 8 MB, 6 million characters
    stream = CountingStream(b"first\n" + huge + b"\nlast\n")
    got = list(read_lines(stream))
    assert stream.largest <= MAX_LINE_BYTES + 1
    assert [n for n, _, _ in got] == [1, 2, 3]
    assert got[0][1] == "first" and got[2][1] == "last"
    assert got[1][2] == (
        "the question is 6,000,000 characters long; please keep it under 2,000 characters"
    )


def test_a_huge_line_keeps_the_process_small() -> None:
    """Peak memory of `batch` with a 40 MB line is near that of a tiny input."""
    probe = (
        "import resource, subprocess, sys\n"
        "feed = sys.stdin.buffer.read()\n"
        "subprocess.run([sys.executable, '-m', 'ccs_assist', 'batch'], input=feed,\n"
        "               stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )

    def peak_kb(feed: bytes) -> int:
        done = subprocess.run(
            [sys.executable, "-c", probe], input=feed, capture_output=True, cwd=ROOT, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return int(done.stdout)

    small = peak_kb(b"What is an IEP?\n")
    big = peak_kb(b"What is an IEP?\n" + b"z" * 40_000_000 + b"\n")
    assert big - small < 15_000, f"{small} KB -> {big} KB"  # a held line would add 40+ MB


LINEAR_INPUTS = {
    "accent": "´" * 2000,
    "digit then accents": "1" + "´" * 1999,
    "digit then spaces": "1" + " " * 1999,
    "digits and spaces": "1 " * 1000,
    "dollars": "$" * 2000,
    "commas": "1," * 1000,
    "is": "is " * 666,
    "e acute": "é" * 2000,
}


@pytest.mark.parametrize("name", list(LINEAR_INPUTS))
def test_hostile_text_at_the_length_limit_finds_nothing(name: str, assistant: Assistant) -> None:
    """Runs of one character at the length limit, the shapes that make a careless regex
    backtrack: the parsers find no age or amount in them and the answer invents no topic.
    (How their time grows with length is measured in bench/bench.py, not here.)"""
    text = LINEAR_INPUTS[name]
    assert ages(text) == []
    assert money_amounts(text) == []
    assert len(words(text)) <= len(text)
    assert assistant.ask(text).intent is None
