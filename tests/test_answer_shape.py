"""The shape of every answer a parent reads: one to three sources shown, the most specific
first, each saying what it is; a short answer; yes/no openings first; no answer twice."""

from __future__ import annotations

import pytest

from ccs_assist import Assistant
from ccs_assist import transcripts as tx
from ccs_assist.answering import SHORT_SENTENCES, SOURCE_RANK, split_sentences

SUITE = tx.load(sorted(tx.default_transcripts_dir().glob("*.yaml")))


@pytest.fixture(scope="module")
def answers(assistant: Assistant) -> list[tuple[str, object]]:
    out = []
    for case in SUITE.cases:
        chat = assistant.conversation()
        for turn in case.turns:
            out.append((turn.spec.ask, chat.ask(turn.spec.ask)))
    return out


def test_no_answer_shows_more_than_three_sources(answers: list) -> None:
    too_many = [(q, len(a.citations)) for q, a in answers if len(a.citations) > 3]
    assert not too_many
    assert any(a.more_citations for _, a in answers)  # the rest are kept for /sources


def test_shown_sources_are_most_specific_first_and_say_what_they_are(answers: list) -> None:
    for question, answer in answers:
        ranks = [SOURCE_RANK.get(c.type or "", 9) for c in answer.citations]
        assert ranks == sorted(ranks), question
        assert all(c.what for c in answer.citations), question


def test_substantive_answers_are_short(answers: list) -> None:
    for question, answer in answers:
        if answer.fallback or answer.intent in (None, "screener", "more_detail"):
            continue
        lead = answer.answer.split("\n")[0]
        assert len(split_sentences(lead)) <= SHORT_SENTENCES + 1, question


def test_yes_no_openings_stand_first(assistant: Assistant) -> None:
    cases = {
        "My son is 20. Can he still get CCS?": "Yes.",
        "is my 19 year old too old for ccs": "No.",
        "can a teacher refer a student to the medical therapy program": "Yes.",
        "do i have to pay for ot in the iep": "No.",
    }
    for question, opening in cases.items():
        assert assistant.ask(question).answer.startswith(opening), question


def test_a_reply_leaning_on_the_last_answer_moves_on(assistant: Assistant) -> None:
    chat = assistant.conversation()
    first = chat.ask("the district says ot is a ccs thing, not theirs")
    second = chat.ask("so what do i say to them")
    assert second.answer != first.answer
    assert second.intent == "next_step" and "said just above" in second.answer


def test_a_sentence_is_not_said_twice_in_one_answer() -> None:
    """A template and a node summary often state the same fact; the parent reads it once."""
    from ccs_assist.answering.sentences import without_repeats

    said = ["It is listed. The county CCS office decides.", "The county CCS office decides. More."]
    assert without_repeats(said) == ["It is listed. The county CCS office decides.", "More."]
    assert without_repeats(["CCS pays. So refer your child early to CCS."]) == [
        "CCS pays. So refer your child early to CCS."
    ]


def test_initials_do_not_end_a_sentence() -> None:
    """'the U.S. Office for Civil Rights' is one sentence; counting it as two cut answers
    short and led one with 'You can still complain to the U.S.'"""
    text = "Complain to the U.S. Office for Civil Rights. The law (20 U.S.C. 1412) says so. Done."
    assert split_sentences(text) == [
        "Complain to the U.S. Office for Civil Rights.",
        "The law (20 U.S.C. 1412) says so.",
        "Done.",
    ]
