"""A real `ccs-assist serve` for the tests that need one: a free loopback port, a start that
waits for /v1/health, and a stop that never hangs the run. One copy, so the server, Redis and
browser tests start the server the same way."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from .conftest import ROOT


def free_port() -> int:
    """A loopback port nothing listens on now, so parallel runs and other services don't clash."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Served:
    """A running server: its process (to stop it), its port (for raw sockets), its base URL."""

    process: subprocess.Popen[bytes]
    port: int
    base: str


def start_serve(
    *extra: str, graph: Path = ROOT / "graph", log: Path | None = None, wait: float = 40
) -> Served:
    """`ccs-assist serve` on a free loopback port, returned once /v1/health answers 200.

    `extra` goes after `serve --port N`. With `log`, the server's output is written there and
    shown in the error when it exits early, so a failed start says why. CCS_ASSIST_NO_CACHE
    leaves the user's start-up snapshot alone.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "ccs_assist", "--graph", str(graph), "serve"]
    env = {**os.environ, "CCS_ASSIST_NO_CACHE": "1"}
    output = log.open("wb") if log is not None else None
    try:
        process = subprocess.Popen(
            [*command, "--port", str(port), *extra],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL if output is None else output,
            stderr=subprocess.DEVNULL if output is None else subprocess.STDOUT,
        )
    finally:
        if output is not None:
            output.close()  # the child has its own copy of the file
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            if log is None:
                raise RuntimeError(f"serve exited with {process.returncode} before it answered")
            raise RuntimeError(log.read_text(encoding="utf-8", errors="replace"))
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return Served(process, port, base)
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.05)
    process.kill()
    process.wait()
    raise RuntimeError("serve did not start")


def stop_serve(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Stop a server politely (SIGTERM), and by force if it has not gone within `timeout`."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:  # pragma: no cover - only if shutdown hangs
        process.kill()
        process.wait()
