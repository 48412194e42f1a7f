"""Letters parents can send (issue 14): the six kinds, their deadlines, laws and citations, the
loader's file:line problems, the .docx round trip, reading grade, the chat interview, the CLI
and the HTTP routes."""

from __future__ import annotations

import logging
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from ccs_assist.errors import GraphError
from ccs_assist.interfaces.cli import main
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.letters import (
    KEEP_COPY,
    LetterError,
    LetterInterview,
    Letters,
    docx_bytes,
    format_date,
    menu_text,
    normalize_service,
    parse_date,
    read_docx_text,
    write_docx,
)

ROOT = Path(__file__).resolve().parents[1]
LETTERS_DIR = ROOT / "graph" / "letters"
SEEDS = Path("/work/shared/seeds")
TODAY = date(2026, 11, 24)
SAMPLE = {
    "child_name": "Ana Ruiz",
    "child_dob": "2016-03-04",
    "school": "Lincoln Elementary",
    "district": "Fresno Unified School District",
    "service": "OT",
    "what_happened": "The team said OT will stop in January.",
    "request_date": "2026-11-24",
    "event_date": "2026-11-02",
    "reason_given": "CCS provides OT.",
    "assessment": "the school OT assessment",
    "assessment_date": "2026-10-15",
    "reason": "It did not test her handwriting.",
    "county": "Fresno",
    "ccs_number": "12345",
    "therapist_name": "Kim Lee",
    "meeting_date": "2026-12-10",
    "notice_date": "2026-11-10",
    "decision_date": "2026-11-20",
    "parent_name": "Maria Ruiz",
    "parent_contact": "12 Oak St, Fresno CA 93701, (559) 555-0100",
}

# kind -> (deadline or None, laws named, sources that must be cited, phrases in the letter)
EXPECTED: dict[str, tuple[date | None, list[str], list[str], list[str]]] = {
    "request_assessment": (
        date(2026, 12, 9),  # 15 days after the district gets the letter on Nov 24
        ["Education Code 56321", "Education Code 56344"],
        ["ed_56321", "ed_56344", "ed_56302_1"],
        [
            "assess Ana Ruiz for special education",
            "occupational therapy (OT)",
            "I expect the plan by December 9, 2026",
            "60 days",
        ],
    ),
    "prior_written_notice": (
        None,
        ["34 CFR 300.503", "Government Code 7575"],
        ["cfr34_300_503", "gov_7575"],
        [
            "On November 2, 2026",
            "The reason I was given was: CCS provides OT.",
            "asking for prior written notice",
            "gets therapy from CCS",
        ],
    ),
    "request_iee": (
        None,
        ["34 CFR 300.502", "Education Code 56329"],
        ["cfr34_300_502", "ed_56329"],
        [
            "I disagree with the school OT assessment, dated October 15, 2026",
            "independent educational evaluation (IEE) at public expense",
            "without unnecessary delay",
        ],
    ),
    "ccs_therapist_input": (
        None,
        ["2 CCR 60300"],
        ["ccr2_60300", "fresno_ccs_mtp", "drc_pub_5124"],
        [
            "IEP meeting is on December 10, 2026",
            "Kim Lee",
            "Release of information",
            "CCS Medical Therapy Program in Fresno County and Fresno Unified School District",
        ],
    ),
    "ccs_appeal": (
        date(2026, 12, 10),  # postmarked within 30 calendar days of the Nov 10 notice
        ["22 CCR 42160"],
        ["ccr22_42160"],
        [
            "Notice of Action dated November 10, 2026",
            "keep giving Ana Ruiz occupational therapy (OT) while this appeal is decided",
            "CCS number: 12345",
            "Fresno County",
        ],
    ),
    "ccs_fair_hearing": (
        date(2026, 12, 4),  # within 14 calendar days of the Nov 20 appeal decision
        ["22 CCR 42180"],
        ["ccr22_42180"],
        ["CCS Fair Hearing under 22 CCR 42180", "appeal decision is dated November 20, 2026"],
    ),
}


@pytest.fixture(scope="module")
def letters(kg: KnowledgeGraph) -> Letters:
    return Letters.load(kg)


def _fields(letters: Letters, kind: str) -> dict[str, str]:
    return {f.name: SAMPLE[f.name] for f in letters.fields(kind)}


