"""Salient unknown words, from the shipped common-English list."""

from __future__ import annotations

import pytest

from ccs_assist.understanding import salience


def test_benefit_names_and_legal_words_are_salient_everyday_words_are_not() -> None:
    found = salience.salient_unknown(["ihss", "citizenship", "dressing", "mentions"], "IHSS")
    assert found == ["ihss", "citizenship"]  # rarest first; "mentions" is as common as "mention"


def test_numbers_and_short_words_are_never_salient() -> None:
    assert salience.salient_unknown(["62k", "20th", "ok"], "") == []


def test_an_unknown_acronym_is_always_salient() -> None:
    assert salience.salient_unknown(["hpsm"], "What does the HPSM plan cover?") == ["hpsm"]


def test_the_shipped_list_is_what_wordfreq_gives() -> None:
    pytest.importorskip("wordfreq")
    shipped = salience.frequencies()
    rebuilt = {
        word: float(value)
        for word, _, value in (line.partition(" ") for line in salience.build_list().splitlines())
        if word and not word.startswith("#")
    }
    assert shipped == rebuilt
