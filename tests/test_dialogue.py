"""Conversations: memory across turns, clarification, reset, and the eligibility screener."""

from __future__ import annotations

import copy

import pytest

from ccs_assist import Assistant, QuestionError
from ccs_assist.knowledge.catalogue import load_catalogue


def test_condition_is_remembered_for_later_questions(assistant: Assistant) -> None:
    chat = assistant.conversation()
    first = chat.ask("my son has CP")
    assert first.intent == "condition_covered"
    second = chat.ask("does ccs cover his PT?")
    assert second.intent == "service_providers"
    assert "Cerebral palsy is one of the conditions" in second.answer
    assert second.entities["condition"] == ["cerebral_palsy"]


def test_short_follow_on_reuses_the_last_question(assistant: Assistant) -> None:
    chat = assistant.conversation()
    chat.ask("does ccs cover his PT?")
    school = chat.ask("and at school?")
    assert school.intent == "service_providers"
    assert "educational need" in school.answer.lower()
    assert school.entities["service"] == ["physical_therapy"]


def test_pronoun_question_uses_remembered_condition(assistant: Assistant) -> None:
    chat = assistant.conversation()
    chat.ask("my daughter has spina bifida")
    answer = chat.ask("is it covered?")
    assert answer.intent == "condition_covered"
    assert "Spina bifida" in answer.answer


def test_reset_forgets(assistant: Assistant) -> None:
    chat = assistant.conversation()
    chat.ask("my son has CP")
    chat.reset()
    assert chat.memory.entities == {}
    answer = chat.ask("is it covered?")
    assert answer.fallback and "condition" not in answer.entities


def test_reset_by_saying_start_over(assistant: Assistant) -> None:
    chat = assistant.conversation()
    chat.ask("my son has CP")
    reply = chat.ask("start over")
    assert "forgotten" in reply.answer and chat.memory.entities == {}


def test_tell_me_more_gives_the_detail(assistant: Assistant) -> None:
    chat = assistant.conversation()
    first = chat.ask("what is the medical therapy program")
    more = chat.ask("tell me more")
    assert first.detail and more.answer == first.detail


def test_close_scores_ask_which_was_meant(assistant: Assistant) -> None:
    """Two intents on the same strong cue, added to the real graph's intents in memory."""
    data = copy.deepcopy(assistant.catalogue.data)
    intents = data["intents"]
    assert isinstance(intents, list)
    intents += [
        {
            "id": "tie_one",
            "title": "First reading",
            "answer": ["fape_is_independent"],
            "strong": ["zebra crossing"],
        },
        {
            "id": "tie_two",
            "title": "Second reading",
            "answer": ["additive_not_substitute"],
            "strong": ["zebra crossing"],
        },
    ]
    catalogue = load_catalogue(assistant.kg, data=data)
    chat = Assistant(kg=assistant.kg, catalogue=catalogue).conversation()
    answer = chat.ask("zebra crossing")
    assert answer.clarify == ["First reading", "Second reading"]
    assert "1. First reading" in answer.answer and answer.citations == []
    picked = chat.ask("2")
    assert picked.intent == "tie_two"
    assert "additive_not_substitute" in {b.id for b in picked.basis}


def test_of_two_tied_readings_the_one_about_the_named_program_answers(
    assistant: Assistant,
) -> None:
    """One reading rests on the MTP's own rule, the other on the CCS-wide age rule: a question
    that names the MTP gets the MTP's rule; one that names no program still gets a choice."""
    data = copy.deepcopy(assistant.catalogue.data)
    intents = data["intents"]
    assert isinstance(intents, list)
    intents += [
        {"id": "tie_ccs", "title": "CCS-wide", "answer": ["req_age"], "strong": ["zebra crossing"]},
        {
            "id": "tie_mtp",
            "title": "MTP's own",
            "answer": ["mtp_medical_eligibility"],
            "strong": ["zebra crossing"],
        },
    ]
    catalogue = load_catalogue(assistant.kg, data=data)
    helper = Assistant(kg=assistant.kg, catalogue=catalogue)
    named = helper.conversation().ask("zebra crossing at the medical therapy program")
    assert named.clarify == [] and named.intent == "tie_mtp"
    assert "mtp_medical_eligibility" in {b.id for b in named.basis}
    unnamed = helper.conversation().ask("zebra crossing")
    assert unnamed.clarify == ["CCS-wide", "MTP's own"]