def _as_read(text: str) -> str:
    lines = [line.strip().lstrip("-").strip() for line in text.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".?!:" else line + "." for line in lines)


# ---- the six kinds -------------------------------------------------------------------------


def test_the_six_kinds_are_there(letters: Letters) -> None:
    assert {k.id for k in letters.kinds()} == set(EXPECTED)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_letter_filled_in(letters: Letters, kg: KnowledgeGraph, kind: str) -> None:
    due, laws, sources, phrases = EXPECTED[kind]
    letter = letters.make_letter(kind, _fields(letters, kind), today=TODAY)
    lines = letter.text.splitlines()
    assert letter.missing == []
    assert lines[0] == "November 24, 2026"  # today's date heads the letter
    assert "From: Maria Ruiz" in lines and SAMPLE["parent_contact"] in lines
    assert "Ana Ruiz" in letter.text and lines[-1] == "Maria Ruiz"
    assert "born on March 4, 2016" in letter.text
    for phrase in phrases:
        assert phrase in letter.text, phrase
    # the law is named in the letter itself
    assert letter.laws == laws
    for law in laws:
        assert law in letter.body
    # the citations are exactly the sources of the nodes it rests on, each once
    expected = list(dict.fromkeys(s for n in letters.kind(kind).rests_on for s in kg.sources_of(n)))
    assert [c.id for c in letter.citations] == expected
    assert set(sources) <= set(expected)
    # the keep-a-copy line closes the letter; what to do next stays out of it
    assert KEEP_COPY in lines and lines.index(KEEP_COPY) < lines.index("Sincerely,")
    assert letter.next_steps and not any(step in letter.text for step in letter.next_steps)
    assert letter.notice == "This is information, not legal advice."
    assert letter.full_text().endswith(letter.notice)
    assert "Not part of the letter" in letter.full_text()
    if due is None:
        assert letter.deadline is None
        assert "does not set" in letter.timing  # says so, never invents a number
    else:
        assert letter.deadline is not None
        assert letter.deadline.date == due
        rule = kg.node(letter.deadline.rule)
        assert letter.deadline.days == rule.params["days"]  # the number comes from the graph
        assert format_date(due) in letter.timing
        assert letter.deadline.sentence == letter.timing
        assert not letter.deadline.passed


def test_appeal_deadline_is_postmarked_in_calendar_days(letters: Letters) -> None:
    letter = letters.make_letter("ccs_appeal", _fields(letters, "ccs_appeal"), today=TODAY)
    assert letter.deadline is not None and letter.deadline.day_kind == "calendar"
    assert letter.timing.startswith("Your appeal must be postmarked by December 10, 2026.")
    assert "30 calendar days" in letter.timing
    assert letter.then == "ccs_fair_hearing"
    assert any("21 calendar days" in step for step in letter.next_steps)


def test_fair_hearing_deadline_is_14_calendar_days(letters: Letters) -> None:
    fields = _fields(letters, "ccs_fair_hearing") | {"decision_date": "December 28, 2026"}
    letter = letters.make_letter("ccs_fair_hearing", fields, today=date(2026, 12, 30))
    assert letter.deadline is not None
    assert letter.deadline.date == date(2027, 1, 11)  # across the new year
    assert "filed by January 11, 2027" in letter.timing


def test_a_passed_deadline_is_said_first(letters: Letters) -> None:
    fields = _fields(letters, "ccs_appeal") | {"notice_date": "2026-09-01"}
    letter = letters.make_letter("ccs_appeal", fields, today=TODAY)
    assert letter.deadline is not None and letter.deadline.passed
    assert letter.next_steps[0].startswith("October 1, 2026 has already passed")


def test_missing_fields_are_listed_and_shown_as_blanks(letters: Letters) -> None:
    letter = letters.make_letter("ccs_appeal", {"child_name": "Ana Ruiz"}, today=TODAY)
    assert letter.missing == [
        "child_dob",
        "county",
        "service",
        "what_happened",
        "notice_date",
        "parent_name",
        "parent_contact",
    ]
    assert "[your child's date of birth]" in letter.text
    assert letter.deadline is None  # nothing to count from yet


def test_an_optional_field_left_out_drops_its_paragraph(letters: Letters) -> None:
    fields = _fields(letters, "prior_written_notice")
    del fields["reason_given"]
    letter = letters.make_letter("prior_written_notice", fields, today=TODAY)
    assert letter.missing == []
    assert "reason I was given" not in letter.text and "[" not in letter.text
    assert "If the reason is that Ana Ruiz gets therapy from CCS" in letter.text


