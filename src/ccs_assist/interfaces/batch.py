"""Batch answering for scripts and help desks: lines in, exactly one JSON line out for each.

A line is either JSON `{"question": ..., "session": ...}` or plain text. Lines that share a
session share a conversation. The promise: every input line gets one output line, in order,
carrying its `line` number, flushed as it goes, so a caller can match them up and stream.
A blank line, a line that is not UTF-8, bad JSON or a refused question gets
`{"error": "line N: ...", "line": N}` and the batch goes on.

Input is read as bytes (stdin's buffer), so the locale never decides what is valid text, and
in chunks of at most MAX_LINE_BYTES, so a line over that size is refused without ever being
held whole. A UTF-8 byte-order mark and CRLF line ends are accepted.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO

from ccs_assist.assistant import Assistant
from ccs_assist.conversation.dialogue import Conversation
from ccs_assist.errors import QuestionError
from ccs_assist.interfaces.session_store import SessionStore

MAX_SESSIONS = 1000
MAX_SESSION_ID = 200
MAX_LINE_BYTES = 64 * 1024
BOM = "\ufeff"


def run_batch(assistant: Assistant, lines: IO[str] | IO[bytes], out: IO[str]) -> int:
    """Answer every line of `lines` (a byte stream, or a text stream whose buffer is read)."""
    # The input names its sessions; the least recently used go first when there are too many.
    sessions: SessionStore[Conversation] = SessionStore(
        assistant.conversation, ttl=None, max_size=MAX_SESSIONS
    )
    for number, line, problem in read_lines(lines, max_chars=assistant.max_chars):
        if problem is not None:
            row: dict[str, object] = {"error": f"line {number}: {problem}", "line": number}
        elif line is None:
            continue  # pragma: no cover - read_lines gives a line or a problem
        else:
            row = answer_line(assistant, sessions, line, number)
        out.write(json.dumps(row) + "\n")
        out.flush()
    return 0


def read_lines(
    stream: IO[str] | IO[bytes], limit: int = MAX_LINE_BYTES, max_chars: int = 2000
) -> Iterator[tuple[int, str | None, str | None]]:
    """(number, text, None) for each usable line, or (number, None, why) for one that is not.
    `max_chars` is the assistant's question limit, named when a plain line is far over it."""
    binary = getattr(stream, "buffer", None)
    source: IO[bytes] | IO[str] = binary if binary is not None else stream
    number = 0
    while True:
        chunk = source.readline(limit + 1)
        if not chunk:
            return
        number += 1
        raw = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "surrogatepass")
        if not raw.endswith(b"\n") and len(chunk) > limit:
            yield number, None, _too_long(source, raw, limit, max_chars)
            continue
        raw = raw.removesuffix(b"\n").removesuffix(b"\r")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield (
                number,
                None,
                f"not UTF-8 text (byte 0x{raw[error.start]:02x} at byte {error.start + 1})",
            )
            continue
        text = text.removeprefix(BOM)  # a BOM opens a file, or a file pasted onto another
        if not text.strip():
            yield number, None, "blank line: no question"
            continue
        yield number, text, None


def _too_long(source: IO[bytes] | IO[str], first: bytes, limit: int, max_chars: int) -> str:
    """Skip the rest of an over-long line in bounded chunks, counting its characters."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    count = len(decoder.decode(first))
    looks_json = first.lstrip().removeprefix(BOM.encode()).startswith((b"{", b"[", b'"'))
    while True:
        chunk = source.readline(limit)
        if not chunk:
            break
        raw = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "surrogatepass")
        done = raw.endswith(b"\n")
        count += len(decoder.decode(raw.removesuffix(b"\n").removesuffix(b"\r")))
        if done:
            break
    count += len(decoder.decode(b"", final=True))
    if looks_json:
        return f"the line is {count:,} characters long; please keep lines under {limit:,} bytes"
    return (
        f"the question is {count:,} characters long; please keep it under {max_chars:,} characters"
    )


def answer_line(
    assistant: Assistant, sessions: SessionStore[Conversation], line: str, number: int
) -> dict[str, object]:
    """The row for one line: the Answer (with its line number) or an error object."""
    question: object = line
    session: object = None
    if line.lstrip().startswith(("{", "[", '"')):
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            return {"error": f"line {number}: not valid JSON ({error.msg})", "line": number}
        except (RecursionError, ValueError):
            return {"error": f"line {number}: JSON too deeply nested or too large", "line": number}
        if not isinstance(item, dict) or "question" not in item:
            return {"error": f"line {number}: expected an object with 'question'", "line": number}
        question, session = item["question"], item.get("session")
        if session is not None and not isinstance(session, str | int):
            return {"error": f"line {number}: 'session' must be text or a number", "line": number}
        if session is not None and len(str(session)) > MAX_SESSION_ID:
            return {
                "error": f"line {number}: 'session' is longer than {MAX_SESSION_ID} characters",
                "line": number,
            }
    try:
        if session is None:
            answer = assistant.ask(question)
        else:
            answer = sessions.get_or_create(str(session)).ask(question)
    except QuestionError as error:
        return {"error": f"line {number}: {error}", "line": number}
    return {**answer.model_dump(mode="json"), "line": number}
