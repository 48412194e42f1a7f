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

import ccs_assist
from ccs_assist.interfaces.http import server
from ccs_assist.interfaces.http.app import create_app
from ccs_assist.interfaces.http.limits import MAX_BODY
from ccs_assist.interfaces.http.session_rate import SessionRate
from ccs_assist.interfaces.http.unanswered_log import UnansweredLog
from ccs_assist.interfaces.session_store import SessionStore

from .serving import start_serve, stop_serve

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
    assert body["version"] == ccs_assist.__version__


def test_health_reads_the_graph_once_not_per_call(assistant, monkeypatch):
    client = TestClient(create_app(assistant))
    nodes = client.get("/v1/health").json()["nodes"]

    def rebuilt(*args, **kwargs):  # pragma: no cover - fails the test if called
        raise AssertionError("the graph was read again")

    monkeypatch.setattr(type(assistant.kg), "graph", property(rebuilt))
    monkeypatch.setattr(assistant.kg, "counts", rebuilt)
    for _ in range(3):
        assert client.get("/v1/health").json()["nodes"] == nodes


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
        "/v1/letters",
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
    with caplog.at_level(logging.ERROR, logger="ccs_assist.interfaces.http.request_guard"):
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


def test_real_server_answers_on_a_free_port(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    served = start_serve(log=log)
    try:
        health = httpx.get(f"{served.base}/v1/health", timeout=5)
        assert health.json()["status"] == "ok"

        response = httpx.post(f"{served.base}/v1/ask", json={"question": SPINA}, timeout=5)
        assert response.status_code == 200
        body = response.json()
        assert "spina bifida" in body["answer"].lower()
        assert body["citations"] and all(c["id"] and c["title"] for c in body["citations"])
        assert "server" not in response.headers  # no version banner
    finally:
        served.process.send_signal(signal.SIGINT)  # Ctrl-C: uvicorn shuts down gracefully
        try:
            served.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - only if shutdown hangs
            served.process.kill()
            served.process.wait(timeout=5)
    err = log.read_text(encoding="utf-8")
    # uvicorn re-raises the signal after shutting down; the CLI turns Ctrl-C into 130.
    assert served.process.returncode in (0, 130), err
    assert "Application shutdown complete" in err
    assert SPINA not in err  # no access log, no bodies
    assert "127.0.0.1" in err and "/v1/ask" not in err


# ---- a server that holds (issue 12) ----------------------------------------------------------


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """True when the server closes this socket (reads EOF) within `within` seconds."""
    sock.settimeout(within)
    try:
        while sock.recv(4096):
            pass
        return True
    except (TimeoutError, OSError):
        return False


def test_idle_and_half_sent_sockets_do_not_lock_out_health():
    cap = 12
    served = start_serve("--limit-concurrency", str(cap), "--idle-timeout", "1")
    sockets: list[socket.socket] = []
    try:
        # More silent and half-sent connections than the server's connection cap.
        for i in range(cap + 8):
            sock = socket.create_connection(("127.0.0.1", served.port), timeout=5)
            if i % 2:
                sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sockets.append(sock)
        started = time.monotonic()
        health = None
        while time.monotonic() - started < 6:
            try:
                health = httpx.get(f"{served.base}/v1/health", timeout=2)
                if health.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert health is not None and health.status_code == 200
        assert time.monotonic() - started < 4  # the idle timeout (1 s) freed them, not luck
        assert all(closed_by_server(sock, 3) for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()
        stop_serve(served.process)


def test_a_half_sent_body_is_cut_off_with_408_and_big_headers_refused():
    served = start_serve("--body-timeout", "1")
    try:
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
            sock.sendall(
                b"POST /v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b'Content-Length: 100\r\n\r\n{"question": '
            )
            started = time.monotonic()
            sock.settimeout(5)
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
            waited = time.monotonic() - started
        assert reply.startswith(b"HTTP/1.1 408 "), reply[:200]
        assert b'"error":"request_timeout"' in reply
        assert 0.8 < waited < 4  # cut off after the body timeout, and the socket closed
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
            # Headers over the 16 KiB cap are refused, not buffered without end.
            sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000)
            sock.settimeout(5)
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 4"), reply[:100]
        assert httpx.get(f"{served.base}/v1/health", timeout=5).status_code == 200
    finally:
        stop_serve(served.process)


def test_the_connection_cap_is_a_json_503_like_every_other_error():
    served = start_serve("--limit-concurrency", "2")
    try:
        # One silent connection, so the health check is the second.
        with socket.create_connection(("127.0.0.1", served.port), timeout=5):
            over = httpx.get(f"{served.base}/v1/health", timeout=5)  # the second
        body = assert_error(over, 503, "unavailable")
        assert "connection limit" in body["detail"]
        assert over.headers["connection"] == "close"
        assert over.headers["cache-control"] == "no-store"
        assert over.headers["x-content-type-options"] == "nosniff"
        deadline = time.monotonic() + 5
        while httpx.get(f"{served.base}/v1/health", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, "the cap did not free up"
            time.sleep(0.05)
    finally:
        stop_serve(served.process)


def test_new_sessions_are_limited_per_client(assistant, clock):
    client = TestClient(create_app(assistant, session_rate=3, clock=clock))
    made = [client.post("/v1/sessions").status_code for _ in range(3)]
    assert made == [201, 201, 201]
    refused = client.post("/v1/sessions")
    assert_error(refused, 429, "too_many_requests")
    assert int(refused.headers["retry-after"]) >= 1
    # Questions in the sessions already made are not limited, only making new ones.
    assert client.post("/v1/ask", json={"question": SPINA}).status_code == 200
    clock.now += 20  # 3 a minute: one more after 20 s
    assert client.post("/v1/sessions").status_code == 201


def test_the_session_limit_counts_each_client_on_its_own():
    clock = Clock()
    rate = SessionRate(2, clock=clock, clients=3)
    assert [rate.take("a"), rate.take("a")] == [0, 0]
    assert rate.take("a") > 0
    assert rate.take("b") == 0  # another address has its own budget
    for name in "cdefg":  # many addresses: the table stays bounded
        rate.take(name)
    assert len(rate._buckets) == 3
    assert SessionRate(0).take("a") == 0  # 0: no limit


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("session_ttl", float("nan")),
        ("session_ttl", float("inf")),
        ("session_ttl", 0.0),
        ("session_ttl", -5.0),
        ("idle_timeout", float("nan")),
        ("body_timeout", 0.0),
        ("session_rate", float("nan")),
        ("session_rate", -1.0),
        ("max_sessions", 0),
        ("workers", 0),
        ("limit_concurrency", 0),
        ("port", 70000),
        ("sessions", "postgres://db"),
        ("person_url", "javascript:alert(1)"),
    ],
)
def test_bad_options_are_refused_before_anything_starts(option, value, capsys):
    assert server.run(None, **{option: value}) == 1
    err = capsys.readouterr().err
    assert err.startswith("ccs-assist: --") and "Traceback" not in err