def test_bad_input_is_refused_with_a_reason(letters: Letters) -> None:
    with pytest.raises(LetterError, match="no letter kind 'nope'"):
        letters.make_letter("nope", {}, today=TODAY)
    with pytest.raises(LetterError, match="has no field 'shoe_size'"):
        letters.make_letter("ccs_appeal", {"shoe_size": "3"}, today=TODAY)
    with pytest.raises(LetterError, match="notice_date: I can't read"):
        letters.make_letter("ccs_appeal", {"notice_date": "last week sometime"}, today=TODAY)
    with pytest.raises(LetterError, match="after today"):
        letters.make_letter("ccs_appeal", {"notice_date": "2027-01-05"}, today=TODAY)
    with pytest.raises(LetterError, match="too long"):
        letters.make_letter("ccs_appeal", {"reason": "x" * 1001}, today=TODAY)


def test_dates_and_services_as_parents_write_them() -> None:
    assert parse_date("11/3/2026", TODAY) == date(2026, 11, 3)
    assert parse_date("2026-11-03", TODAY) == date(2026, 11, 3)
    assert parse_date("November 3rd, 2026", TODAY) == date(2026, 11, 3)
    assert parse_date("3 Nov 2026", TODAY) == date(2026, 11, 3)
    assert parse_date("on Dec 2", TODAY, "past") == date(2025, 12, 2)
    assert parse_date("Jan 5", TODAY, "future") == date(2027, 1, 5)
    assert parse_date("yesterday", TODAY) == TODAY - timedelta(days=1)
    assert parse_date("3/4/16", TODAY) == date(2016, 3, 4)
    assert parse_date("February 30, 2026", TODAY) is None
    assert parse_date("soon", TODAY) is None
    assert normalize_service("OT") == "occupational therapy (OT)"
    assert normalize_service("pt and ot") == "occupational therapy (OT) and physical therapy (PT)"
    assert normalize_service("both") == "occupational therapy (OT) and physical therapy (PT)"
    assert normalize_service("vision services") == "vision services"


# ---- plain words ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_reading_grade_8_or_lower(letters: Letters, kind: str) -> None:
    textstat = pytest.importorskip("textstat")
    letter = letters.make_letter(kind, _fields(letters, kind), today=TODAY)
    assert textstat.flesch_kincaid_grade(_as_read(letter.body)) <= 8.0
    below = "\n".join([letter.timing, *letter.next_steps])
    assert textstat.flesch_kincaid_grade(_as_read(below)) <= 8.0


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not on this machine")
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_no_sentence_copied_from_the_seeds(letters: Letters, kind: str) -> None:
    seeds = " ".join(
        " ".join(re.findall(r"[a-z0-9]+", p.read_text(encoding="utf-8", errors="ignore").lower()))
        for p in SEEDS.glob("*.txt")
    )
    letter = letters.make_letter(kind, _fields(letters, kind), today=TODAY)
    tokens = re.findall(r"[a-z0-9]+", " ".join([letter.body, *letter.next_steps]).lower())
    runs = {" ".join(tokens[i : i + 8]) for i in range(len(tokens) - 7)}
    assert not [run for run in runs if f" {run} " in f" {seeds} "]


# ---- .docx ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_docx_reads_back_with_the_same_text(letters: Letters, kind: str, tmp_path: Path) -> None:
    letter = letters.make_letter(kind, _fields(letters, kind), today=TODAY)
    assert read_docx_text(docx_bytes(letter)) == letter.text
    path = tmp_path / "letter.docx"
    write_docx(letter, path)
    assert read_docx_text(path) == letter.text


# ---- picking a kind from a parent's words --------------------------------------------------


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("help me write a letter asking for a PT evaluation", "request_assessment"),
        ("I want the school to do an OT assessment", "request_assessment"),
        ("the school refused OT and says CCS provides it", "prior_written_notice"),
        ("can you help me ask for prior written notice", "prior_written_notice"),
        ("I disagree with the assessment and want an IEE", "request_iee"),
        ("letter so the MTP therapist input is used at the IEP", "ccs_therapist_input"),
        ("I got a notice of action from CCS and want to appeal", "ccs_appeal"),
        ("CCS denied my appeal, I want a fair hearing", "ccs_fair_hearing"),
        ("write me a letter", None),
    ],
)
def test_pick_a_kind(letters: Letters, said: str, kind: str | None) -> None:
    assert letters.pick(said) == kind


