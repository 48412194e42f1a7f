"""Batch answering for scripts and help desks: JSON lines in, one JSON answer per line out.

A line is either JSON `{"question": ..., "session": ...}` or plain text. Lines that share a
session share a conversation. A bad line gets a JSON error object and the batch goes on; output
is flushed line by line so a caller can stream.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import IO

from .assistant import Assistant
from .dialogue import Conversation
from .errors import QuestionError

MAX_SESSIONS = 1000
MAX_SESSION_ID = 200


def run_batch(assistant: Assistant, lines: IO[str], out: IO[str]) -> int:
    sessions: OrderedDict[str, Conversation] = OrderedDict()
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if line.startswith("\ufeff") and line[1:].strip():
            line = line[1:]  # a byte-order mark before JSON; a lone one is still a line
        if not line.strip():
            continue
        out.write(json.dumps(answer_line(assistant, sessions, line, number)) + "\n")
        out.flush()
    return 0


def answer_line(
    assistant: Assistant, sessions: OrderedDict[str, Conversation], line: str, number: int
) -> dict[str, object]:
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
            key = str(session)
            chat = sessions.pop(key, None) or assistant.conversation(key)
            sessions[key] = chat
            while len(sessions) > MAX_SESSIONS:
                sessions.popitem(last=False)
            answer = chat.ask(question)
    except QuestionError as error:
        return {"error": f"line {number}: {error}", "line": number}
    return answer.model_dump(mode="json")
