"""A conversation saved as JSON between every turn answers exactly as one kept in memory.

This is what lets several workers share conversations through Redis. It also guards against
drift: dialogue.py is rewritten by others, and if the Conversation or its Memory gains state
that state.py does not save, these tests fail instead of parents losing memory silently.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from ccs_assist import Assistant
from ccs_assist.conversation.state import (
    CONVERSATION_REBUILT,
    CONVERSATION_STATE,
    MEMORY_FIELDS,
    StateError,
    dump_conversation,
    load_conversation,
    memory_field_names,
)

CONVERSATIONS = {
    "memory": [
        "my son has cerebral palsy",
        "does ccs cover his pt",
        "and at school?",
        "tell me more",
    ],
    "did you mean": ["ccs income and age", "2", "what about the age limit"],
    "screener": [
        "check eligibility",
        "7",
        "what does full scope mean?",
        "Fresno",
        "no",
        "35,000",
        "cerebral palsy",
        "is that covered?",
    ],
    "reset": ["my daughter has spina bifida", "start over", "is it covered?"],
}


def answers_kept_in_memory(assistant: Assistant, turns: list[str]) -> list[dict]:
    chat = assistant.conversation("same-id")
    return [chat.ask(turn).model_dump(mode="json") for turn in turns]


def answers_through_json(assistant: Assistant, turns: list[str]) -> list[dict]:
    """Dump, JSON round-trip and load before every turn, as a Redis-backed server does."""
    chat = assistant.conversation("same-id")
    out = []
    for turn in turns:
        saved = json.loads(json.dumps(dump_conversation(chat)))
        chat = load_conversation(assistant, saved)
        out.append(chat.ask(turn).model_dump(mode="json"))
    return out


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_round_trip_between_every_turn_gives_the_same_answers(
    assistant: Assistant, name: str
) -> None:
    turns = CONVERSATIONS[name]
    assert answers_through_json(assistant, turns) == answers_kept_in_memory(assistant, turns)


def test_the_states_used_above_are_really_there(assistant: Assistant) -> None:
    """The round trips above carry memory, a pending choice and a screener mid-way."""
    chat = assistant.conversation()
    chat.ask("my son has cerebral palsy")
    assert dump_conversation(chat)["memory"]["entities"]["condition"] == ["cerebral_palsy"]
    clarify = chat.ask("ccs income and age")
    assert clarify.clarify
    assert len(dump_conversation(chat)["memory"]["pending"]) == 2
    chat.ask("check eligibility")
    chat.ask("7")
    saved = dump_conversation(chat)["screener"]
    assert saved["step"] == "residence" and saved["results"] == {"age": "met"}


def test_state_is_plain_json(assistant: Assistant) -> None:
    chat = assistant.conversation()
    for turn in CONVERSATIONS["screener"][:4]:
        chat.ask(turn)
    data = dump_conversation(chat)
    assert json.loads(json.dumps(data)) == data


def test_conversation_attributes_are_all_saved_or_rebuilt(assistant: Assistant) -> None:
    """Fails when dialogue.py adds state that state.py does not know about yet."""
    chat = assistant.conversation()
    assert set(vars(chat)) == set(CONVERSATION_STATE) | set(CONVERSATION_REBUILT), (
        "Conversation's attributes changed: teach src/ccs_assist/conversation/state.py "
        "to save the new ones"
    )
    assert set(memory_field_names()) == {*MEMORY_FIELDS, "pending"}, (
        "Memory's fields changed: teach src/ccs_assist/conversation/state.py to save the new ones"
    )
    assert {f.name for f in dataclasses.fields(chat.memory)} == set(memory_field_names())


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"version": 99},
        {"version": 1},
        {"version": 1, "session_id": 5, "memory": {}},
        {"version": 1, "session_id": "x", "memory": {"pending": [["no_such_intent", "q"]]}},
        {"version": 1, "session_id": "x", "memory": {}, "screener": {"step": "nowhere"}},
        {"version": 1, "session_id": "x", "memory": {"entities": "cp"}},
        {"version": 1, "session_id": "x", "memory": {}, "last": {"answer": 3}},
    ],
)
def test_data_that_is_not_a_conversation_is_refused(assistant: Assistant, data: object) -> None:
    with pytest.raises(StateError):
        load_conversation(assistant, data)  # type: ignore[arg-type]


def test_the_screener_saves_every_field_it_has(assistant: Assistant) -> None:
    """Fails when the Screener gains state that to_state/from_state do not carry."""
    from ccs_assist.answering import Screener

    chat = assistant.conversation()
    chat.ask("check eligibility")
    assert chat.screener is not None
    saved = chat.screener.to_state()
    live = {f.name for f in dataclasses.fields(Screener)} - {"kg", "matcher", "counties"}
    assert set(saved) == live, "teach Screener.to_state/from_state the new fields"
    again = Screener.from_state(
        assistant.kg, assistant.matcher, assistant.catalogue.counties, saved
    )
    assert again.to_state() == saved
