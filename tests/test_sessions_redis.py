"""Conversations in Redis: shared by processes, expiring, bounded, one turn at a time.

A real redis-server is started here on a free loopback port (skipped, saying why, only where
the binary is missing; CI installs it). The end-to-end tests run two `serve` processes, and one
`serve --workers 2`, against it and check a 20-turn conversation keeps its memory on every turn.
"""

from __future__ import annotations

import concurrent.futures
import json
import shutil
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from ccs_assist import Assistant
from ccs_assist.conversation.state import dump_conversation
from ccs_assist.interfaces.http.sessions import RedisConversations, SessionBusy, open_store

from .serving import free_port, start_serve, stop_serve

redis = pytest.importorskip("redis", reason="no redis package: pip install -e '.[test]'")
REDIS_SERVER = shutil.which("redis-server") or shutil.which("valkey-server")
if REDIS_SERVER is None:
    pytest.skip(
        "no redis-server binary: apt-get install -y redis-server (CI's .ci/run does)",
        allow_module_level=True,
    )

TWENTY_TURNS = [
    "my son has cerebral palsy",
    "does ccs cover his pt",
    "and at school?",
    "does ccs cover his ot",
    "tell me more",
    "is it covered?",
    "what about speech therapy?",
    "and at school?",
    "who pays for his therapy?",
    "does he need a referral?",
    "is there an income limit?",
    "does ccs cover his pt",
    "can the school say ccs handles it?",
    "what is the medical therapy program",
    "does he qualify for the mtp?",
    "how old can he be?",
    "and at school?",
    "tell me more",
    "does ccs cover his wheelchair?",
    "is it covered?",
]
CONDITIONS = [
    "cerebral palsy",
    "spina bifida",
    "cystic fibrosis",
    "muscular dystrophy",
    "hemophilia",
    "hearing loss",
]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def store(assistant: Assistant, redis_url: str) -> Iterator[RedisConversations]:
    sessions = open_store(assistant, redis_url, ttl=60, max_size=100)
    assert isinstance(sessions, RedisConversations)
    sessions.redis.flushdb()
    yield sessions
    sessions.close()


def plain(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "session_id"}


# ---- the store on its own --------------------------------------------------------------------


def test_a_conversation_survives_between_store_objects(assistant, store, redis_url) -> None:
    sid = store.create()
    with store.open(sid) as chat:
        assert chat is not None
        chat.ask("my son has cerebral palsy")
    other = RedisConversations(assistant, redis_url, ttl=60, max_size=100)  # "another worker"
    with other.open(sid) as chat:
        assert chat is not None and chat.session_id == sid
        answer = chat.ask("does ccs cover his pt")
    assert answer.entities["condition"] == ["cerebral_palsy"]
    assert store.count() == 1
    assert store.delete(sid) is True and store.delete(sid) is False
    with store.open(sid) as chat:
        assert chat is None
    other.close()


def test_unknown_and_odd_ids_are_none(store) -> None:
    for sid in ("f" * 32, "../../etc", "x" * 200, "ccs-assist:used"):
        with store.open(sid) as chat:
            assert chat is None
    assert store.redis.keys("*lock*") == []


def test_sessions_expire_in_redis(assistant, redis_url) -> None:
    short = RedisConversations(assistant, redis_url, ttl=0.3, max_size=10)
    sid = short.create()
    time.sleep(0.5)
    with short.open(sid) as chat:
        assert chat is None
    assert short.count() == 0
    short.close()


def test_the_count_is_bounded_least_recently_used_first(assistant, redis_url) -> None:
    small = RedisConversations(assistant, redis_url, ttl=60, max_size=3, prefix="bound:")
    ids = [small.create() for _ in range(3)]
    with small.open(ids[0]) as chat:  # touch the oldest: the second becomes the least used
        assert chat is not None
    ids.append(small.create())
    assert small.count() == 3
    with small.open(ids[1]) as chat:
        assert chat is None
    small.close()


def test_a_saved_state_from_another_version_is_a_new_start(store) -> None:
    sid = store.create()
    store.redis.set(f"{store.prefix}s:{sid}", json.dumps({"version": 999}))
    with store.open(sid) as chat:
        assert chat is None


def test_two_turns_at_once_both_count(store) -> None:
    """Each turn holds the session's lock, so neither overwrites the other's memory."""
    sid = store.create()

    def turn(condition: str, hold: float) -> None:
        with store.open(sid) as chat:
            assert chat is not None
            chat.ask(f"my child has {condition}")
            time.sleep(hold)  # long enough that an unlocked second turn would read stale state

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        jobs = [pool.submit(turn, "cerebral palsy", 0.3), pool.submit(turn, "spina bifida", 0.3)]
        for job in jobs:
            job.result(timeout=10)
    with store.open(sid) as chat:
        assert chat is not None
        remembered = set(chat.memory.entities["condition"])
    assert remembered == {"cerebral_palsy", "spina_bifida"}


