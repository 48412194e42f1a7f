"""The matcher on the real graph: which entities it finds in a question (by label, alias or a
corrected misspelling) and which intents it scores first, before the decider grounds them."""

from __future__ import annotations

import pytest

from ccs_assist import Assistant
from ccs_assist.understanding.matcher import Matcher

from .conftest import GRAPH


@pytest.fixture(scope="module")
def engine() -> Assistant:
    return Assistant(GRAPH, cache=False)


@pytest.fixture(scope="module")
def matcher(engine: Assistant) -> Matcher:
    return engine.matcher


def entity_ids(matcher: Matcher, question: str) -> list[str]:
    return [e.node_id for e in matcher.analyze(question).entities]


def ranking(matcher: Matcher, question: str, remembered: set[str] | None = None) -> list[str]:
    return [s.intent.id for s in matcher.score(matcher.analyze(question), remembered)]


# ---- entities ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Does CCS cover spina bifida?", ["ccs", "spina_bifida"]),
        ("my son has CP", ["cerebral_palsy"]),  # an alias
        ("my son has cerebral palsey", ["cerebral_palsy"]),  # a misspelling listed as alias
        ("what does the MTU do", ["medical_therapy_unit"]),
        ("how do I ask for an IEP meeting", ["special_education"]),
        ("is my sons epilepsey covered", ["uncontrolled_seizures"]),  # corrected, then an alias
    ],
)
def test_entities_by_label_alias_and_misspelling(
    matcher: Matcher, question: str, expected: list[str]
) -> None:
    assert entity_ids(matcher, question) == expected


def test_misspelled_words_are_corrected_against_the_vocabulary(matcher: Matcher) -> None:
    analysis = matcher.analyze("is spina bifeda covered")
    assert analysis.words == ["is", "spina", "bifida", "covered"]
    assert [(e.node_id, e.start, e.end) for e in analysis.entities] == [("spina_bifida", 1, 3)]


def test_the_longest_name_wins_over_the_short_ones_inside_it(matcher: Matcher) -> None:
    analysis = matcher.analyze("California Children's Services (CCS)")
    assert [(e.node_id, e.start, e.end) for e in analysis.entities] == [("ccs", 0, 4)]


def test_ages_amounts_counties_and_implied_programs(matcher: Matcher) -> None:
    analysis = matcher.analyze("my child is 7 and we make $35,000 in Fresno County")
    assert analysis.ages == [7.0]
    assert analysis.amounts == [35000]
    assert analysis.counties == ["fresno"]
    assert analysis.entities == []
    assert matcher.analyze("what does the MTU do").implied == ["mtp"]


def test_an_unknown_subject_is_salient_but_a_word_the_graph_mentions_is_not(
    matcher: Matcher,
) -> None:
    ihss = matcher.analyze("can ccs help with IHSS hours")
    assert ihss.salient == ["ihss"] and ihss.coverage < 1
    glasses = matcher.analyze("does ccs cover glasses")
    assert glasses.unknown == ["glasses"] and glasses.salient == []


# ---- scoring -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("is hemophilia covered", "condition_covered"),
        ("how do I appeal a CCS denial", "appeal_ccs"),
        ("what is the income limit for ccs", "income_check"),
        ("how old can my child be for ccs", "age_check"),
        ("what is the difference between ccs and an iep", "ccs_vs_iep"),
        ("what is an IEE", "iee"),
        ("how do I ask for an IEP meeting", "iep_meeting_request"),
    ],
)
def test_clear_questions_score_their_intent_first(
    matcher: Matcher, engine: Assistant, question: str, first: str
) -> None:
    scored = matcher.score(matcher.analyze(question))
    assert scored[0].intent.id == first
    assert scored[0].confidence >= engine.threshold


def test_scores_come_best_first_with_the_runner_up_below(matcher: Matcher) -> None:
    assert ranking(matcher, "who pays for occupational therapy at school")[:2] == [
        "service_providers",
        "school_therapy_free",
    ]
    scored = matcher.score(matcher.analyze("Does CCS cover spina bifida?"))
    assert [s.intent.id for s in scored] == ["condition_covered", "service_providers"]
    assert scored[0].strong and not scored[1].strong
    assert scored[0].confidence > scored[1].confidence


