"""The HTTP API: every route and error code through the test client, the session store, and one
real server on a free port."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import httpx
import pytest

from ccs_assist import server
from ccs_assist.server import MAX_BODY, create_app
from ccs_assist.sessions import SessionStore

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx is what we ship with
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
SPINA = "Is spina bifida covered by CCS?"
OFF_TOPIC = "What should I cook for dinner tonight with pizza dough?"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(assistant, clock, tmp_path) -> TestClient:
    app = create_app(
        assistant,
        session_ttl=60.0,
        max_sessions=3,
        log_unanswered=tmp_path / "unanswered.jsonl",
        clock=clock,
    )
    return TestClient(app)


def new_session(client: TestClient) -> str:
    response = client.post("/v1/sessions")
    assert response.status_code == 201
    body = response.json()
    assert body["expires_in"] == 60.0
    assert len(body["session_id"]) == 32
    return body["session_id"]


def assert_error(response: httpx.Response, status: int, error: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in response.text
    return body


# ---- routes ---------------------------------------------------------------------------------


def test_health(client, assistant):
    body = client.get("/v1/health").json()
    assert body == {
        "status": "ok",
        "nodes": assistant.kg.graph.number_of_nodes(),
        "sessions": 0,
        "version": body["version"],
    }
    assert body["nodes"] > 100
    assert body["version"][0].isdigit()


def test_ask_one_off_returns_the_answer_model(client, assistant):
    response = client.post("/v1/ask", json={"question": SPINA})
    assert response.status_code == 200
    body = response.json()
    expected = assistant.ask(SPINA)
    assert body["question"] == SPINA
    assert body["intent"] == expected.intent == "condition_covered"
    assert "spina bifida" in body["answer"].lower()
    assert body["answer"] == expected.answer
    assert [c["id"] for c in body["citations"]] == [c.id for c in expected.citations]
    assert all(c["title"] for c in body["citations"])
    assert "spina_bifida" in body["nodes"]
    assert body["fallback"] is False
    # Nothing is kept for a one-off question, so there is no session to continue.
    assert body["session_id"] is None
    assert client.get("/v1/health").json()["sessions"] == 0


def test_sessions_remember_and_can_be_deleted(client):
    sid = new_session(client)
    first = client.post(
        "/v1/ask", json={"question": "My son has cerebral palsy", "session_id": sid}
    )
    assert first.status_code == 200
    assert first.json()["session_id"] == sid
    follow = client.post("/v1/ask", json={"question": "Does CCS cover his PT?", "session_id": sid})
    assert follow.json()["entities"]["condition"] == ["cerebral_palsy"]
    # The same follow-up with no session knows nothing about the child.
    alone = client.post("/v1/ask", json={"question": "Does CCS cover his PT?"}).json()
    assert "condition" not in alone["entities"]
    assert client.get("/v1/health").json()["sessions"] == 1

    deleted = client.delete(f"/v1/sessions/{sid}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get("/v1/health").json()["sessions"] == 0
    assert_error(client.delete(f"/v1/sessions/{sid}"), 404, "not_found")
    gone = client.post("/v1/ask", json={"question": "And at school?", "session_id": sid})
    assert "POST /v1/sessions" in assert_error(gone, 404, "not_found")["detail"]


def test_unknown_session_is_404_not_created(client):
    response = client.post("/v1/ask", json={"question": SPINA, "session_id": "made-up-by-client"})
    assert_error(response, 404, "not_found")
    assert client.get("/v1/health").json()["sessions"] == 0


def test_sessions_expire_when_idle(client, clock):
    sid = new_session(client)
    clock.now += 59
    assert client.post("/v1/ask", json={"question": SPINA, "session_id": sid}).status_code == 200
    clock.now += 59  # each use restarts the idle timer
    assert client.post("/v1/ask", json={"question": SPINA, "session_id": sid}).status_code == 200
    clock.now += 60
    assert client.get("/v1/health").json()["sessions"] == 0
    assert_error(
        client.post("/v1/ask", json={"question": SPINA, "session_id": sid}), 404, "not_found"
    )
    assert_error(client.delete(f"/v1/sessions/{sid}"), 404, "not_found")


def test_session_count_is_bounded(client, clock):
    ids = []
    for _ in range(3):
        ids.append(new_session(client))
        clock.now += 1
    # Use the oldest, so the second is now the least recently used.
    assert client.post("/v1/ask", json={"question": SPINA, "session_id": ids[0]}).status_code == 200
    ids.append(new_session(client))
    assert client.get("/v1/health").json()["sessions"] == 3
    assert_error(client.delete(f"/v1/sessions/{ids[1]}"), 404, "not_found")
    for kept in (ids[0], ids[2], ids[3]):
        assert client.delete(f"/v1/sessions/{kept}").status_code == 204


def test_openapi_schema(client, assistant):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) == {
        "/v1/ask",
        "/v1/sessions",
        "/v1/sessions/{session_id}",
        "/v1/health",
    }
    assert set(schema["paths"]["/v1/ask"]) == {"post"}
    assert set(schema["paths"]["/v1/sessions/{session_id}"]) == {"delete"}
    components = schema["components"]["schemas"]
    question = components["AskRequest"]["properties"]["question"]
    assert question["maxLength"] == assistant.max_chars
    assert {"answer", "citations", "fallback", "session_id"} <= set(
        components["Answer"]["properties"]
    )
    assert {"400", "404", "413", "422"} <= set(schema["paths"]["/v1/ask"]["post"]["responses"])


# ---- errors ---------------------------------------------------------------------------------


def test_400_for_bad_json_and_for_question_errors(client, assistant, monkeypatch):
    broken = client.post(
        "/v1/ask", content=b'{"question": "Is CP', headers={"content-type": "application/json"}
    )
    assert "not valid JSON" in assert_error(broken, 400, "bad_request")["detail"]
    # A question the library refuses (QuestionError) is a 400 with the library's own words.
    monkeypatch.setattr(assistant, "max_chars", 10)
    refused = client.post("/v1/ask", json={"question": SPINA})
    detail = assert_error(refused, 400, "bad_request")["detail"]
    assert "please keep it under 10 characters" in detail
    assert SPINA not in refused.text


def test_413_for_big_bodies_declared_or_streamed(client):
    big = json.dumps({"question": "x" * (MAX_BODY + 10)}).encode()
    declared = client.post("/v1/ask", content=big, headers={"content-type": "application/json"})
    assert "65,536 bytes" in assert_error(declared, 413, "payload_too_large")["detail"]

    def chunks():  # no Content-Length: the limit must hold on the bytes actually sent
        for _ in range(MAX_BODY // 8000 + 2):
            yield b"x" * 8000

    streamed = client.post(
        "/v1/ask", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in streamed.request.headers
    assert_error(streamed, 413, "payload_too_large")
    # Just under the limit is read and judged on its content (here: too long a question).
    near = json.dumps({"question": "x" * (MAX_BODY - 100)}).encode()
    assert len(near) <= MAX_BODY
    ok_size = client.post("/v1/ask", content=near, headers={"content-type": "application/json"})
    assert_error(ok_size, 422, "invalid_request")


def test_422_for_schema_errors_without_echoing_input(client, assistant):
    cases = {
        "missing": ({}, "question", "Field required"),
        "wrong type": ({"question": 42}, "question", "valid string"),
        "too long": ({"question": "x" * (assistant.max_chars + 1)}, "question", "at most"),
        "bad session": ({"question": "hi", "session_id": 7}, "session_id", "valid string"),
    }
    for name, (payload, field, message) in cases.items():
        response = client.post("/v1/ask", json=payload)
        body = assert_error(response, 422, "invalid_request")
        assert body["fields"][0]["field"] == field, name
        assert message in body["fields"][0]["message"], name
        assert "input" not in response.text, name
    long = client.post("/v1/ask", json={"question": "secret " * 400})
    assert "secret" not in long.text
    not_object = client.post("/v1/ask", json=["Is CP covered?"])
    assert assert_error(not_object, 422, "invalid_request")["fields"][0]["field"] == "body"


def test_415_when_the_body_is_not_sent_as_json(client):
    # curl -d without -H sends a form; say what to send rather than "field required".
    form = client.post(
        "/v1/ask", content=b'{"question": "hi"}', headers={"content-type": "text/plain"}
    )
    body = assert_error(form, 415, "unsupported_media_type")
    assert "Content-Type: application/json" in body["detail"]


def test_404_and_405_for_unknown_routes_and_methods(client):
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    wrong = client.get("/v1/ask")
    assert_error(wrong, 405, "method_not_allowed")
    assert wrong.headers["allow"] == "POST"


def test_unexpected_errors_are_a_json_500_without_details(assistant, caplog, monkeypatch):
    client = TestClient(create_app(assistant))

    def explode(*args, **kwargs):
        raise RuntimeError("my daughter Jane has epilepsy")  # as if an error quoted the question

    monkeypatch.setattr(assistant, "conversation", explode)
    with caplog.at_level(logging.ERROR, logger="ccs_assist.server"):
        response = client.post("/v1/ask", json={"question": "my daughter Jane has epilepsy"})
    assert_error(response, 500, "internal_error")
    assert "Jane" not in response.text and "RuntimeError" not in response.text
    assert "RuntimeError" in caplog.text and "Jane" not in caplog.text
    monkeypatch.undo()
    assert client.get("/v1/health").status_code == 200


# ---- what is and is not written down ----------------------------------------------------------


def test_log_unanswered_writes_only_fallback_questions(client, tmp_path, caplog):
    log_file = tmp_path / "unanswered.jsonl"
    sid = new_session(client)
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/ask", json={"question": SPINA, "session_id": sid})
        missed = client.post("/v1/ask", json={"question": OFF_TOPIC, "session_id": sid}).json()
        client.post("/v1/ask", json={"question": OFF_TOPIC})
    assert missed["fallback"] is True
    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["question"] for line in lines] == [OFF_TOPIC, OFF_TOPIC]
    assert set(json.loads(lines[0])) == {"date", "question"}
    assert sid not in log_file.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(log_file).st_mode) == 0o600
    # Nothing else logs what parents type.
    assert SPINA not in caplog.text and OFF_TOPIC not in caplog.text


def test_no_unanswered_log_unless_asked(assistant, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    client = TestClient(create_app(assistant))
    assert client.post("/v1/ask", json={"question": OFF_TOPIC}).json()["fallback"] is True
    assert list(tmp_path.iterdir()) == []


def test_missing_server_extra_gives_a_hint(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "fastapi", None)  # import fastapi -> ImportError
    assert server.run(None, host="127.0.0.1", port=1) == 1
    assert capsys.readouterr().err.strip() == server.INSTALL_HINT
    assert "pip install 'ccs-assist[server]'" in server.INSTALL_HINT


def test_unwritable_unanswered_log_fails_at_start(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert server.run(None, log_unanswered=blocker / "sub" / "log.jsonl") == 1
    assert "cannot write" in capsys.readouterr().err


# ---- the session store on its own ------------------------------------------------------------


def test_store_ttl_lru_and_clock():
    clock = Clock()
    made: list[str] = []
    store: SessionStore[str] = SessionStore(
        lambda sid: made.append(sid) or f"chat-{sid}", ttl=10, max_size=2, clock=clock
    )
    a, value = store.create()
    assert value == f"chat-{a}" and made == [a]
    clock.now += 5
    b, _ = store.create()
    clock.now += 5  # a is 10 s idle: expired exactly at the TTL
    assert store.get(a) is None and len(store) == 1
    c, _ = store.create()
    clock.now += 1
    assert store.get(b) == f"chat-{b}"  # touch b: c becomes least recently used
    d, _ = store.create()
    assert c not in store and b in store and d in store and len(store) == 2
    assert store.delete(b) is True and store.delete(b) is False
    clock.now += 100
    assert store.purge() == 1 and len(store) == 0
    with pytest.raises(ValueError):
        SessionStore(str, ttl=0, max_size=1)
    with pytest.raises(ValueError):
        SessionStore(str, ttl=1, max_size=0)


def test_store_stays_bounded_under_threads():
    store: SessionStore[object] = SessionStore(lambda sid: object(), ttl=60, max_size=50)
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(300):
                sid, value = store.create()
                got = store.get(sid)
                assert got is None or got is value
                store.delete(sid[::-1])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not errors
    assert len(store) == 50


# ---- a real server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_real_server_answers_on_a_free_port():
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "ccs_assist", "--graph", str(ROOT / "graph"), "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"{base}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert health is not None, process.stderr.read() if process.poll() is not None else ""
        assert health.json()["status"] == "ok"

        response = httpx.post(f"{base}/v1/ask", json={"question": SPINA}, timeout=5)
        assert response.status_code == 200
        body = response.json()
        assert "spina bifida" in body["answer"].lower()
        assert body["citations"] and all(c["id"] and c["title"] for c in body["citations"])
        assert "server" not in response.headers  # no version banner
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: uvicorn shuts down gracefully
        try:
            _, err = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - only if shutdown hangs
            process.kill()
            _, err = process.communicate(timeout=5)
    # uvicorn re-raises the signal after shutting down; the CLI turns Ctrl-C into 130.
    assert process.returncode in (0, 130), err
    assert "Application shutdown complete" in err
    assert SPINA not in err  # no access log, no bodies
    assert "127.0.0.1" in err and "/v1/ask" not in err
