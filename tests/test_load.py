"""A small load test against the real server on 127.0.0.1 (issue 6, part 3).

About 300 requests from 8 concurrent clients, through many sessions with a low session bound,
with malformed bodies mixed in: no 5xx, no transport error, no unexpected status, sessions stay
within the bound and no question reaches the server's log. The full-size run is
`bench/loadtest.py` (10,000 requests at 32 at once), on demand. Bounded: the load stops after
20 s whatever happens, and the whole test takes a few seconds.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

ROOT = Path(__file__).resolve().parents[1]
MAX_SESSIONS = 20
REQUESTS = 300
CONCURRENCY = 8
TIME_LIMIT = 20.0


def _loadtest():
    """bench/loadtest.py, the same code the on-demand load test runs."""
    spec = importlib.util.spec_from_file_location("ccs_loadtest", ROOT / "bench" / "loadtest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_small_load_on_the_real_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCS_ASSIST_NO_CACHE", "1")  # leave the user's start-up snapshot alone
    load = _loadtest()
    questions = load.load_questions()
    started = time.monotonic()
    server = load.start_server(tmp_path, max_sessions=MAX_SESSIONS, session_ttl=600.0)
    try:

        async def go():
            report = await load.run_load(
                server.base,
                requests=REQUESTS,
                concurrency=CONCURRENCY,
                pool=2 * MAX_SESSIONS,  # more ids in use than the server keeps: eviction
                time_limit=TIME_LIMIT,
                questions=questions,
            )
            import httpx

            async with httpx.AsyncClient(base_url=server.base, timeout=10) as client:
                health = (await client.get("/v1/health")).json()
            return report, health

        report, health = asyncio.run(go())
        rss = server.rss_mb()
    finally:
        code = server.stop()

    assert not report.hit_time_limit, f"only {report.sent} requests in {TIME_LIMIT} s"
    assert report.sent == REQUESTS and len(report.latencies) == REQUESTS
    assert report.server_errors == 0, report.statuses
    assert not report.transport_errors, report.transport_errors
    assert not report.unexpected, report.unexpected
    assert report.statuses[200] > REQUESTS // 5, report.statuses  # answers, not only errors
    assert report.sessions_made > MAX_SESSIONS  # many sessions, more than the server keeps
    assert health["status"] == "ok" and 0 < health["sessions"] <= MAX_SESSIONS
    assert rss < 300, f"server RSS {rss:.0f} MB"
    assert code in (0, 130)  # uvicorn re-raises Ctrl-C after a clean shutdown
    assert not load.leaked_questions(server.log, questions)
    assert "Traceback" not in server.log.read_text(errors="replace")
    assert time.monotonic() - started < 60
