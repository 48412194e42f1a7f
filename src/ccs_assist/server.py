"""The HTTP API for help desks: a thin FastAPI shell over `Assistant.conversation()`.

    POST   /v1/ask                {"question": ..., "session_id": optional} -> Answer
    POST   /v1/sessions           -> 201 {"session_id": ..., "expires_in": seconds}
    DELETE /v1/sessions/{id}      -> 204, or 404 if unknown or expired
    GET    /v1/health             -> {"status", "nodes", "sessions", "version"}
    GET    /openapi.json          the schema

No answering logic lives here. Choices a help desk should know:
- Sessions are made only by POST /v1/sessions (random ids). Asking with an unknown or expired
  session_id is a 404, never a silent new session, so a caller cannot pick or guess its way into
  another family's conversation and always learns when the context is gone. Without a session_id
  a question is answered on its own, with no memory, and nothing is kept.
- Sessions expire after `session_ttl` idle seconds; at most `max_sessions` live at once (making
  one more drops the least recently used), so memory stays flat under any load.
- Bodies over `max_body` bytes are refused with 413 before they are parsed. Every error is JSON
  `{"error": code, "detail": text}` (422 adds `fields`); no traceback and no question text is
  ever sent back in an error or written to the log.
- Questions are not logged. With `log_unanswered`, the questions the assistant could not answer
  (and only those) are appended to that file as JSON lines, without session ids.

fastapi and uvicorn are an optional extra (`pip install 'ccs-assist[server]'`); they are imported
only when the server is built, so the rest of ccs-assist works without them.
"""

import json
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .assistant import Assistant
from .dialogue import Conversation
from .errors import QuestionError
from .sessions import SessionStore

__all__ = ["create_app", "run"]

INSTALL_HINT = "ccs-assist serve needs the server extra: pip install 'ccs-assist[server]'"
MAX_BODY = 64 * 1024
SESSION_ID_MAX = 128

log = logging.getLogger("ccs_assist.server")

ERROR_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ccs-assist")
    except PackageNotFoundError:
        return "unknown"


@dataclass
class _Session:
    """One conversation and the lock that keeps two requests on it from interleaving."""

    chat: Conversation
    lock: threading.Lock = field(default_factory=threading.Lock)


class UnansweredLog:
    """Appends fallback questions (no session ids) as JSON lines, readable by its owner only."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._warned = False

    def check(self) -> None:
        """Create the file now, so a bad path fails at start-up rather than on the first miss."""
        os.close(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))

    def write(self, question: str) -> None:
        line = json.dumps(
            {"date": datetime.now(UTC).date().isoformat(), "question": question},
            ensure_ascii=False,
        )
        with self._lock:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
            except OSError as error:
                if not self._warned:
                    log.warning("cannot write unanswered questions to %s: %s", self.path, error)
                    self._warned = True


def _error(status: int, detail: str, **extra: Any):
    from fastapi.responses import JSONResponse

    body = {"error": ERROR_CODES.get(status, "error"), "detail": detail, **extra}
    return JSONResponse(body, status_code=status)


class _Guard:
    """Outermost ASGI layer: bounds request bodies and turns any escaped error into a JSON 500.

    The body is read here, up to `max_body` bytes, before FastAPI parses anything; a
    Content-Length over the limit is refused without reading at all.
    """

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            replay = await self._read_body(scope, receive, send_tracked)
            if replay is not None:
                await self.app(scope, replay, send_tracked)
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1:]
            spot = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
            # The message is withheld on purpose (it may quote what a parent typed), and so are
            # session ids in the path.
            path = scope["path"]
            path = "/v1/sessions/{id}" if path.startswith("/v1/sessions/") else path
            log.error("unexpected %s%s while serving %s", type(exc).__name__, spot, path)
            if not started:
                response = _error(500, "Something went wrong on our side; please try again.")
                await response(scope, receive, send)

    async def _read_body(self, scope: dict, receive: Callable, send: Callable):
        """The request's receive, replaying the body read here; None if a 4xx was sent."""
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        too_big = f"The request body is over the limit of {self.max_body:,} bytes."
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _error(400, "The Content-Length header is not a number.")(
                    scope, receive, send
                )
                return None
            if declared > self.max_body:
                await _error(413, too_big)(scope, receive, send)
                return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _error(413, too_big)(scope, receive, send)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> dict:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay


def create_app(
    assistant: Assistant,
    *,
    session_ttl: float = 1800.0,
    max_sessions: int = 10_000,
    log_unanswered: Path | None = None,
    clock: Callable[[], float] = time.monotonic,
    max_body: int = MAX_BODY,
):
    """The FastAPI app over one loaded Assistant; no socket, so tests and benchmarks can use it."""
    from fastapi import FastAPI, Request, Response
    from fastapi.exceptions import RequestValidationError
    from pydantic import BaseModel, ConfigDict, Field
    from starlette.exceptions import HTTPException

    from .schema import Answer

    sessions: SessionStore[_Session] = SessionStore(
        lambda sid: _Session(assistant.conversation(sid)),
        ttl=session_ttl,
        max_size=max_sessions,
        clock=clock,
    )
    unanswered = UnansweredLog(log_unanswered) if log_unanswered else None
    version = _version()

    class AskRequest(BaseModel):
        model_config = ConfigDict(
            json_schema_extra={
                "examples": [{"question": "Is spina bifida covered by CCS?", "session_id": None}]
            }
        )

        question: str = Field(
            max_length=assistant.max_chars,
            description="What the parent asked, in their own words.",
        )
        session_id: str | None = Field(
            default=None,
            max_length=SESSION_ID_MAX,
            description="From POST /v1/sessions, to keep the conversation's memory; "
            "leave out for a one-off question.",
        )

    class SessionCreated(BaseModel):
        session_id: str
        expires_in: float = Field(description="Idle seconds before the session is forgotten.")

    class Health(BaseModel):
        status: str
        nodes: int
        sessions: int
        version: str

    class ErrorBody(BaseModel):
        error: str
        detail: str

    def errors_doc(*codes: int) -> dict[int | str, dict[str, Any]]:
        return {code: {"model": ErrorBody} for code in codes}

    app = FastAPI(
        title="ccs-assist",
        version=version,
        description="Cited, plain-language answers about California Children's Services (CCS) "
        "and the IEP, for help desks. Information, not legal advice.",
    )
    app.state.sessions = sessions

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
        response = _error(exc.status_code, detail)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = exc.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return _error(400, "The request body is not valid JSON.")
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        json_sent = media == "application/json" or media.endswith("+json")
        if not json_sent and any(tuple(p.get("loc", ())) == ("body",) for p in problems):
            # Form posts and text/plain are never read as JSON (a browser can send those
            # cross-site without asking), so say plainly what to send instead.
            return _error(
                415, "Send the body as JSON with the header Content-Type: application/json."
            )
        # Field names and messages only: pydantic's "input" would echo the parent's text back.
        fields = [
            {
                "field": ".".join(str(part) for part in p.get("loc", ()) if part != "body")
                or "body",
                "message": p.get("msg", "invalid"),
            }
            for p in problems
        ]
        summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return _error(422, f"The request does not match the schema ({summary}).", fields=fields)

    @app.exception_handler(QuestionError)
    async def bad_question(request: Request, exc: QuestionError):
        return _error(400, str(exc))

    @app.post(
        "/v1/ask",
        response_model=Answer,
        summary="Answer a parent's question",
        responses=errors_doc(400, 404, 413, 422),
    )
    def ask(body: AskRequest) -> Answer:
        if body.session_id is None:
            answer = assistant.conversation().ask(body.question)
            answer.session_id = None  # nothing is kept, so there is no session to continue
        else:
            session = sessions.get(body.session_id)
            if session is None:
                raise HTTPException(
                    404,
                    "No such session (it may have expired); create one with POST /v1/sessions.",
                )
            with session.lock:
                answer = session.chat.ask(body.question)
        if unanswered is not None and answer.fallback:
            unanswered.write(answer.question)
        return answer

    @app.post(
        "/v1/sessions",
        status_code=201,
        response_model=SessionCreated,
        summary="Start a conversation that remembers earlier questions",
        responses=errors_doc(413),
    )
    def create_session() -> SessionCreated:
        session_id, _ = sessions.create()
        return SessionCreated(session_id=session_id, expires_in=sessions.ttl)

    @app.delete(
        "/v1/sessions/{session_id}",
        status_code=204,
        summary="Forget a conversation now",
        responses=errors_doc(404),
    )
    def delete_session(session_id: str) -> Response:
        if not sessions.delete(session_id):
            raise HTTPException(404, "No such session (it may have expired already).")
        return Response(status_code=204)

    @app.get("/v1/health", response_model=Health, summary="Liveness and sizes")
    def health() -> Health:
        return Health(
            status="ok",
            nodes=assistant.kg.graph.number_of_nodes(),
            sessions=len(sessions),
            version=version,
        )

    app.add_middleware(_Guard, max_body=max_body)
    return app


def run(
    graph: Path | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_unanswered: Path | None = None,
    session_ttl: float = 1800.0,
    max_sessions: int = 10_000,
) -> int:
    """`ccs-assist serve`: load the graph once and serve the API with uvicorn until Ctrl-C."""
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    if session_ttl <= 0 or max_sessions < 1:
        print("ccs-assist: --session-ttl must be > 0 and --max-sessions >= 1", file=sys.stderr)
        return 1
    if log_unanswered is not None:
        try:
            UnansweredLog(log_unanswered).check()
        except OSError as error:
            print(f"ccs-assist: cannot write {log_unanswered}: {error.strerror}", file=sys.stderr)
            return 1
    app = create_app(
        Assistant(graph),
        session_ttl=session_ttl,
        max_sessions=max_sessions,
        log_unanswered=log_unanswered,
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"ccs-assist: listening on {host}, not just this machine; put it behind your "
            "help desk's HTTPS proxy.",
            file=sys.stderr,
        )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,  # access lines would carry session ids; bodies are never logged
        log_level="info",
        server_header=False,
    )
    server = uvicorn.Server(config)
    try:
        server.run()
    except SystemExit as stop:  # uvicorn exits 1 itself when it cannot bind the port
        return stop.code if isinstance(stop.code, int) else 1
    return 0 if server.started else 1