def test_a_need_met_by_memory_scores_higher_than_an_unmet_one(matcher: Matcher) -> None:
    analysis = matcher.analyze("is it covered")
    alone = matcher.score(analysis)
    remembered = matcher.score(analysis, {"@condition", "@cerebral_palsy"})
    assert alone[0].intent.id == remembered[0].intent.id == "condition_covered"
    assert remembered[0].confidence > alone[0].confidence


@pytest.mark.parametrize(
    "question", ["what's the best pizza in town", "can I get a mortgage", "tell me a joke"]
)
def test_off_topic_questions_score_below_the_fallback_threshold(
    matcher: Matcher, engine: Assistant, question: str
) -> None:
    answerable = [
        s
        for s in matcher.score(matcher.analyze(question))
        if s.intent.spec.handler != "decline" and s.confidence >= engine.threshold
    ]
    assert answerable == []


def test_off_topic_cues_fire_the_decline_intent(matcher: Matcher) -> None:
    assert ranking(matcher, "what is the weather tomorrow")[0] == "out_of_scope"


@pytest.mark.parametrize(
    ("message", "state"),
    [
        ("does ccs cover cp? we live in texas", "texas"),
        ("FYI, we're in GA. What rights do we have?", "ga"),
        ("we are moving to the state of New York next year", "new york"),
        ("we live texas if that helps", "texas"),
        ("We moved from Texas to Fresno, how do I apply?", None),  # a California county
        ("we just moved to california from oregon", None),
        ("my daughter Georgia has cerebral palsy", None),  # a name, not a place
        ("we live in Nevada County", None),  # a California county
    ],
)
def test_a_place_outside_california_is_found_only_where_the_family_lives(
    matcher: Matcher, message: str, state: str | None
) -> None:
    assert matcher.analyze(message).other_state == state


def test_an_assistant_can_be_built_on_parts_already_at_hand(engine: Assistant) -> None:
    """Tests and embedders share one graph, catalogue and matcher between assistants."""
    again = Assistant(kg=engine.kg, catalogue=engine.catalogue, matcher=engine.matcher)
    assert again.matcher is engine.matcher
    assert again.ask("Is spina bifida covered by CCS?").intent == "condition_covered"


def test_the_words_of_a_cue_stand_in_one_sentence(matcher: Matcher) -> None:
    """'delays' in one sentence and 'provide' in the next are not 'delay providing'."""
    apart = ranking(matcher, "He has fine motor delays. The school will not provide OT.")
    assert "services_not_started" not in apart
    together = ranking(matcher, "Can CCS delay providing the OT in his IEP?")
    assert together[0] == "services_not_started"


def test_in_a_story_a_phrase_cue_stands_within_a_few_words(matcher: Matcher) -> None:
    """'need it for school' is not 'a school for special needs kids, but this school ... it';
    a one-sentence question is all question, so its cue words may stand apart."""
    story = (
        "My son has CP. They want to send him to a school for intense special needs kids but "
        "this school does not teach kids and it is just a daycare."
    )
    assert "not_medically_necessary" not in ranking(matcher, story)
    close = ranking(matcher, "ccs says ot is not medically necessary but he needs it for school")
    assert close[0] == "not_medically_necessary"
    long_question = "How long will it take for the district to complete my child's assessment?"
    assert ranking(matcher, long_question)[0] == "timelines"


def test_an_acronym_is_its_own_word(matcher: Matcher) -> None:
    """'AIDS' (an alias of HIV infection) is not the 'aid' of 'hearing aid'."""
    hearing = matcher.analyze("What is the Hearing Aid Coverage for Children Program?")
    assert "hiv_infection" not in hearing.ids()
    assert "hiv_infection" in matcher.analyze("does ccs cover aids").ids()
