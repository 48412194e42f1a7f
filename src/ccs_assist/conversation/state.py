"""A conversation's state as plain JSON data, so it can live outside one process.

`serve --sessions redis://...` keeps conversations in Redis so several workers (or machines)
share them: each request loads the state, asks, and saves it back. What is kept is exactly what
the next turn reads: the Memory's fields, the screener's progress and the last answer. A pending
"did you mean" keeps only the question text; its Analysis is rebuilt with the same matcher on
load, which is deterministic, so the choice resolves the same way.

The field lists below are checked against `dialogue.py` and `memory.py` by
tests/test_sessions_state.py: when the Conversation or its Memory gains state, that test fails
until this module saves it too.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from ccs_assist.answering import Screener
from ccs_assist.conversation.dialogue import Conversation
from ccs_assist.conversation.memory import Memory
from ccs_assist.knowledge.schema import Answer
from ccs_assist.letters import LetterError, LetterInterview

if TYPE_CHECKING:
    from ccs_assist.conversation.engine import Engine

__all__ = ["STATE_VERSION", "StateError", "dump_conversation", "load_conversation"]

STATE_VERSION = 1
# Memory fields saved as they are (JSON already); `pending` is handled on its own.
MEMORY_FIELDS = ("entities", "subject", "last_intent", "last_detail", "facts")
# Conversation attributes and where they go: state, or rebuilt from the Assistant.
CONVERSATION_STATE = ("session_id", "memory", "screener", "letter", "last")
CONVERSATION_REBUILT = ("assistant", "decider")


class StateError(ValueError):
    """Saved data that is not a conversation this version can resume."""


def dump_conversation(conv: Conversation) -> dict[str, Any]:
    """Plain, JSON-ready data that `load_conversation` turns back into the same conversation."""
    memory = conv.memory
    pending = None
    if memory.pending is not None:
        pending = [[intent_id, analysis.text] for intent_id, analysis in memory.pending]
    return {
        "version": STATE_VERSION,
        "session_id": conv.session_id,
        "memory": {
            "entities": {kind: list(ids) for kind, ids in memory.entities.items()},
            "subject": memory.subject,
            "last_intent": memory.last_intent,
            "last_detail": memory.last_detail,
            "facts": dict(memory.facts),
            "pending": pending,
        },
        "screener": conv.screener.to_state() if conv.screener is not None else None,
        "letter": conv.letter.to_state() if conv.letter is not None else None,
        "last": conv.last.model_dump(mode="json") if conv.last is not None else None,
    }


def load_conversation(assistant: Engine, data: dict[str, Any]) -> Conversation:
    """The conversation `dump_conversation` saved, bound to this Assistant; StateError if the
    data is not one (another version's format, or tampered with)."""
    try:
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise StateError("not a saved conversation of this version")
        session_id = data["session_id"]
        saved = data["memory"]
        if not isinstance(session_id, str) or not isinstance(saved, dict):
            raise StateError("not a saved conversation")
        conv = Conversation(assistant, session_id)
        entities = saved.get("entities") or {}
        if not isinstance(entities, dict):
            raise StateError("memory entities are not a mapping")
        conv.memory = Memory(
            entities={str(k): [str(i) for i in v] for k, v in entities.items()},
            subject=_text(saved.get("subject")),
            last_intent=_text(saved.get("last_intent")),
            last_detail=_text(saved.get("last_detail")),
            facts=_facts(saved.get("facts")),
            pending=_pending(assistant, saved.get("pending")),
        )
        screener = data.get("screener")
        if screener is not None:
            conv.screener = Screener.from_state(
                assistant.kg, assistant.matcher, assistant.catalogue.counties, screener
            )
        letter = data.get("letter")
        if letter is not None:
            conv.letter = LetterInterview.from_state(assistant.letters, letter)
        last = data.get("last")
        conv.last = Answer.model_validate(last) if last is not None else None
    except StateError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, LetterError) as error:
        raise StateError(f"not a saved conversation ({type(error).__name__})") from None
    return conv


def memory_field_names() -> tuple[str, ...]:
    """The Memory dataclass's fields as memory.py defines them now (for the drift test)."""
    return tuple(f.name for f in dataclasses.fields(Memory))


def _text(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise StateError("expected text")
    return value


def _pending(assistant: Engine, value: object) -> list[tuple[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise StateError("pending choices are not a list")
    intents = assistant.catalogue.intents
    out = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and item[0] in intents):
            raise StateError("a pending choice names no known intent")
        out.append((str(item[0]), assistant.matcher.analyze(str(item[1]))))
    return out


def _facts(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StateError("memory facts are not a mapping")
    return {str(k): str(v) for k, v in value.items()}