def test_nan_ttl_is_refused_on_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "ccs_assist", "serve", "--session-ttl", "nan", "--port", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "--session-ttl must be a positive number" in done.stderr


def test_workers_need_shared_sessions(capsys):
    assert server.run(None, workers=2) == 1
    assert "--sessions redis://" in capsys.readouterr().err


def test_the_unanswered_log_is_0600_and_never_follows_a_symlink(tmp_path):
    path = tmp_path / "unanswered.jsonl"
    log = UnansweredLog(path)
    log.check()
    log.write("what is a zebra crossing")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["question"] == "what is a zebra crossing"

    wide = tmp_path / "wide.jsonl"
    wide.write_text("")
    wide.chmod(0o644)
    UnansweredLog(wide).write("x")
    assert stat.S_IMODE(wide.stat().st_mode) == 0o600  # tightened, not left readable

    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    with pytest.raises(OSError):
        UnansweredLog(link).check()
    UnansweredLog(link).write("planted")  # refused quietly at run time
    assert target.read_text() == "keep me\n"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError):
        UnansweredLog(fifo).check()


def test_the_unanswered_log_stops_at_its_size_cap(tmp_path, caplog):
    path = tmp_path / "unanswered.jsonl"
    log = UnansweredLog(path, max_bytes=300)
    with caplog.at_level(logging.WARNING, logger="ccs_assist.interfaces.http.unanswered_log"):
        for n in range(50):
            log.write(f"question number {n}")
    assert 0 < path.stat().st_size <= 300
    assert sum("is full" in r.getMessage() for r in caplog.records) == 1  # said once