def test_a_held_lock_makes_the_next_turn_wait_then_give_up(assistant, redis_url) -> None:
    waiting = RedisConversations(assistant, redis_url, ttl=60, max_size=10, lock_wait=0.3)
    sid = waiting.create()
    waiting.redis.set(f"{waiting.prefix}l:{sid}", "someone-else", px=5000)
    started = time.monotonic()
    with pytest.raises(SessionBusy), waiting.open(sid):
        pass
    assert 0.25 < time.monotonic() - started < 2
    waiting.close()


# ---- several processes -----------------------------------------------------------------------


def ask(base: str, question: str, sid: str) -> dict:
    # A new connection each time: with --workers, any worker may take it.
    response = httpx.post(
        f"{base}/v1/ask",
        json={"question": question, "session_id": sid},
        headers={"connection": "close"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def two_servers(redis_url: str, tmp_path_factory: pytest.TempPathFactory):
    """Two servers sharing Redis, and a reference with sessions in its own memory, started
    together so they run the same code even while others edit the engine."""
    tmp = tmp_path_factory.mktemp("two")
    first = start_serve("--sessions", redis_url, log=tmp / "serve-first.log")
    second = start_serve("--sessions", redis_url, log=tmp / "serve-second.log")
    reference = start_serve(log=tmp / "serve-reference.log")
    yield first.base, second.base, reference.base
    for served in (first, second, reference):
        stop_serve(served.process)


def reference_answers(base: str) -> list[dict]:
    """The twenty turns in one process's memory: what the shared conversation must match."""
    sid = httpx.post(f"{base}/v1/sessions", timeout=10).json()["session_id"]
    return [plain(ask(base, question, sid)) for question in TWENTY_TURNS]


def test_twenty_turns_alternating_between_two_servers(two_servers) -> None:
    one, two, reference = two_servers
    expected = reference_answers(reference)
    sid = httpx.post(f"{one}/v1/sessions", timeout=10).json()["session_id"]
    for number, question in enumerate(TWENTY_TURNS):
        remote = ask((one, two)[number % 2], question, sid)
        assert remote["session_id"] == sid
        assert plain(remote) == expected[number], f"turn {number + 1}: {question!r}"
        if number and remote["intent"]:  # the child's condition, remembered on every answer
            assert remote["entities"].get("condition") == ["cerebral_palsy"], question
    assert httpx.delete(f"{two}/v1/sessions/{sid}", timeout=10).status_code == 204
    gone = httpx.post(f"{one}/v1/ask", json={"question": "hi", "session_id": sid}, timeout=10)
    assert gone.status_code == 404


def test_turns_at_once_on_two_servers_lose_nothing(two_servers, redis_url) -> None:
    one, two, _ = two_servers
    sid = httpx.post(f"{one}/v1/sessions", timeout=10).json()["session_id"]
    with concurrent.futures.ThreadPoolExecutor(len(CONDITIONS)) as pool:
        jobs = [
            pool.submit(ask, (one, two)[i % 2], f"my child has {condition}", sid)
            for i, condition in enumerate(CONDITIONS)
        ]
        for job in jobs:
            job.result(timeout=60)
    client = redis.Redis.from_url(redis_url)
    saved = json.loads(client.get(f"ccs-assist:s:{sid}"))
    client.close()
    remembered = set(saved["memory"]["entities"]["condition"])
    assert len(remembered) == len(CONDITIONS), remembered


def test_serve_with_two_workers_keeps_memory(redis_url, two_servers, tmp_path) -> None:
    served = start_serve("--sessions", redis_url, "--workers", "2", log=tmp_path / "serve.log")
    base = served.base
    try:
        expected = reference_answers(two_servers[2])
        sid = httpx.post(f"{base}/v1/sessions", timeout=10).json()["session_id"]
        for number, question in enumerate(TWENTY_TURNS):
            assert plain(ask(base, question, sid)) == expected[number], question
        health = httpx.get(f"{base}/v1/health", timeout=10).json()
        assert health["sessions"] >= 1
    finally:
        stop_serve(served.process)
    assert served.process.returncode is not None


def test_workers_without_shared_sessions_are_refused(capsys) -> None:
    from ccs_assist.interfaces.http import server
    assert server.run(None, workers=2) == 1
    assert "--sessions redis://" in capsys.readouterr().err


def test_an_unreachable_redis_is_said_at_start(capsys) -> None:
    from ccs_assist.interfaces.http import server
    port = free_port()  # nothing listens there
    assert server.run(None, sessions=f"redis://127.0.0.1:{port}/0") == 1
    assert "cannot reach the session store" in capsys.readouterr().err


def test_dump_is_what_redis_holds(assistant, store) -> None:
    sid = store.create()
    with store.open(sid) as chat:
        assert chat is not None
        chat.ask("my son has cerebral palsy")
        expected = dump_conversation(chat)
    assert json.loads(store.redis.get(f"{store.prefix}s:{sid}")) == expected
