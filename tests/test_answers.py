"""Each kind of question gets the right facts and cites where they come from."""

from __future__ import annotations

import pytest

from ccs_assist import Answer, Assistant
from ccs_assist.answering import Composer, Draft
from ccs_assist.knowledge.graph import KnowledgeGraph


def ask(assistant: Assistant, question: str) -> Answer:
    return assistant.ask(question)


def cited(answer: Answer) -> set[str]:
    shown_and_more = [*answer.citations, *answer.more_citations]
    return {c.id for c in shown_and_more} | {b.id for b in answer.basis}


def assert_answer(
    assistant: Assistant, question: str, intent: str, facts: list[str], cites: str
) -> None:
    """The intent, every fact (case-insensitive) and the citation are in a substantive answer."""
    answer = ask(assistant, question)
    assert answer.intent == intent, answer.answer
    assert not answer.fallback
    for fact in facts:
        assert fact.lower() in answer.answer.lower(), (fact, answer.answer)
    assert cites in cited(answer)
    assert answer.citations, "every substantive answer cites a source"


@pytest.mark.parametrize(
    ("question", "intent", "facts", "cites"),
    [
        ("what is california children's services", "what_is", ["21", "medical"], "hsc_123800"),
        ("Is my 19 year old too old for CCS?", "age_check", ["21", "19"], "req_age"),
        ("my daughter is 22 can she stay in ccs", "age_check", ["21"], "req_age"),
        (
            "what do we need to qualify for ccs",
            "eligibility",
            ["21", "40,000", "county"],
            "hsc_123870",
        ),
        (
            "we make 62k, are we over the ccs income limit",
            "income_check",
            ["20%", "40,000", "12,400"],
            "hsc_123870",
        ),
        (
            "Is spina bifida covered?",
            "condition_covered",
            ["Spina bifida", "county"],
            "seed_provider_faq",
        ),
        ("does ccs cover kids with diabetis", "condition_covered", ["Diabetes"], "ccr22_41515"),
        ("which state department runs ccs", "who_runs_ccs", ["DHCS"], "dhcs_ccs_overview"),
        (
            "can a teacher refer a kid to the medical therapy program",
            "who_can_refer_mtp",
            ["anyone", "teacher"],
            "dhcs_mtp",
        ),
        (
            "can my doctor refer us to ccs",
            "who_can_refer",
            ["anyone", "doctor"],
            "sandiego_ccs_apply",
        ),
        ("where are medical therapy units", "mtp_where", ["school"], "dhcs_mtp"),
        (
            "do we have to qualify financially for the MTP",
            "mtp_no_income_test",
            ["no income", "equipment"],
            "dhcs_mtp",
        ),
        ("what does ccs pay for", "program_covers", ["Occupational therapy"], "ccs"),
        ("is there a fee for ccs", "fees", ["fee"], "ccr22_41610"),
        ("we have kaiser, can my kid still get ccs", "insurance", ["last"], "lacounty_ccs"),
        (
            "can ccs help with gas money to get to the hospital",
            "travel_help",
            ["travel"],
            "maintenance_transportation",
        ),
        ("how do i appeal a ccs denial", "appeal_ccs", ["Notice of Action"], "nhelp_ccs_appeals"),
        ("what laws is ccs based on", "laws", ["Health and Safety Code"], "ccs_laws"),
        ("what is the whole child model", "what_is", ["Medi-Cal"], "dhcs_wcm"),
    ],
)
def test_ccs_questions(
    assistant: Assistant, question: str, intent: str, facts: list[str], cites: str
) -> None:
    assert_answer(assistant, question, intent, facts, cites)


@pytest.mark.parametrize(
    ("question", "intent", "facts", "cites"),
    [
        (
            "The district wants to remove PT from the IEP because CCS provides it. What do I say?",
            "district_says_ccs",
            ["writing", "assessment"],
            "fape_is_independent",
        ),
        (
            "school says OT is ccs's job now, not theirs",
            "district_says_ccs",
            ["may not leave a school need unmet"],
            "gov_7575",
        ),
        (
            "can they just copy the ccs prescription into the iep",
            "iep_quantified",
            ["frequency", "duration"],
            "drc_pub_5124",
        ),
        (
            "ccs reduced my sons pt, will the school cut his too",
            "ccs_reduced",
            ["do not drop"],
            "ccs_reduction_not_iep_reduction",
        ),
        (
            "Does my child's CCS OT replace OT on the IEP?",
            "ccs_vs_iep",
            ["add"],
            "additive_not_substitute",
        ),
        (
            "ccs appointments keep pulling him out of class, can the school skip his iep minutes",
            "schedules",
            ["schedule"],
            "schedules_no_excuse",
        ),
        (
            "what evidence should i bring to show he needs OT at school",
            "evidence",
            ["teacher", "work"],
            "bring_evidence_of_educational_impact",
        ),
        (
            "how do i ask the school for an OT assessment",
            "educational_evaluation",
            ["writing"],
            "request_educational_evaluation",
        ),
        ("I disagree with the school's OT assessment", "iee", ["independent"], "cfr34_300_502"),
        ("how long does the school have to assess my child", "timelines", ["15", "60"], "ed_56344"),
        ("how do i file for due process", "due_process", ["OAH"], "case_dhcs_v_oah_2016"),
        (
            "what's the difference between medical necessity and educational necessity",
            "compare_purposes",
            ["medical", "school"],
            "same_service_different_purpose",
        ),
        (
            "Who pays for physical therapy at school?",
            "service_providers",
            ["school district"],
            "special_education",
        ),
        ("what is FAPE", "what_is", ["free"], "cfr34_300_17"),
    ],
)
def test_school_questions(
    assistant: Assistant, question: str, intent: str, facts: list[str], cites: str
) -> None:
    assert_answer(assistant, question, intent, facts, cites)