def test_a_symlinked_log_path_is_refused_at_start(tmp_path, capsys):
    link = tmp_path / "log.jsonl"
    link.symlink_to(tmp_path / "elsewhere.jsonl")
    assert server.run(None, log_unanswered=link) == 1
    assert "cannot write" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere.jsonl").exists()


def test_answers_and_errors_are_no_store_and_nosniff(client):
    sid = new_session(client)
    responses = [
        client.post("/v1/ask", json={"question": SPINA}),
        client.post("/v1/ask", json={"question": SPINA, "session_id": sid}),
        client.post("/v1/ask", content=b"{", headers={"content-type": "application/json"}),
        client.get("/v1/nothing"),
        client.get("/v1/health"),
        client.get("/"),
    ]
    for response in responses:
        assert response.headers["cache-control"] == "no-store", response.request.url
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in responses[-1].headers["content-security-policy"]


def test_no_redirect_echoes_the_host(client):
    for path in ("/v1/health/", "/v1/ask/", "/docs/"):
        response = client.get(path, headers={"host": "evil.example"}, follow_redirects=False)
        assert response.status_code in (404, 405), path
        assert "location" not in response.headers
        assert "evil.example" not in response.text


def test_docs_work_offline_from_packaged_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    assert client.get("/redoc").status_code == 404  # no second docs page pulling a CDN


def test_every_error_and_answer_field_is_in_the_schema(client):
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            for code in ("405", "408", "500", "503"):
                assert code in responses, (path, method, code)
            for code, response in responses.items():
                assert response.get("description"), (path, method, code)
                if code.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.rsplit("/", 1)[1] in ("ErrorBody", "InvalidBody")
    assert "422" in schema["paths"]["/v1/ask"]["post"]["responses"]
    assert "429" in schema["paths"]["/v1/sessions"]["post"]["responses"]
    assert "fields" in components["InvalidBody"]["properties"]
    for name in ("ErrorBody", "InvalidBody", "SessionCreated", "Health", "AskRequest"):
        for field, spec in components[name]["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"
    undescribed = [
        field
        for field, spec in components["Answer"]["properties"].items()
        if not spec.get("description")
    ]
    assert not undescribed, f"Answer fields without a description: {undescribed}"


def test_the_chat_page_and_widget_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/static/chat.js"' in page.text
    for path in ("/widget.js", "/static/chat.js", "/static/chat.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "textContent" in client.get("/static/chat.js").text


def test_person_url_reaches_the_page_escaped(assistant):
    app = create_app(assistant, person_url='https://help.example.org/?a=1&b="2"')
    text = TestClient(app).get("/").text
    assert 'data-person-url="https://help.example.org/?a=1&amp;b=&quot;2&quot;"' in text


def test_cors_only_for_the_origins_allowed(assistant):
    app = create_app(assistant, allow_origins=("https://help.example.org",))
    client = TestClient(app)
    preflight = client.options(
        "/v1/ask",
        headers={
            "origin": "https://help.example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://help.example.org"
    other = client.post(
        "/v1/ask", json={"question": SPINA}, headers={"origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers
    plain = TestClient(create_app(assistant)).post(
        "/v1/ask", json={"question": SPINA}, headers={"origin": "https://help.example.org"}
    )
    assert "access-control-allow-origin" not in plain.headers  # none unless asked for


def test_a_session_store_that_fails_is_a_503_not_a_500(assistant):
    redis = pytest.importorskip("redis")

    class Down:
        ttl = 60.0

        def create(self) -> str:
            raise redis.ConnectionError("refused")

        def open(self, session_id: str):
            raise redis.ConnectionError("refused")

        def delete(self, session_id: str) -> bool:
            raise redis.ConnectionError("refused")

        def count(self) -> int:
            return 0

        def close(self) -> None:
            pass

    client = TestClient(create_app(assistant, sessions=Down()))
    assert_error(client.post("/v1/sessions"), 503, "unavailable")
    asked = client.post("/v1/ask", json={"question": SPINA, "session_id": "a" * 32})
    assert_error(asked, 503, "unavailable")
    assert client.post("/v1/ask", json={"question": SPINA}).status_code == 200  # one-offs work
