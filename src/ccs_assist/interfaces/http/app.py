"""The app factory: one FastAPI app over one loaded `Assistant`, with no socket, so tests and
benchmarks can use it as the server does.

    GET    /                      the chat page (package data in web/, no build, no CDN)
    GET    /widget.js             one script tag adds the same chat to a help desk's own page
    POST   /v1/ask                {"question": ..., "session_id": optional} -> Answer
    POST   /v1/sessions           -> 201 {"session_id": ..., "expires_in": seconds}
    DELETE /v1/sessions/{id}      -> 204, or 404 if unknown or expired
    GET    /v1/health             -> {"status", "nodes", "sessions", "version"}
    GET    /v1/letters, POST      parent letters (letters.py)
    GET    /openapi.json, /docs   the schema, and Swagger UI from the swagger-ui-bundle package

Choices a help desk should know:
- Sessions live in a `ConversationStore` (sessions.py): this process by default, or Redis, so
  several workers and machines share conversations; one turn at a time per session. New
  sessions are limited per client address (the real limit belongs in the proxy in front).
- The server holds under abuse: bodies must arrive in time and under `max_body`
  (request_guard.py), idle connections are dropped and connections are capped
  (connection_guard.py), and every error is JSON `{"error": code, "detail": text}` with no
  traceback and no question text (error_responses.py).
- Questions are not logged. With `log_unanswered`, the questions the assistant could not answer
  (and only those) are appended to that file as JSON lines, without session ids.

fastapi is an optional extra (`pip install 'ccs-assist[server]'`), imported only when an app
is built, so the rest of ccs-assist works without it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ccs_assist import __version__
from ccs_assist.assistant import Assistant
from ccs_assist.interfaces.http.limits import (
    BODY_TIMEOUT,
    LOG_MAX_BYTES,
    MAX_BODY,
    MAX_SESSIONS,
    SESSION_RATE,
    SESSION_TTL,
)
from ccs_assist.interfaces.http.session_rate import SessionRate
from ccs_assist.interfaces.http.sessions import ConversationStore, open_store
from ccs_assist.interfaces.http.unanswered_log import UnansweredLog

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app"]


def create_app(
    assistant: Assistant,
    *,
    session_ttl: float = SESSION_TTL,
    max_sessions: int = MAX_SESSIONS,
    log_unanswered: Path | None = None,
    clock: Callable[[], float] = time.monotonic,
    max_body: int = MAX_BODY,
    sessions: ConversationStore | str | None = None,
    session_rate: float = SESSION_RATE,
    body_timeout: float = BODY_TIMEOUT,
    log_max_bytes: int = LOG_MAX_BYTES,
    person_url: str | None = None,
    allow_origins: tuple[str, ...] = (),
) -> FastAPI:
    """The FastAPI app over one loaded Assistant.

    `sessions` is a ConversationStore, or a `--sessions` address ("memory", "redis://...");
    `person_url` is where the chat page's "talk to a person" link goes; `allow_origins` are
    the help-desk sites whose pages may call the API from another origin (the widget's CORS).
    """
    from fastapi import FastAPI

    from ccs_assist.interfaces.http import api_routes
    from ccs_assist.interfaces.http.chat_pages import add_chat_pages, add_docs
    from ccs_assist.interfaces.http.error_responses import add_error_handlers
    from ccs_assist.interfaces.http.letters import add_letter_routes
    from ccs_assist.interfaces.http.request_guard import RequestGuard

    store = (
        sessions
        if sessions is not None and not isinstance(sessions, str)
        else open_store(assistant, sessions, ttl=session_ttl, max_size=max_sessions, clock=clock)
    )
    unanswered = UnansweredLog(log_unanswered, log_max_bytes) if log_unanswered else None
    app = FastAPI(
        title="ccs-assist",
        version=__version__,
        description="Cited, plain-language answers about California Children's Services (CCS) "
        "and the IEP, for help desks. Information, not legal advice.",
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,  # a redirect would echo the Host header back
    )
    app.state.sessions = store
    add_error_handlers(app)
    api_routes.add_ask_route(app, assistant, store, unanswered)
    api_routes.add_session_routes(app, store, SessionRate(session_rate, clock=clock))
    api_routes.add_health_route(app, assistant, store)
    add_chat_pages(app, person_url)
    add_docs(app)
    add_letter_routes(app, assistant)
    if allow_origins:
        _allow_cross_origin(app, allow_origins)
    app.add_middleware(RequestGuard, max_body=max_body, body_timeout=body_timeout)
    return app


def _allow_cross_origin(app: FastAPI, origins: tuple[str, ...]) -> None:
    """CORS for the help-desk sites that embed the widget; no credentials, three methods."""
    from starlette.middleware.cors import CORSMiddleware

    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["content-type"],
        max_age=600,
    )