def test_menu_lists_every_title(letters: Letters) -> None:
    menu = menu_text(letters)
    assert all(k.title in menu for k in letters.kinds())


# ---- the loader: problems as file:line -----------------------------------------------------


def _copy_letters(tmp_path: Path) -> Path:
    target = tmp_path / "letters"
    shutil.copytree(LETTERS_DIR, target)
    return target


def test_loader_reports_each_problem_with_file_and_line(kg: KnowledgeGraph, tmp_path: Path) -> None:
    folder = _copy_letters(tmp_path)
    appeal = folder / "ccs_appeal.yaml"
    text = appeal.read_text(encoding="utf-8")
    text = text.replace("rests_on: [ccs_appeal_30_days,", "rests_on: [ccs_appeal_300_days,")
    text = text.replace("I am appealing the Notice", "I am {apealing} the Notice")
    appeal.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    iee = folder / "request_iee.yaml"
    iee.write_text(iee.read_text(encoding="utf-8").replace("\nbody: |", "\nbodi: |"), "utf-8")
    pwn = folder / "prior_written_notice.yaml"
    pwn.write_text(
        pwn.read_text(encoding="utf-8").replace("Government Code 7575]", "Penal Code 999]"),
        "utf-8",
    )
    with pytest.raises(GraphError) as caught:
        Letters.load(kg, folder)
    found = {(Path(p.file).name, p.line, p.message) for p in caught.value.problems}
    bad_node = next(m for f, _, m in found if "ccs_appeal_300_days" in m)
    assert "not a graph node" in bad_node
    node_line = next(i for i, line in enumerate(lines, 1) if "ccs_appeal_300_days" in line)
    assert ("ccs_appeal.yaml", node_line) in {(f, n) for f, n, m in found if m == bad_node}
    placeholder_line = next(i for i, line in enumerate(lines, 1) if "{apealing}" in line)
    assert any(
        f == "ccs_appeal.yaml" and n == placeholder_line and "'{apealing}'" in m
        for f, n, m in found
    )
    assert any(f == "request_iee.yaml" and "unknown field 'bodi'" in m for f, _, m in found)
    assert any(f == "request_iee.yaml" and "missing field 'body'" in m for f, _, m in found)
    assert any(
        f == "prior_written_notice.yaml" and "law 'Penal Code 999'" in m for f, _, m in found
    )
    assert all(n > 0 for f, n, m in found if f != "request_iee.yaml")
    assert "ccs_appeal.yaml:" in str(caught.value)


def test_loader_refuses_a_format_trick_and_a_deadline_not_cited(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    folder = _copy_letters(tmp_path)
    path = folder / "ccs_fair_hearing.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Dear Director:", "Dear {child_name.__class__}:")
    text = text.replace(
        "rests_on: [ask_for_ccs_fair_hearing, ccs_fair_hearing_14_days,",
        "rests_on: [ask_for_ccs_fair_hearing,",
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GraphError) as caught:
        Letters.load(kg, folder)
    messages = " | ".join(p.message for p in caught.value.problems)
    assert "bad placeholder" in messages
    assert "must also be listed in rests_on" in messages


def test_a_graph_without_a_letters_folder_has_no_letters(
    kg: KnowledgeGraph, tmp_path: Path
) -> None:
    assert Letters.load(kg, tmp_path / "letters").kinds() == []


def test_check_includes_the_letters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^letters\s+6$", out, re.MULTILINE)


# ---- the chat interview --------------------------------------------------------------------


def _interview(letters: Letters) -> LetterInterview:
    return LetterInterview(letters, today=TODAY)


def test_interview_asks_only_what_it_does_not_know(letters: Letters) -> None:
    chat = _interview(letters)
    opening = chat.start("ccs_appeal", {"county": "Fresno", "school": "ignored", "child_dob": "?"})
    assert "Appeal a CCS Notice of Action" in opening
    assert chat.asking == "child_name" and "(1 of 9)" in opening
    answers = [
        "Ana Ruiz",
        "3/4/2016",
        "12345",
        "PT",
        "CCS will stop PT.",
        "Nov 10",
        "skip",
        "Maria Ruiz",
        "12 Oak St, Fresno",
    ]
    asked = []
    reply = None
    for answer in answers:
        asked.append(chat.asking)
        reply = chat.handle(answer)
    assert "county" not in asked and asked.count("child_dob") == 1
    assert reply is not None and reply.done and reply.letter is not None
    assert "Your appeal must be postmarked by December 10, 2026" in reply.text
    assert "keep giving Ana Ruiz physical therapy (PT)" in reply.letter.text
    assert "Here is why I disagree" not in reply.letter.text  # the skipped reason


