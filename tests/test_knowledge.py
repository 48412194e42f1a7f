"""Content tests on the real graph: the facts the product stands on are there, and cited."""

from __future__ import annotations

import json

import networkx as nx

from ccs_assist.export import export
from ccs_assist.graph import KnowledgeGraph
from ccs_assist.schema import NODE_KINDS


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


def test_graphml_and_dot_exports(kg: KnowledgeGraph) -> None:
    assert "<graphml" in export(kg, "graphml")
    dot = export(kg, "dot")
    assert dot.startswith("digraph") and '"ccs" -> "dhcs"' in dot