def test_clarification_reply_picks_an_option(assistant: Assistant) -> None:
    chat = assistant.conversation()
    analysis = assistant.matcher.analyze("ccs and iep")
    chat.memory.pending = [("ccs_vs_iep", analysis), ("service_providers", analysis)]
    answer = chat.ask("1")
    assert answer.intent == "ccs_vs_iep"
    assert "additive_not_substitute" in {b.id for b in answer.basis}


def test_greeting_and_thanks_are_not_fallbacks(assistant: Assistant) -> None:
    chat = assistant.conversation()
    assert "CCS" in chat.ask("hello").answer
    assert not chat.ask("thanks!").fallback


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "?!?"])
def test_empty_questions_get_a_prompt(assistant: Assistant, text: str) -> None:
    answer = assistant.ask(text)
    assert "Please type a question" in answer.answer
    assert answer.citations == []


def test_too_long_question_is_refused_clearly(assistant: Assistant) -> None:
    with pytest.raises(QuestionError, match="characters"):
        assistant.ask("ccs " * 1000)


def test_non_text_is_refused(assistant: Assistant) -> None:
    with pytest.raises(QuestionError, match="must be text"):
        assistant.ask(42)


# ---- the screener -------------------------------------------------------------------------


def run(assistant: Assistant, *lines: str) -> list:
    chat = assistant.conversation()
    return [chat.ask(line) for line in lines]


def test_screener_likely_eligible_path(assistant: Assistant) -> None:
    replies = run(assistant, "check eligibility", "7", "Fresno", "no", "35,000", "cerebral palsy")
    assert replies[0].intent == "screener"
    assert "How old" in replies[0].answer
    assert "meets the age rule" in replies[1].answer and "req_age" in {
        b.id for b in replies[1].basis
    }
    assert "Fresno County" in replies[2].answer
    assert "35,000 is at or under the $40,000 line" in replies[4].answer
    final = replies[-1]
    assert "may well be eligible" in final.answer
    assert "county" in final.answer.lower()
    assert final.screener and final.screener["done"] is True
    assert final.citations


def test_screener_medi_cal_skips_income(assistant: Assistant) -> None:
    replies = run(assistant, "am i eligible", "4 years", "Los Angeles", "yes", "spina bifida")
    assert "full-scope Medi-Cal meet" in replies[3].answer
    assert "medical condition" in replies[3].answer
    assert "may well be eligible" in replies[-1].answer


def test_screener_over_income_asks_cost(assistant: Assistant) -> None:
    replies = run(assistant, "check eligibility", "10", "San Diego", "no", "$80,000", "5000")
    assert "20%" in replies[4].answer and "16,000" in replies[4].answer
    assert "not more than 20%" in replies[5].answer


def test_screener_too_old_is_likely_not(assistant: Assistant) -> None:
    replies = run(assistant, "check eligibility", "23", "Kern", "yes", "hemophilia")
    assert "does not meet" in replies[1].answer
    assert "likely NOT eligible" in replies[-1].answer


def test_screener_re_asks_on_bad_answers(assistant: Assistant) -> None:
    replies = run(assistant, "check eligibility", "abc", "9")
    assert "as a number" in replies[1].answer and "How old" in replies[1].answer
    assert "meets the age rule" in replies[2].answer


def test_screener_out_of_state(assistant: Assistant) -> None:
    replies = run(
        assistant,
        "check eligibility",
        "5",
        "we live in another state",
        "no",
        "20000",
        "cystic fibrosis",
    )
    assert "likely NOT eligible" in replies[-1].answer


def test_screener_can_be_stopped(assistant: Assistant) -> None:
    chat = assistant.conversation()
    chat.ask("check eligibility")
    assert "stopped" in chat.ask("stop").answer
    assert chat.ask("is spina bifida covered").intent == "condition_covered"