def test_interview_change_skip_retry_and_side_questions(letters: Letters) -> None:
    chat = _interview(letters)
    chat.start("request_assessment", {})
    chat.handle("Ana Ruiz")
    retry = chat.handle("sometime in spring")
    assert chat.asking == "child_dob" and "Please write a date like" in retry.text
    chat.handle("March 4, 2016")
    changed = chat.handle("change my child's name to Ana Maria Ruiz")
    assert changed.text.startswith("Changed your child's name.")
    assert chat.asking == "school"
    side = chat.handle("what does assess mean?")
    assert not side.handled and chat.asking == "school"
    chat.handle("Roosevelt Elementary")
    chat.handle("Fresno Unified School District")
    assert chat.handle("skip").text.startswith("I need therapy")  # required: not skipped
    chat.handle("both")
    chat.handle("skip")  # what she sees at school is optional
    chat.handle("Maria Ruiz")
    done = chat.handle("maria@example.org")
    assert done.done and done.letter is not None
    assert "Ana Maria Ruiz" in done.letter.text
    assert "physical therapy (PT)" in done.letter.text
    fixed = chat.handle("change school to Lincoln Elementary")
    assert fixed.done and fixed.letter is not None
    assert "goes to Lincoln Elementary" in fixed.letter.text
    assert not chat.handle("thanks!").handled


def test_interview_change_without_a_value_asks_again(letters: Letters) -> None:
    chat = _interview(letters)
    chat.start("request_iee", {f.name: SAMPLE[f.name] for f in letters.fields("request_iee")})
    assert chat.done
    reply = chat.handle("change the date of birth")
    assert reply.asking == "child_dob" and not chat.done
    reply = chat.handle("4 March 2016")
    assert reply.done


def test_interview_stop_forgets(letters: Letters) -> None:
    chat = _interview(letters)
    chat.start("ccs_fair_hearing", {})
    chat.handle("Ana Ruiz")
    reply = chat.handle("stop")
    assert reply.stopped and chat.values == {} and chat.kind == ""


def test_interview_state_round_trip(letters: Letters) -> None:
    chat = _interview(letters)
    chat.start("ccs_appeal", {})
    chat.handle("Ana Ruiz")
    again = LetterInterview.from_state(letters, chat.to_state(), today=TODAY)
    assert again.asking == chat.asking == "child_dob"
    assert again.values == {"child_name": "Ana Ruiz"}
    with pytest.raises(ValueError):
        LetterInterview.from_state(letters, {"kind": "ccs_appeal", "values": {"x": "1"}})


# ---- the CLI -------------------------------------------------------------------------------


def _cli_args(kind: str, letters: Letters) -> list[str]:
    args = ["letter", kind, "--today", TODAY.isoformat()]
    for spec in letters.fields(kind):
        args += ["--" + spec.name.replace("_", "-"), SAMPLE[spec.name]]
    return args


def test_cli_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["letter", "--list"]) == 0
    out = capsys.readouterr().out
    assert "ccs_appeal" in out and "--notice-date" in out and "(optional)" in out


