#!/usr/bin/env python3
"""Load test: the real HTTP server on 127.0.0.1, many sessions, bad bodies mixed in.

    .venv/bin/python bench/loadtest.py [--requests 10000] [--concurrency 32] [--pool 300]
                                        [--max-sessions 256] [--time-limit 120]
                                        [--sessions redis://127.0.0.1:6379/0 --workers 2]

It starts `ccs-assist serve` itself on a free port of 127.0.0.1, warms it up, then sends a
bounded number of requests (stopping early at the time limit) from `--concurrency` concurrent
clients: questions in sessions (half of all requests; a pool of session ids that churns: new
ones are made, old ones deleted or left to be evicted), one-off questions, session
create/delete, health checks, and about one request in ten deliberately malformed (bad JSON,
wrong types, over-long questions, bodies over the size limit, unknown sessions, wrong content
type).

It prints throughput, p50/p99 latency, the count of every status, the server's RSS before and
after (and its peak, sampled), the live session count from /v1/health, and whether any question
text reached the server's log. Exit status 1 on any 5xx, transport error, unexpected status,
more live sessions than --max-sessions, or RSS growth over --max-growth-mb; else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEV_QUESTIONS = ROOT.parent / "shared" / "questions" / "dev.yaml"
FALLBACK_QUESTIONS = Path(__file__).resolve().parent / "questions.txt"
MAX_CHARS = 2000
MAX_BODY = 64 * 1024

# action: (weight, statuses that are a correct reply)
ACTIONS: dict[str, tuple[int, frozenset[int]]] = {
    "ask_in_session": (50, frozenset({200, 404})),  # 404: the session was evicted or deleted
    "ask_one_off": (25, frozenset({200})),
    "new_session": (7, frozenset({201})),
    "delete_session": (3, frozenset({204, 404})),
    "health": (5, frozenset({200})),
    "malformed": (10, frozenset()),  # each kind below says what it expects
}
MALFORMED: dict[str, tuple[dict[str, Any], frozenset[int]]] = {
    "not json": ({"content": b"{question: oops", "json_type": True}, frozenset({400})),
    "empty body": ({"content": b"", "json_type": True}, frozenset({400, 422})),
    "deep json": ({"content": b"[" * 20_000, "json_type": True}, frozenset({400, 422})),
    "question not text": ({"json": {"question": 42}}, frozenset({422})),
    "no question": ({"json": {"text": "hello"}}, frozenset({422})),
    "too long": ({"json": {"question": "why " * 600}}, frozenset({422})),
    "over size limit": ({"json": {"question": "x" * (MAX_BODY + 10)}}, frozenset({413})),
    "unknown session": (
        {"json": {"question": "what is an IEP", "session_id": "f" * 32}},
        frozenset({404}),
    ),
    "session id too long": (
        {"json": {"question": "hi", "session_id": "s" * 500}},
        frozenset({422}),
    ),
    "text/plain": ({"content": b"what is an IEP", "json_type": False}, frozenset({415, 422})),
}
ODD_QUESTIONS = [
    "",
    "   ",
    "👶🏽 ccs?",
    "\u202eIs spina bifida covered?",
    "هل يغطي CCS العلاج الطبيعي؟",
    "qwerty uiop",
    "\x00\x01 control characters",
]


def load_questions() -> list[str]:
    questions: list[str] = []
    if DEV_QUESTIONS.is_file():
        import yaml

        cases = yaml.safe_load(DEV_QUESTIONS.read_text(encoding="utf-8")).get("cases") or []
        questions = [str(c["q"]) for c in cases if isinstance(c, dict) and c.get("q")]
    if not questions:
        lines = FALLBACK_QUESTIONS.read_text(encoding="utf-8").splitlines()
        questions = [q.strip() for q in lines if q.strip() and not q.startswith("#")]
    return questions + ODD_QUESTIONS


# ---- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def rss_mb(self) -> float:
        """The server's resident memory, its worker processes' included (--workers N)."""
        total = 0.0
        found = False
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
                        found = True
            except (OSError, ValueError):
                pass
        return total if found else float("nan")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return int(self.process.returncode)


def _children(pid: int) -> list[int]:
    """Child processes (and theirs) from /proc, for the workers of `serve --workers N`."""
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for task in tasks:
        try:
            kids = [int(k) for k in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        for kid in kids:
            out += [kid, *_children(kid)]
    return out


def start_server(
    logdir: Path,
    *,
    max_sessions: int,
    session_ttl: float = 1800.0,
    graph: Path | None = None,
    wait: float = 60.0,
    sessions: str | None = None,
    workers: int = 1,
) -> Server:
    """`ccs-assist serve` on 127.0.0.1 at a free port; returns once /v1/health answers.

    The per-client limit on new sessions is off (`--session-rate 0`): every request here comes
    from one address, which is exactly what that limit is there to stop."""
    port = free_port()
    log = logdir / f"server-{port}.log"
    command = [sys.executable, "-m", "ccs_assist"]
    if graph is not None:
        command += ["--graph", str(graph)]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--max-sessions", str(max_sessions), "--session-ttl", str(session_ttl)]
    command += ["--session-rate", "0", "--workers", str(workers)]
    if sessions:
        command += ["--sessions", sessions]
    with log.open("wb") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}): {log.read_text()}")
        try:
            if httpx.get(f"{server.base}/v1/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"the server did not answer within {wait:.0f} s: {log.read_text()}")


# ---- the load --------------------------------------------------------------------------------


@dataclass
class Report:
    sent: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    ask_latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    by_action: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    transport_errors: Counter[str] = field(default_factory=Counter)
    sessions_made: int = 0
    hit_time_limit: bool = False

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * q / 100)) - 1]


async def run_load(
    base: str,
    *,
    requests: int,
    concurrency: int,
    pool: int,
    time_limit: float,
    questions: list[str],
    seed: int = 6,
) -> Report:
    """Send `requests` requests (or stop at `time_limit` s) from `concurrency` clients."""
    rng = random.Random(seed)
    report = Report()
    sessions: list[str] = []
    names = list(ACTIONS)
    weights = [ACTIONS[n][0] for n in names]
    malformed = list(MALFORMED)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    started = time.perf_counter()
    deadline = started + time_limit

    async def one(client: httpx.AsyncClient) -> None:
        action = rng.choices(names, weights)[0]
        expected = ACTIONS[action][1]
        label = action
        kwargs: dict[str, Any] = {}
        method, path = "POST", "/v1/ask"
        if (action == "ask_in_session" and len(sessions) < pool) or (
            action == "delete_session" and not sessions
        ):
            action = label = "new_session"
            expected = ACTIONS[action][1]
        if action == "ask_in_session":
            session = rng.choice(sessions)
            kwargs["json"] = {"question": rng.choice(questions), "session_id": session}
        elif action == "ask_one_off":
            kwargs["json"] = {"question": rng.choice(questions)}
        elif action == "new_session":
            path = "/v1/sessions"
        elif action == "delete_session":
            session = sessions.pop(rng.randrange(len(sessions)))
            method, path = "DELETE", f"/v1/sessions/{session}"
        elif action == "health":
            method, path = "GET", "/v1/health"
        else:
            kind = rng.choice(malformed)
            spec, expected = MALFORMED[kind]
            label = f"malformed: {kind}"
            if "json" in spec:
                kwargs["json"] = spec["json"]
            else:
                kwargs["content"] = spec["content"]
                media = "application/json" if spec["json_type"] else "text/plain"
                kwargs["headers"] = {"content-type": media}
        t0 = time.perf_counter()
        try:
            response = await client.request(method, path, **kwargs)
        except httpx.TransportError as error:
            report.transport_errors[type(error).__name__] += 1
            report.statuses[0] += 1
            return
        elapsed = time.perf_counter() - t0
        status = response.status_code
        report.latencies.append(elapsed)
        report.statuses[status] += 1
        report.by_action[label] += 1
        if action.startswith("ask") and status == 200:
            report.ask_latencies.append(elapsed)
        if status not in expected:
            report.unexpected[f"{label} -> {status}"] += 1
        if action == "new_session" and status == 201:
            report.sessions_made += 1
            sessions.append(response.json()["session_id"])
            if len(sessions) > pool:
                sessions.pop(rng.randrange(len(sessions) - 1))  # abandoned: left to expire
        elif action == "ask_in_session" and status == 404 and session in sessions:
            sessions.remove(session)

    async def client_loop(client: httpx.AsyncClient) -> None:
        while report.sent < requests:
            if time.perf_counter() > deadline:
                report.hit_time_limit = True
                return
            report.sent += 1
            await one(client)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
    report.elapsed = time.perf_counter() - started
    return report


async def warm_up(base: str, questions: list[str], count: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for i in range(count):
            await client.post("/v1/ask", json={"question": questions[i % len(questions)]})


async def sample_rss(server: Server, peaks: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peaks.append(server.rss_mb())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)


async def measure(server: Server, args: argparse.Namespace, questions: list[str]) -> dict:
    await warm_up(server.base, questions, args.warmup)
    before = server.rss_mb()
    peaks: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(server, peaks, stop))
    report = await run_load(
        server.base,
        requests=args.requests,
        concurrency=args.concurrency,
        pool=args.pool,
        time_limit=args.time_limit,
        questions=questions,
        seed=args.seed,
    )
    stop.set()
    await sampler
    after = server.rss_mb()
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as client:
        health = (await client.get("/v1/health")).json()
    return {
        "report": report,
        "rss_before": before,
        "rss_after": after,
        "rss_peak": max([before, after, *peaks]),
        "health": health,
    }


def leaked_questions(log: Path, questions: list[str]) -> list[str]:
    text = log.read_text(encoding="utf-8", errors="replace")
    return [q for q in questions if len(q.strip()) >= 12 and q in text]


def summary(result: dict, args: argparse.Namespace) -> tuple[str, list[str]]:
    report: Report = result["report"]
    lines = [
        f"requests   {report.sent:,} sent, {len(report.latencies):,} answered in "
        f"{report.elapsed:.2f} s at {args.concurrency} concurrent"
        + (" (stopped at the time limit)" if report.hit_time_limit else ""),
        f"throughput {len(report.latencies) / report.elapsed:,.0f} requests/s",
        f"latency    p50 {percentile(report.latencies, 50) * 1000:.1f} ms, "
        f"p99 {percentile(report.latencies, 99) * 1000:.1f} ms, "
        f"max {max(report.latencies, default=0) * 1000:.1f} ms (all requests)",
        f"           p50 {percentile(report.ask_latencies, 50) * 1000:.1f} ms, "
        f"p99 {percentile(report.ask_latencies, 99) * 1000:.1f} ms (answered questions)",
        "statuses   " + ", ".join(f"{s}: {n:,}" for s, n in sorted(report.statuses.items())),
        f"sessions   {report.sessions_made:,} made; {result['health']['sessions']} live at the "
        f"end (max {args.max_sessions})",
        f"server RSS {result['rss_before']:.1f} MB after warm-up, {result['rss_after']:.1f} MB "
        f"after the load (peak {result['rss_peak']:.1f} MB)",
    ]
    problems: list[str] = []
    if report.server_errors:
        problems.append(f"{report.server_errors} responses were 5xx")
    if report.transport_errors:
        problems.append(f"transport errors: {dict(report.transport_errors)}")
    if report.unexpected:
        problems.append(f"unexpected statuses: {dict(report.unexpected)}")
    if result["health"]["sessions"] > args.max_sessions:
        problems.append(f"{result['health']['sessions']} live sessions > {args.max_sessions}")
    growth = result["rss_after"] - result["rss_before"]
    if growth > args.max_growth_mb:
        problems.append(f"server RSS grew {growth:.1f} MB > {args.max_growth_mb} MB")
    return "\n".join(lines), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--pool", type=int, default=300, help="session ids in use at once")
    parser.add_argument("--max-sessions", type=int, default=256, help="the server's bound")
    parser.add_argument("--session-ttl", type=float, default=1800.0)
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds, at most")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--max-growth-mb", type=float, default=64.0)
    parser.add_argument("--graph", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--sessions", help="the server's --sessions (default: memory)")
    parser.add_argument("--workers", type=int, default=1, help="the server's --workers")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)

    questions = load_questions()
    with tempfile.TemporaryDirectory(prefix="ccs-load-") as tmp:
        server = start_server(
            Path(tmp),
            max_sessions=args.max_sessions,
            session_ttl=args.session_ttl,
            graph=args.graph,
            sessions=args.sessions,
            workers=args.workers,
        )
        try:
            where = args.sessions or "memory"
            print(
                f"server     {server.base} (pid {server.process.pid}), nproc {os.cpu_count()}, "
                f"sessions in {where}, {args.workers} worker(s)"
            )
            result = asyncio.run(measure(server, args, questions))
        finally:
            code = server.stop()
        leaks = leaked_questions(server.log, questions)
        text, problems = summary(result, args)
        print(text)
        print(f"server log {len(leaks)} question texts found; server exit {code}")
        if leaks:
            problems.append(f"question text in the server log: {leaks[:3]}")
    if args.json:
        report: Report = result["report"]
        print(
            json.dumps(
                {
                    "requests": report.sent,
                    "answered": len(report.latencies),
                    "seconds": report.elapsed,
                    "rps": len(report.latencies) / report.elapsed,
                    "p50_ms": percentile(report.latencies, 50) * 1000,
                    "p99_ms": percentile(report.latencies, 99) * 1000,
                    "ask_p99_ms": percentile(report.ask_latencies, 99) * 1000,
                    "statuses": dict(report.statuses),
                    "sessions_made": report.sessions_made,
                    "sessions_live": result["health"]["sessions"],
                    "rss_before_mb": result["rss_before"],
                    "rss_after_mb": result["rss_after"],
                    "rss_peak_mb": result["rss_peak"],
                    "problems": problems,
                }
            )
        )
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print("OK: no 5xx, no unexpected status, sessions bounded, memory flat")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
