"""Content tests on the real graph: the facts the product stands on are there, and cited."""

from __future__ import annotations

import json

import networkx as nx

from ccs_assist.knowledge.export import export
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.schema import NODE_KINDS


def test_real_graph_loads_with_every_kind(kg: KnowledgeGraph) -> None:
    counts = kg.counts()
    for kind in NODE_KINDS:
        assert counts[kind] > 0, kind
    assert isinstance(kg.graph, nx.MultiDiGraph)


def test_cerebral_palsy_is_a_covered_condition(kg: KnowledgeGraph) -> None:
    programs = {p for p, _ in kg.out("cerebral_palsy", "covered_by")}
    for group, _ in kg.out("cerebral_palsy", "part_of"):
        programs |= {p for p, _ in kg.out(group, "covered_by")}
    assert {"ccs", "mtp"} <= programs


def test_ot_comes_from_mtp_and_iep_for_different_purposes(kg: KnowledgeGraph) -> None:
    purposes = {p: d.get("purpose") for p, d in kg.into("occupational_therapy", "provides")}
    assert purposes["mtp"] == "medical_necessity"
    assert purposes["special_education"] == "educational_necessity"


def test_every_node_but_sources_cites_a_source(kg: KnowledgeGraph) -> None:
    for node in kg.nodes():
        if node.kind != "source":
            assert kg.sources_of(node.id), node.id


def test_every_principle_cites_a_real_source_with_an_address(kg: KnowledgeGraph) -> None:
    for node in kg.nodes("principle"):
        cited = [kg.node(s) for s in kg.sources_of(node.id)]
        assert any(s.url for s in cited), node.id


def test_dhcs_administers_ccs_not_public_health(kg: KnowledgeGraph) -> None:
    runners = {o for o, _ in kg.out("ccs", "administered_by")}
    assert "dhcs" in runners
    assert "cdph" not in runners
    assert "Health Care Services" in kg.node("dhcs").label


def test_income_rule_numbers_come_from_the_statute(kg: KnowledgeGraph) -> None:
    rule = kg.node("req_income")
    assert rule.params == {"agi_limit": 40000, "cost_share_percent": 20}
    assert "or less" in rule.summary
    assert "hsc_123870" in kg.sources_of("req_income")
    assert kg.node("req_age").params["max_age_exclusive"] == 21


def test_seed_corrections_are_in_place(kg: KnowledgeGraph) -> None:
    assert "2013" in kg.node("healthy_families").summary
    assert "Medi-Cal" in kg.node("healthy_families").summary


def test_mtp_needs_no_income_rule(kg: KnowledgeGraph) -> None:
    requirements = {r for r, _ in kg.out("mtp", "requires")}
    assert "req_income" not in requirements
    assert "req_medical_condition" in requirements


def test_json_export_is_node_link_with_kinds_and_types(kg: KnowledgeGraph) -> None:
    data = json.loads(export(kg, "json"))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["ccs"]["kind"] == "program" and nodes["ccs"]["label"]
    assert nodes["fape_is_independent"]["summary"]
    assert all("type" in link for link in data["links"])


def test_a_sources_publisher_is_kept_and_exported(kg: KnowledgeGraph) -> None:
    """`publisher:` is checked on load, so it must not be dropped after."""
    expected = "Article from a commercial IEP guide site (seed document)"
    assert kg.node("seed_ccs_iep_article").publisher == expected
    nodes = {n["id"]: n for n in json.loads(export(kg, "json"))["nodes"]}
    assert nodes["seed_ccs_iep_article"]["publisher"] == expected
    assert "publisher" not in nodes["ccs"]  # a program has none
    published = [n for n in kg.nodes("source") if n.publisher]
    assert len(published) > len(list(kg.nodes("source"))) // 2


def test_graphml_and_dot_exports(kg: KnowledgeGraph) -> None:
    assert "<graphml" in export(kg, "graphml")
    dot = export(kg, "dot")
    assert dot.startswith("digraph") and '"ccs" -> "dhcs"' in dot


# ---- the knowledge audit (issue 10) ---------------------------------------------------------


def _all_text(kg: KnowledgeGraph) -> list[tuple[str, str]]:
    return [
        (node.id, f"{node.summary or ''} {node.detail or ''}")
        for node in kg.nodes()
        if node.kind != "source"
    ]