def test_cli_missing_fields_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["letter", "ccs_appeal", "--child-name", "Ana Ruiz"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "missing required fields" in err
    assert "--notice-date (the date of the Notice of Action)" in err
    assert "--child-name" not in err.split("error:")[1]


def test_cli_prints_and_writes(
    letters: Letters, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_cli_args("ccs_appeal", letters)) == 0
    out = capsys.readouterr().out
    assert "postmarked by December 10, 2026" in out and "22 CCR 42160" in out
    docx = tmp_path / "appeal.docx"
    assert main([*_cli_args("ccs_appeal", letters), "-o", str(docx)]) == 0
    out = capsys.readouterr().out
    letter = letters.make_letter("ccs_appeal", _fields(letters, "ccs_appeal"), today=TODAY)
    assert read_docx_text(docx) == letter.text
    assert "What to do next" in out and "Sincerely" not in out  # the letter went to the file
    txt = tmp_path / "appeal.txt"
    assert main([*_cli_args("ccs_appeal", letters), "-o", str(txt)]) == 0
    assert txt.read_text(encoding="utf-8") == letter.text + "\n"


# ---- HTTP ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(assistant: object) -> object:
    pytest.importorskip("fastapi")
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from ccs_assist.interfaces.http.letters import add_letter_routes

    app = FastAPI()
    add_letter_routes(app, assistant)  # type: ignore[arg-type]
    return TestClient(app)


def test_http_lists_kinds_and_fields(client: object) -> None:
    response = client.get("/v1/letters")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    kinds = {k["id"]: k for k in response.json()["letters"]}
    assert set(kinds) == set(EXPECTED)
    fields = {f["name"]: f for f in kinds["ccs_appeal"]["fields"]}
    assert fields["notice_date"]["type"] == "date"
    assert fields["notice_date"]["ask"].startswith("What date is printed")
    assert kinds["ccs_appeal"]["laws"] == ["22 CCR 42160"]


def test_http_makes_a_letter(client: object, letters: Letters) -> None:
    body = {"kind": "ccs_appeal", "fields": _fields(letters, "ccs_appeal"), "today": "2026-11-24"}
    response = client.post("/v1/letters", json=body)  # type: ignore[attr-defined]
    assert response.status_code == 200
    data = response.json()
    assert data["deadline"]["date"] == "2026-12-10"
    assert data["timing"].startswith("Your appeal must be postmarked by December 10, 2026")
    assert "22 CCR 42160" in data["text"] and data["missing"] == []
    assert data["citations"][0]["id"] == "ccr22_42160"


def test_http_missing_fields_are_a_422_naming_them(client: object) -> None:
    body = {"kind": "ccs_appeal", "fields": {"child_name": "Ana Ruiz"}}
    response = client.post("/v1/letters", json=body)  # type: ignore[attr-defined]
    assert response.status_code == 422
    data = response.json()
    assert data["error"] == "invalid_request"
    assert "notice_date" in data["missing"] and "child_name" not in data["missing"]
    assert {
        "field": "fields.notice_date",
        "message": "required: the date of the Notice of Action",
    } in data["fields"]


def test_http_refusals(client: object) -> None:
    post = client.post  # type: ignore[attr-defined]
    assert post("/v1/letters", json={"kind": "nope", "fields": {}}).status_code == 404
    bad_date = post("/v1/letters", json={"kind": "ccs_appeal", "fields": {"notice_date": "x1"}})
    assert bad_date.status_code == 422 and "x1" not in bad_date.text
    assert post("/v1/letters", json={"kind": "ccs_appeal", "extra": 1}).status_code == 422


def test_letters_are_not_logged(
    client: object, letters: Letters, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = {"kind": "request_iee", "fields": _fields(letters, "request_iee")}
    client.post("/v1/letters", json=body)  # type: ignore[attr-defined]
    letters.make_letter("request_iee", _fields(letters, "request_iee"), today=TODAY)
    assert "Ana Ruiz" not in caplog.text and "Maria Ruiz" not in caplog.text


def test_http_routes_reuse_the_apps_documented_error_bodies(assistant: object) -> None:
    pytest.importorskip("fastapi")
    from fastapi import FastAPI
    from pydantic import BaseModel

    from ccs_assist.interfaces.http.letters import add_letter_routes

    class ErrorBody(BaseModel):
        error: str
        detail: str

    class InvalidBody(ErrorBody):
        fields: list[dict[str, str]]

    app = FastAPI()
    errors = {
        405: {"model": ErrorBody, "description": "wrong method"},
        422: {"model": InvalidBody, "description": "bad body"},
    }

    @app.get("/v1/health", responses=errors)  # type: ignore[arg-type]
    def health() -> dict[str, str]:
        return {"status": "ok"}

    add_letter_routes(app, assistant)  # type: ignore[arg-type]
    schema = app.openapi()["paths"]
    for method, codes in (("get", {"405"}), ("post", {"404", "405", "422"})):
        responses = schema["/v1/letters"][method]["responses"]
        assert codes <= set(responses), (method, responses)
    post = schema["/v1/letters"]["post"]["responses"]
    assert post["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/InvalidBody")
    assert post["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
