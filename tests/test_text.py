"""text.py on its own: the one normalization the graph's names and the parent's words share,
and the numbers (money, ages) read out of what a parent types."""

from __future__ import annotations

import pytest

from ccs_assist.text import (
    MAX_AGE,
    STOPWORDS,
    ages,
    fold,
    key,
    money_amounts,
    reply_age,
    reply_amount,
    stem,
    stems,
    words,
)

# ---- folding and words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Café", "cafe"),  # accents dropped
        ("ﬁne", "fine"),  # compatibility forms (a ligature) made plain
        ("\u201cHello\u201d it\u2019s", '"hello" it is'),  # curly quotes, then the contraction
        ("What's CCS's role?", "what is ccs role?"),  # possessive 's dropped
        ("the kids' therapy", "the kids therapy"),  # plural possessive
        ("don't", "do not"),
        ("I can't", "i can not"),
        ("cannot", "can not"),
        ("O'Neil", "oneil"),  # an apostrophe inside a word joins it
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_words_drop_punctuation_and_split_hyphens() -> None:
    assert words("Medi-Cal, please!") == ["medi", "cal", "please"]
    assert words("$62,000 and 5%") == ["62", "000", "and", "5"]
    assert words("Doesn't CCS's MTP cover P.T.?") == [
        "does",
        "not",
        "ccs",
        "mtp",
        "cover",
        "p",
        "t",
    ]
    assert words("  ") == []


def test_words_returns_a_fresh_list_each_time() -> None:
    """The cache holds a tuple: a caller changing its list cannot change the next caller's."""
    first = words("cerebral palsy")
    first.append("changed")
    assert words("cerebral palsy") == ["cerebral", "palsy"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("covered", "cover"),
        ("covers", "cover"),
        ("covering", "cover"),
        ("stopped", "stop"),  # doubled consonant undone
        ("cutting", "cut"),
        ("rolled", "roll"),  # but not a doubled l, s or z
        ("buzzing", "buzz"),
        ("therapies", "therapy"),
        ("classes", "class"),
        ("status", "status"),  # -us, -is, -ss keep their s
        ("basis", "basis"),
        ("quickly", "quick"),
        ("evaluation", "evaluat"),
        ("requirement", "requir"),
        ("ccs", "ccs"),  # short words and numbers stay whole
        ("1234", "1234"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_stems_and_key_make_one_name_of_many_spellings() -> None:
    assert stems("Covered services") == ("cover", "servic")
    assert key("Cerebral Palsy") == key("cerebral-palsy's") == "cerebral palsy"
    assert key("Therapies covered") == key("therapy covers")
    assert key("Medi-Cal") != key("Medicare")


def test_stopwords_are_common_words_not_domain_words() -> None:
    assert {"the", "what", "does", "please", "gonna"} <= STOPWORDS
    assert not {"therapy", "ccs", "school", "cover", "income"} & STOPWORDS
    assert all(w == w.lower() and " " not in w for w in STOPWORDS)


# ---- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("$62,000", [62000]),
        ("62k", [62000]),
        ("62 thousand", [62000]),
        ("we earn 2 grand a month", [2000]),
        ("we make 45000", [45000]),  # a bare number counts next to a money word
        ("1,000", [1000]),  # a thousands comma marks money
        ("$5", [5]),
        ("we made $30,000 last year, $45,000 this year", [45000, 30000]),  # largest first
    ],
)
def test_money_amounts(text: str, amounts: list[int]) -> None:
    assert money_amounts(text) == amounts


@pytest.mark.parametrize(
    "text",
    [
        "45000",  # a bare number with no money word is not money
        "I have 3 kids",
        "our income is 999",  # under 1,000 a bare number is not read as income
        "my son is 7",
        "12345678901234 dollars",  # no family income has that many digits
    ],
)
def test_not_money(text: str) -> None:
    assert money_amounts(text) == []


# ---- ages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("19 year old", [19.0]),
        ("a 5-year-old", [5.0]),
        ("3yo", [3.0]),
        ("2 y/o", [2.0]),
        ("18 months", [1.5]),
        ("14 mos", [14 / 12]),
        ("she is 20", [20.0]),  # a bare number after "is", "turns", "at", "age" ...
        ("turns 21", [21.0]),
        ("stop at 18", [18.0]),
        ("he is 5 years old and 30 lbs", [5.0]),  # with a unit, bare numbers are not ages
    ],
)
def test_ages(text: str, found: list[float]) -> None:
    assert ages(text) == pytest.approx(found)


@pytest.mark.parametrize(
    "text",
    ["7", "is 12 percent", "she is 3 days late", "we pay 20 times", "it is 40k", "my son has CP"],
)
def test_not_ages(text: str) -> None:
    assert ages(text) == []


# ---- one reply to one question --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("7", 7.0),  # a bare number is the answer to "how old?"
        (" 7 ", 7.0),
        ("18 months", 1.5),
        ("she is 20", 20.0),
        (str(MAX_AGE), float(MAX_AGE)),
    ],
)
def test_reply_age(text: str, age: float) -> None:
    assert reply_age(text) == age


@pytest.mark.parametrize("text", ["seven", "not sure", str(MAX_AGE + 1), "7 and 8", ""])
def test_reply_without_an_age(text: str) -> None:
    assert reply_age(text) is None


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("52,000", 52000.0),  # no dollar sign needed in a reply to "how much?"
        ("52000", 52000.0),
        ("52k", 52000.0),
        ("about 52 thousand", 52000.0),
        ("$9,000.50", 9000.5),
        ("between 40,000 and 50,000", 40000.0),  # the first number
    ],
)
def test_reply_amount(text: str, amount: float) -> None:
    assert reply_amount(text) == amount


@pytest.mark.parametrize("text", ["not sure", "none", "", "a lot"])
def test_reply_without_an_amount(text: str) -> None:
    assert reply_amount(text) is None
