"""`ccs-assist serve`'s options: their defaults, their checks, and how workers receive them.

`serve --workers N` starts N processes that each build their own app; the options travel to
them as JSON in the CCS_ASSIST_SERVE_OPTIONS environment variable.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccs_assist.assistant import Assistant
from ccs_assist.interfaces.http.app import create_app
from ccs_assist.interfaces.http.limits import (
    BODY_TIMEOUT,
    IDLE_TIMEOUT,
    LIMIT_CONCURRENCY,
    LOG_MAX_BYTES,
    MAX_SESSIONS,
    SESSION_RATE,
    SESSION_TTL,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["ENV_OPTIONS", "ServeOptions"]

ENV_OPTIONS = "CCS_ASSIST_SERVE_OPTIONS"
MEMORY = (None, "", "memory")  # --sessions values that keep conversations in this process
LOCALHOST = ("127.0.0.1", "localhost", "::1")


@dataclasses.dataclass(kw_only=True)
class ServeOptions:
    """`ccs-assist serve`'s options, checked (`problems`) before anything starts."""

    graph: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    log_unanswered: Path | None = None
    session_ttl: float = SESSION_TTL
    max_sessions: int = MAX_SESSIONS
    sessions: str | None = None
    workers: int = 1
    session_rate: float = SESSION_RATE
    idle_timeout: float = IDLE_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    limit_concurrency: int = LIMIT_CONCURRENCY
    log_max_bytes: int = LOG_MAX_BYTES
    person_url: str | None = None
    allow_origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.allow_origins = tuple(self.allow_origins)  # argparse gives a list

    @property
    def shared_sessions(self) -> bool:
        """True when conversations live in Redis rather than in this process."""
        return self.sessions not in MEMORY

    def problems(self) -> list[str]:
        """What is wrong with these options, in words; empty when they can be used."""
        out = [
            f"--{name} must be a positive number (got {value!r})"
            for name, value in (
                ("session-ttl", self.session_ttl),
                ("idle-timeout", self.idle_timeout),
                ("body-timeout", self.body_timeout),
            )
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0
        ]
        if not math.isfinite(self.session_rate) or self.session_rate < 0:
            out.append(f"--session-rate must be 0 or more (got {self.session_rate!r})")
        out += [
            f"--{name} must be at least 1 (got {value})"
            for name, value in (
                ("max-sessions", self.max_sessions),
                ("workers", self.workers),
                ("limit-concurrency", self.limit_concurrency),
                ("log-max-bytes", self.log_max_bytes),
            )
            if value < 1
        ]
        if not 0 <= self.port <= 65535:
            out.append(f"--port must be 0-65535 (got {self.port})")
        return out + self._address_problems()

    def _address_problems(self) -> list[str]:
        out = []
        if self.workers > 1 and not self.shared_sessions:
            out.append(
                "--workers above 1 needs shared sessions: add --sessions redis://HOST:PORT/DB"
            )
        if self.shared_sessions and not str(self.sessions).startswith(
            ("redis://", "rediss://", "unix://")
        ):
            out.append("--sessions must be 'memory' or a redis://HOST:PORT/DB address")
        schemes = ("https://", "http://", "mailto:", "tel:", "/")
        if self.person_url and not self.person_url.startswith(schemes):
            out.append("--person-url must be an http(s)://, mailto:, tel: or /path address")
        for origin in self.allow_origins:
            if not origin.startswith(("https://", "http://")) or origin.count("/") != 2:
                out.append(
                    f"--allow-origin takes an origin like https://help.example.org ({origin!r})"
                )
        return out

    def to_env(self) -> str:
        data: dict[str, Any] = dataclasses.asdict(self)
        data["graph"] = str(self.graph) if self.graph else None
        data["log_unanswered"] = str(self.log_unanswered) if self.log_unanswered else None
        return json.dumps(data)

    @classmethod
    def from_env(cls, text: str) -> ServeOptions:
        data = json.loads(text)
        data["graph"] = Path(data["graph"]) if data["graph"] else None
        data["log_unanswered"] = Path(data["log_unanswered"]) if data["log_unanswered"] else None
        return cls(**data)

    def app(self) -> FastAPI:
        """The app these options describe, with its Assistant loaded and warmed: one question
        loads what answering loads lazily (word frequencies, indexes), so the first parent does
        not wait for it and each worker's memory is at its working size from the start."""
        assistant = Assistant(self.graph)
        assistant.ask("Is spina bifida covered by CCS? What does the school do?")
        return create_app(
            assistant,
            session_ttl=self.session_ttl,
            max_sessions=self.max_sessions,
            log_unanswered=self.log_unanswered,
            sessions=self.sessions,
            session_rate=self.session_rate,
            body_timeout=self.body_timeout,
            log_max_bytes=self.log_max_bytes,
            person_url=self.person_url,
            allow_origins=self.allow_origins,
        )
