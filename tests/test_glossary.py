"""Jargon spelled out the first time an answer uses it, from the graph's own labels."""

from __future__ import annotations

from ccs_assist import Assistant


def test_an_abbreviation_gets_its_words_once(assistant: Assistant) -> None:
    text = assistant.glossary.spell_out("Ask for an IEE. An IEE is paid by the school.")
    assert (
        text == "Ask for an IEE (independent educational evaluation). An IEE is paid by the school."
    )


def test_words_already_there_are_not_repeated(assistant: Assistant) -> None:
    text = "The Medical Therapy Unit (MTU) is at a school. The MTU is a clinic."
    assert assistant.glossary.spell_out(text) == text


def test_everyday_abbreviations_stay_as_they_are(assistant: Assistant) -> None:
    text = "CCS and the IEP can both give OT and PT."
    assert assistant.glossary.spell_out(text) == text


def test_answers_spell_out_jargon(assistant: Assistant) -> None:
    answer = assistant.ask("who runs ccs").answer
    assert "DHCS (California Department of Health Care Services)" in answer