def test_no_node_overstates_the_districts_duty(kg: KnowledgeGraph) -> None:
    false_wordings = [
        "no matter what ccs",
        "whatever ccs does",
        "regardless of what ccs",
        "neither one is a reason",
        "does not let the district off the hook",
    ]
    for node_id, text in _all_text(kg):
        folded = " ".join(text.lower().split())
        for wording in false_wordings:
            assert wording not in folded, (node_id, wording)
    summary = kg.node("fape_is_independent").summary or ""
    assert "school need unmet" in summary and "writing" in summary
    assert "gov_7575" in kg.sources_of("fape_is_independent")


def test_ab114_ended_the_county_mandate_not_the_services(kg: KnowledgeGraph) -> None:
    summary = kg.node("ab114_did_not_end_ccs_therapy").summary or ""
    assert "school districts alone became responsible" in " ".join(summary.lower().split())
    assert "cde_ab114" in kg.sources_of("ab114_did_not_end_ccs_therapy")


def test_ccs_appeal_deadlines_are_params_resting_on_title_22(kg: KnowledgeGraph) -> None:
    expected = {
        "ccs_appeal_30_days": (30, "ccr22_42160"),
        "ccs_appeal_answer_21_days": (21, "ccr22_42160"),
        "ccs_fair_hearing_14_days": (14, "ccr22_42180"),
    }
    for node_id, (days, source) in expected.items():
        assert kg.node(node_id).params["days"] == days, node_id
        assert source in kg.sources_of(node_id), node_id
    routes = kg.node("ccs_appeal_where_to_send").params
    assert routes["dependent_county"] == "State CCS Regional Office"
    for node_id in ["ccs_services_during_appeal", "ccs_appeal_no_form"]:
        assert "ccr22_42160" in kg.sources_of(node_id), node_id
    linked = {t for t, _ in kg.out("ccs_appeal_30_days", "applies_to")}
    assert {"notice_of_action", "appeal_ccs_decision"} <= linked


def test_section_504_disputes_have_grievance_and_hearing(kg: KnowledgeGraph) -> None:
    assert "cfr34_104_36" in kg.sources_of("section_504_impartial_hearing")
    assert kg.node("section_504_grievance_procedure").uncertain  # 104.7(b) read second-hand


def test_medi_cal_meets_the_money_rule_and_the_mtp_needs_no_iep(kg: KnowledgeGraph) -> None:
    assert "full-scope Medi-Cal meets" in " ".join((kg.node("req_income").summary or "").split())
    assert "county" in (kg.node("medi_cal_meets_income_rule").detail or "")
    assert (kg.node("mtp_no_iep_needed").summary or "").startswith("No.")
    assert "does not need an IEP" in " ".join((kg.node("mtp").detail or "").split())


def test_one_source_claims_are_flagged(kg: KnowledgeGraph) -> None:
    assert kg.node("ccs_case_management_nurse").uncertain
    assert kg.node("ccs_speech_therapy").uncertain
    assert "longest" not in (kg.node("ccs_history_1927").summary or "")


def test_audited_citations(kg: KnowledgeGraph) -> None:
    assert "gov_7575" not in kg.sources_of("medical_necessity")
    assert "seed_ccs_iep_article" not in kg.sources_of("ccs")  # the article says CDPH runs CCS
    assert "seed_provider_faq" not in kg.sources_of("req_income")  # it says "less than $40,000"
    assert "cde_ab114" not in kg.sources_of("cde")
    assert kg.node("ed_56363").source_type == "publication"
    assert "123870" not in (kg.node("hsc_123800").url or "")
    # the only address we have is the IDEA early intervention page that quotes 300.34
    assert kg.node("cfr34_300_34").source_type == "agency_page"


def test_no_seed_is_listed_first_when_another_source_exists(kg: KnowledgeGraph) -> None:
    for node in kg.nodes():
        if node.kind == "source":
            continue
        cited = list(kg.sources_of(node.id))
        kinds = [kg.node(s).source_type for s in cited]
        if any(k != "seed" for k in kinds):
            assert kinds[0] != "seed", node.id


def test_whole_child_model_counties_are_params(kg: KnowledgeGraph) -> None:
    params = kg.node("wcm_counties").params
    counties = [c.strip() for c in str(params["counties"]).split(",")]
    assert len(counties) == params["county_count"] == 21
    assert {"Sonoma", "Orange", "Merced"} <= set(counties)
    assert "Los Angeles" not in counties
    later = [
        c.strip()
        for c in str(kg.node("wcm_expansion_2025").params["partnership_counties"]).split(",")
    ]
    assert len(later) == 10 and not set(later) & set(counties)