def test_principle_answers_name_principle_and_source(assistant: Assistant) -> None:
    answer = ask(assistant, "the school says CCS handles OT so it's off the IEP")
    principles = [b for b in answer.basis if b.kind == "principle"]
    assert principles and principles[0].id == "fape_is_independent"
    assert any(c.url for c in answer.citations)


def test_typos_in_entities_are_tolerated(assistant: Assistant) -> None:
    answer = ask(assistant, "is cerebal palsey covred by ccs")
    assert answer.intent == "condition_covered"
    assert "Cerebral palsy" in answer.answer
    assert "cerebral_palsy" in answer.entities["condition"]


def test_ocupational_therapy_misspelled(assistant: Assistant) -> None:
    answer = ask(assistant, "who provides ocupational therapy")
    assert answer.intent == "service_providers"
    assert "occupational_therapy" in answer.entities["service"]
    assert "educational need" in answer.answer.lower()
    assert "medical need" in answer.answer.lower()


def test_answers_never_promise_coverage(assistant: Assistant) -> None:
    answer = ask(assistant, "is muscular dystrophy covered")
    assert "decides" in answer.answer
    assert not answer.answer.lower().startswith("yes")


def test_uncertain_facts_are_flagged(assistant: Assistant) -> None:
    answer = ask(assistant, "does ccs provide speech therapy")
    assert answer.uncertain
    assert "not fully confirmed" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "How do I renew my driver's license?",
        "What are good vegetarian recipes for kids?",
        "qwerty uiop",
        "What is the special education process in Florida?",
        "Does Medi-Cal cover glasses for adults?",
        "how do i apply for food stamps",
        "does ccs cover asthma",
    ],
)
def test_out_of_scope_is_declined_with_somewhere_to_ask(
    assistant: Assistant, question: str
) -> None:
    answer = ask(assistant, question)
    assert answer.fallback and answer.intent is None and answer.confidence == 0
    assert {r.id for r in answer.referrals} >= {"county_ccs_office", "drc"}
    assert "(800) 776-5746" in answer.answer


def test_unknown_condition_is_named_not_guessed(assistant: Assistant) -> None:
    answer = ask(assistant, "does ccs cover asthma")
    assert '"asthma"' in answer.answer
    assert "county" in answer.answer.lower()


def test_walk_is_kept_for_why(assistant: Assistant) -> None:
    answer = ask(assistant, "is spina bifida covered")
    steps = {(s.source, s.type, s.target) for s in answer.walk}
    assert ("spina_bifida", "part_of", "serious_birth_defects") in steps
    assert answer.nodes[0] == "spina_bifida"


def test_detail_is_offered_separately(assistant: Assistant) -> None:
    answer = ask(assistant, "what is the medical therapy program")
    assert answer.detail and answer.detail not in answer.answer
    assert len(answer.answer) < 600


def test_confidence_is_a_probability(assistant: Assistant) -> None:
    answer = ask(assistant, "is spina bifida covered")
    assert 0.4 <= answer.confidence <= 1.0


def test_words_inside_a_long_name_do_not_act_alone(assistant: Assistant) -> None:
    # "services" in "California Children's Services" must not read as "what services".
    answer = ask(assistant, "what do you need to qualify for california children's services")
    assert answer.intent == "eligibility"
    assert "40,000" in answer.answer


def test_age_said_with_will_be(assistant: Assistant) -> None:
    answer = ask(assistant, "my son will be 20 next month is he still eligible for ccs")
    assert answer.intent == "age_check" and "20" in answer.answer and "21" in answer.answer


# ---- composing a Draft into an Answer ---------------------------------------------------------


def test_a_composer_cites_and_marks_fallbacks(kg: KnowledgeGraph) -> None:
    """One Composer per graph: what it composes cites the graph and says whether it fell back."""
    composer = Composer(kg, ("county_ccs_office", "drc"))
    for fallback in (False, True):
        draft = Draft(lead=[kg.node("req_age").summary], fallback=fallback)
        draft.show("req_age")
        composed = composer.compose(
            draft, "how old?", intent="age", confidence=0.9, entities={"program": ["ccs"]}
        )
        assert composed.citations
        assert composed.fallback is fallback
        assert (composed.intent is None) is fallback


def test_an_empty_fallback_says_what_it_knows_and_who_can_help(kg: KnowledgeGraph) -> None:
    answer = Composer(kg, ("county_ccs_office",)).compose(Draft(fallback=True), "asthma?")
    assert answer.answer.startswith("Sorry, I can't answer that one.")
    assert "For help, you can ask: " in answer.answer
    assert [r.id for r in answer.referrals] == ["county_ccs_office"]
    assert answer.intent is None and answer.confidence == 0.0


def test_referrals_skip_offices_the_graph_does_not_hold(kg: KnowledgeGraph) -> None:
    referrals = Composer(kg).referrals(["no_such_office", "drc"])
    assert [r.id for r in referrals] == ["drc"]
