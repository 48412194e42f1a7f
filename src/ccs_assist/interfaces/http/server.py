"""The help desk: a chat page, an embeddable widget and an HTTP API over `Assistant`.

    GET    /                      the chat page (package data in ccs_assist/web/, no build, no CDN)
    GET    /widget.js             one script tag adds the same chat to a help desk's own page
    POST   /v1/ask                {"question": ..., "session_id": optional} -> Answer
    POST   /v1/sessions           -> 201 {"session_id": ..., "expires_in": seconds}
    DELETE /v1/sessions/{id}      -> 204, or 404 if unknown or expired
    GET    /v1/health             -> {"status", "nodes", "sessions", "version"}
    GET    /openapi.json, /docs   the schema, and Swagger UI from the swagger-ui-bundle package

No answering logic lives here. Choices a help desk should know:
- Sessions are made only by POST /v1/sessions (random ids). Asking with an unknown or expired
  session_id is a 404, never a silent new session, so a caller cannot pick or guess its way into
  another family's conversation and always learns when the context is gone. New sessions are
  limited per client address (the real limit belongs in the proxy in front).
- Sessions live in a `ConversationStore` (sessions.py): this process by default, or Redis, so
  several workers and machines share conversations; one turn at a time per session.
- The server holds under abuse: idle or half-sent connections are dropped, bodies must arrive in
  time and under `max_body`, connections are capped, and every error is JSON
  `{"error": code, "detail": text}` with no traceback and no question text.
- Questions are not logged. With `log_unanswered`, the questions the assistant could not answer
  (and only those) are appended to that file as JSON lines, without session ids.

fastapi and uvicorn are an optional extra (`pip install 'ccs-assist[server]'`); they are imported
only when the server is built, so the rest of ccs-assist works without them.
"""

import asyncio
import contextlib
import json
import logging
import math
import os
import stat
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ccs_assist.assistant import Assistant
from ccs_assist.errors import QuestionError
from ccs_assist.interfaces.http.sessions import ConversationStore, SessionBusy, open_store

__all__ = ["ServeOptions", "create_app", "run"]

INSTALL_HINT = "ccs-assist serve needs the server extra: pip install 'ccs-assist[server]'"
MAX_BODY = 64 * 1024
SESSION_ID_MAX = 128
BODY_TIMEOUT = 10.0  # seconds for a whole request body to arrive
IDLE_TIMEOUT = 5  # seconds a connection may sit without a complete request
LIMIT_CONCURRENCY = 200  # connections and requests at once; more get a 503
MAX_HEADER_BYTES = 16 * 1024  # h11's buffer for a request line and headers
SESSION_RATE = 30  # new sessions a minute per client address (0: no limit)
LOG_MAX_BYTES = 16 * 1024 * 1024
ENV_OPTIONS = "CCS_ASSIST_SERVE_OPTIONS"

log = logging.getLogger("ccs_assist.interfaces.http.server")

ERROR_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
ERROR_WHEN = {
    400: "The body is not valid JSON, or the assistant will not take the question.",
    404: "Unknown route, or an unknown or expired session: create one with POST /v1/sessions.",
    405: "The route exists but not with this method.",
    408: "The request body did not arrive in time; the connection is closed.",
    413: "The body is over the size limit (checked before parsing).",
    415: "The body was not sent with Content-Type: application/json.",
    422: "The JSON does not fit the schema; `fields` lists each problem.",
    429: "Too many new sessions from this address; wait `Retry-After` seconds.",
    500: "A bug on our side; the log names the error type, never the question.",
    503: "The session is busy with another request, or the server is at its connection cap.",
}
SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
WEB_FILES = {
    "chat.js": "text/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "widget.js": "text/javascript; charset=utf-8",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ccs-assist")
    except PackageNotFoundError:
        return "unknown"


class UnansweredLog:
    """Appends fallback questions (no session ids) as JSON lines, readable by its owner only.

    The file is opened with O_NOFOLLOW (a symlink planted at the path is refused, not written
    through), must be a regular file, is made 0600 if it is not, and stops growing at
    `max_bytes` so a flood of odd questions cannot fill the disk.
    """

    def __init__(self, path: Path, max_bytes: int = LOG_MAX_BYTES) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._warned = False

    def _open(self) -> int:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(self.path, flags | os.O_NONBLOCK, 0o600)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise OSError(0, "not a regular file")
            if stat.S_IMODE(info.st_mode) & 0o077:
                os.fchmod(fd, 0o600)
        except OSError:
            os.close(fd)
            raise
        return fd

    def check(self) -> None:
        """Create the file now, so a bad path fails at start-up rather than on the first miss."""
        os.close(self._open())

    def write(self, question: str) -> None:
        line = json.dumps(
            {"date": datetime.now(UTC).date().isoformat(), "question": question},
            ensure_ascii=False,
        )
        data = (line + "\n").encode("utf-8")
        with self._lock:
            try:
                fd = self._open()
                try:
                    if os.fstat(fd).st_size + len(data) > self.max_bytes:
                        self._warn(f"is full ({self.max_bytes:,} bytes); not adding more")
                        return
                    os.write(fd, data)
                finally:
                    os.close(fd)
            except OSError as error:
                self._warn(f"cannot be written: {error.strerror or error}")

    def _warn(self, what: str) -> None:
        if not self._warned:
            log.warning("the unanswered-questions log %s %s", self.path, what)
            self._warned = True


class SessionRate:
    """New sessions per client address per minute (a token bucket), within this process.

    A sketch of a limit, not the real one: behind a proxy every parent shares its address unless
    the proxy forwards X-Forwarded-For, and each worker counts on its own. Put the real limit in
    the proxy (nginx `limit_req`); this keeps one careless or hostile client from churning the
    session store when the server is reached directly.
    """

    def __init__(
        self, per_minute: float, clock: Callable[[], float] = time.monotonic, clients: int = 10_000
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1.0, per_minute)
        self.clock = clock
        self.clients = clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 if a session may be made now, else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        with self._lock:
            now = self.clock()
            tokens, seen = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - seen) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.clients:
                self._buckets.popitem(last=False)
            return wait


def _error(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any):
    from fastapi.responses import JSONResponse

    body = {"error": ERROR_CODES.get(status, "error"), "detail": detail, **extra}
    return JSONResponse(body, status_code=status, headers=headers)


class _Guard:
    """Outermost ASGI layer: bounds request bodies in size and time, adds the no-store and
    nosniff headers to every response, and turns any escaped error into a JSON 500.

    The body is read here, up to `max_body` bytes and within `body_timeout` seconds, before
    FastAPI parses anything; a Content-Length over the limit is refused without reading at all,
    and a body that stalls half-sent gets a 408 and the connection is closed.
    """

    def __init__(self, app: Any, max_body: int, body_timeout: float) -> None:
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
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
                await response(scope, receive, send_tracked)

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
        deadline = asyncio.get_running_loop().time() + self.body_timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(0.0, left))
            except TimeoutError:
                slow = _error(
                    408,
                    f"The request body did not arrive within {self.body_timeout:g} seconds.",
                    headers={"connection": "close"},
                )
                await slow(scope, receive, send)
                return None
            if message["type"] != "http.request":  # the client went away
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await _error(413, too_big, headers={"connection": "close"})(scope, receive, send)
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


def _web_file(name: str) -> bytes:
    return resources.files("ccs_assist.interfaces.http").joinpath("web", name).read_bytes()


def create_app(
    assistant: Assistant,
    *,
    session_ttl: float = 1800.0,
    max_sessions: int = 10_000,
    log_unanswered: Path | None = None,
    clock: Callable[[], float] = time.monotonic,
    max_body: int = MAX_BODY,
    sessions: ConversationStore | str | None = None,
    session_rate: float = SESSION_RATE,
    body_timeout: float = BODY_TIMEOUT,
    log_max_bytes: int = LOG_MAX_BYTES,
    person_url: str | None = None,
    allow_origins: tuple[str, ...] = (),
):
    """The FastAPI app over one loaded Assistant; no socket, so tests and benchmarks can use it.

    `sessions` is a ConversationStore, or a `--sessions` address ("memory", "redis://...");
    `person_url` is where the chat page's "talk to a person" link goes; `allow_origins` are
    the help-desk sites whose pages may call the API from another origin (the widget's CORS).
    """
    from fastapi import FastAPI, Request, Response
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse
    from pydantic import BaseModel, ConfigDict, Field
    from starlette.exceptions import HTTPException

    from ccs_assist.knowledge.schema import Answer

    store = (
        sessions
        if sessions is not None and not isinstance(sessions, str)
        else open_store(assistant, sessions, ttl=session_ttl, max_size=max_sessions, clock=clock)
    )
    unanswered = UnansweredLog(log_unanswered, log_max_bytes) if log_unanswered else None
    rate = SessionRate(session_rate, clock=clock)
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
        session_id: str = Field(description="Send this with each question of the conversation.")
        expires_in: float = Field(description="Idle seconds before the session is forgotten.")

    class Health(BaseModel):
        status: str = Field(description='"ok" when the graph is loaded and answering.')
        nodes: int = Field(description="Nodes in the knowledge graph.")
        sessions: int = Field(description="Live conversations in the session store.")
        version: str = Field(description="The ccs-assist version.")

    class ErrorBody(BaseModel):
        error: str = Field(description="A stable code: " + ", ".join(ERROR_CODES.values()) + ".")
        detail: str = Field(description="One plain sentence for a person; never a traceback.")

    class FieldProblem(BaseModel):
        field: str = Field(description="The field, dotted (e.g. `question`), or `body`.")
        message: str = Field(description="What is wrong with it.")

    class InvalidBody(ErrorBody):
        fields: list[FieldProblem] = Field(description="Each problem; never the input itself.")

    def errors_doc(*codes: int) -> dict[int | str, dict[str, Any]]:
        codes = tuple(sorted({*codes, 405, 408, 500, 503}))
        return {
            code: {
                "model": InvalidBody if code == 422 else ErrorBody,
                "description": ERROR_WHEN[code],
            }
            for code in codes
        }

    app = FastAPI(
        title="ccs-assist",
        version=version,
        description="Cited, plain-language answers about California Children's Services (CCS) "
        "and the IEP, for help desks. Information, not legal advice.",
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,  # a redirect would echo the Host header back
    )
    app.state.sessions = store

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and not request.url.path.startswith("/v1/sessions"):
            detail = "There is nothing at this address." if detail == "Not Found" else detail
        return _error(exc.status_code, detail, headers=dict(exc.headers or {}))

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

    @app.exception_handler(SessionBusy)
    async def busy(request: Request, exc: SessionBusy):
        return _error(
            503, "This conversation is busy with another question; try again.", {"retry-after": "1"}
        )

    try:
        from redis import RedisError
    except ImportError:  # no redis extra: no Redis store either
        pass
    else:

        @app.exception_handler(RedisError)
        async def store_down(request: Request, exc: RedisError):
            log.error("the session store failed: %s", type(exc).__name__)
            return _error(
                503, "Conversations are unavailable for a moment; try again.", {"retry-after": "2"}
            )

    @app.post(
        "/v1/ask",
        response_model=Answer,
        summary="Answer a parent's question",
        responses=errors_doc(400, 404, 413, 415, 422),
    )
    def ask(body: AskRequest) -> Answer:
        if body.session_id is None:
            answer = assistant.conversation().ask(body.question)
            answer.session_id = None  # nothing is kept, so there is no session to continue
        else:
            with store.open(body.session_id) as chat:
                if chat is None:
                    raise HTTPException(
                        404,
                        "No such session (it may have expired); create one with POST /v1/sessions.",
                    )
                answer = chat.ask(body.question)
        if unanswered is not None and answer.fallback:
            unanswered.write(answer.question)
        return answer

    @app.post(
        "/v1/sessions",
        status_code=201,
        response_model=SessionCreated,
        summary="Start a conversation that remembers earlier questions",
        responses=errors_doc(413, 429),
    )
    def create_session(request: Request) -> SessionCreated:
        client = request.client.host if request.client else "unknown"
        wait = rate.take(client)
        if wait > 0:
            raise HTTPException(
                429,
                "Too many new conversations from this address; please wait a little.",
                headers={"retry-after": str(math.ceil(wait))},
            )
        return SessionCreated(session_id=store.create(), expires_in=store.ttl)

    @app.delete(
        "/v1/sessions/{session_id}",
        status_code=204,
        summary="Forget a conversation now",
        responses=errors_doc(404, 422),
    )
    def delete_session(session_id: str) -> Response:
        if len(session_id) > SESSION_ID_MAX or not store.delete(session_id):
            raise HTTPException(404, "No such session (it may have expired already).")
        return Response(status_code=204)

    @app.get(
        "/v1/health", response_model=Health, summary="Liveness and sizes", responses=errors_doc()
    )
    def health() -> Health:
        return Health(
            status="ok",
            nodes=assistant.kg.graph.number_of_nodes(),
            sessions=store.count(),
            version=version,
        )

    _add_pages(app, HTMLResponse, Response, person_url)
    _add_docs(app)
    _add_letters(app, assistant)
    if allow_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(allow_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["content-type"],
            max_age=600,
        )
    app.add_middleware(_Guard, max_body=max_body, body_timeout=body_timeout)
    return app


def _add_pages(app: Any, html: Any, response: Any, person_url: str | None) -> None:
    """The chat page and the widget's files, read once from package data."""
    page = _web_file("index.html").decode("utf-8")
    if person_url:
        from html import escape

        page = page.replace('data-person-url=""', f'data-person-url="{escape(person_url)}"', 1)
    files = {name: _web_file(name) for name in WEB_FILES}

    @app.get("/", include_in_schema=False)
    def chat_page() -> Any:
        return html(page, headers={"content-security-policy": PAGE_CSP})

    def serve(name: str) -> Callable[[], Any]:
        def handler() -> Any:
            return response(files[name], media_type=WEB_FILES[name])

        return handler

    app.get("/widget.js", include_in_schema=False)(serve("widget.js"))
    for name in ("chat.js", "chat.css"):
        app.get(f"/static/{name}", include_in_schema=False)(serve(name))


def _add_docs(app: Any) -> None:
    """/docs from the swagger-ui-bundle package's files: works offline, no CDN."""
    try:
        import swagger_ui_bundle
    except ImportError:
        return
    from fastapi.openapi.docs import get_swagger_ui_html
    from starlette.staticfiles import StaticFiles

    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Any:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="ccs-assist API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )


def _add_letters(app: Any, assistant: Assistant) -> None:
    """Parent letters' routes: GET and POST /v1/letters."""
    from ccs_assist.interfaces.http.letters import add_letter_routes

    add_letter_routes(app, assistant)


# ---- running it ------------------------------------------------------------------------------


class ServeOptions:
    """`ccs-assist serve`'s options, checked before anything starts."""

    def __init__(
        self,
        *,
        graph: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 8000,
        log_unanswered: Path | None = None,
        session_ttl: float = 1800.0,
        max_sessions: int = 10_000,
        sessions: str | None = None,
        workers: int = 1,
        session_rate: float = SESSION_RATE,
        idle_timeout: float = IDLE_TIMEOUT,
        body_timeout: float = BODY_TIMEOUT,
        limit_concurrency: int = LIMIT_CONCURRENCY,
        log_max_bytes: int = LOG_MAX_BYTES,
        person_url: str | None = None,
        allow_origins: tuple[str, ...] | list[str] = (),
    ) -> None:
        self.graph = graph
        self.host = host
        self.port = port
        self.log_unanswered = log_unanswered
        self.session_ttl = session_ttl
        self.max_sessions = max_sessions
        self.sessions = sessions
        self.workers = workers
        self.session_rate = session_rate
        self.idle_timeout = idle_timeout
        self.body_timeout = body_timeout
        self.limit_concurrency = limit_concurrency
        self.log_max_bytes = log_max_bytes
        self.person_url = person_url
        self.allow_origins = tuple(allow_origins)

    def problems(self) -> list[str]:
        """What is wrong with these options, in words; empty when they can be used."""
        out = []

        def positive(name: str, value: float) -> None:
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                out.append(f"--{name} must be a positive number (got {value!r})")

        positive("session-ttl", self.session_ttl)
        positive("idle-timeout", self.idle_timeout)
        positive("body-timeout", self.body_timeout)
        if not math.isfinite(self.session_rate) or self.session_rate < 0:
            out.append(f"--session-rate must be 0 or more (got {self.session_rate!r})")
        for name, value in (
            ("max-sessions", self.max_sessions),
            ("workers", self.workers),
            ("limit-concurrency", self.limit_concurrency),
            ("log-max-bytes", self.log_max_bytes),
        ):
            if value < 1:
                out.append(f"--{name} must be at least 1 (got {value})")
        if not 0 <= self.port <= 65535:
            out.append(f"--port must be 0-65535 (got {self.port})")
        if self.workers > 1 and self.sessions in (None, "", "memory"):
            out.append(
                "--workers above 1 needs shared sessions: add --sessions redis://HOST:PORT/DB"
            )
        if self.sessions not in (None, "", "memory") and not str(self.sessions).startswith(
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
        data = dict(vars(self))
        data["graph"] = str(self.graph) if self.graph else None
        data["log_unanswered"] = str(self.log_unanswered) if self.log_unanswered else None
        return json.dumps(data)

    @classmethod
    def from_env(cls, text: str) -> "ServeOptions":
        data = json.loads(text)
        data["graph"] = Path(data["graph"]) if data["graph"] else None
        data["log_unanswered"] = Path(data["log_unanswered"]) if data["log_unanswered"] else None
        return cls(**data)

    def app(self):
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


def app_from_environment():
    """The app factory each worker of `serve --workers N` calls (options come by environment)."""
    return ServeOptions.from_env(os.environ[ENV_OPTIONS]).app()


def run(
    graph: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_unanswered: Path | None = None,
    session_ttl: float = 1800.0,
    max_sessions: int = 10_000,
    sessions: str | None = None,
    workers: int = 1,
    session_rate: float = SESSION_RATE,
    idle_timeout: float = IDLE_TIMEOUT,
    body_timeout: float = BODY_TIMEOUT,
    limit_concurrency: int = LIMIT_CONCURRENCY,
    log_max_bytes: int = LOG_MAX_BYTES,
    person_url: str | None = None,
    allow_origins: tuple[str, ...] | list[str] = (),
) -> int:
    """`ccs-assist serve`: load the graph once and serve with uvicorn until Ctrl-C."""
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    opts = ServeOptions(
        graph=graph,
        host=host,
        port=port,
        log_unanswered=log_unanswered,
        session_ttl=session_ttl,
        max_sessions=max_sessions,
        sessions=sessions,
        workers=workers,
        session_rate=session_rate,
        idle_timeout=idle_timeout,
        body_timeout=body_timeout,
        limit_concurrency=limit_concurrency,
        log_max_bytes=log_max_bytes,
        person_url=person_url,
        allow_origins=allow_origins,
    )
    problems = opts.problems()
    for problem in problems:
        print(f"ccs-assist: {problem}", file=sys.stderr)
    if problems:
        return 1
    if opts.log_unanswered is not None:
        try:
            UnansweredLog(opts.log_unanswered).check()
        except OSError as error:
            reason = error.strerror or str(error)
            print(f"ccs-assist: cannot write {opts.log_unanswered}: {reason}", file=sys.stderr)
            return 1
    app: Any
    try:
        if opts.sessions not in (None, "", "memory"):
            import redis

            probe = redis.Redis.from_url(opts.sessions, socket_connect_timeout=5, socket_timeout=5)
            try:
                probe.ping()  # fail here, not on a parent's first question
            finally:
                probe.close()
        factory = f"{__name__}:app_from_environment"
        app = opts.app() if opts.workers == 1 else factory
    except ImportError:
        print(
            "ccs-assist: --sessions redis:// needs the redis extra: "
            "pip install 'ccs-assist[server,redis]'",
            file=sys.stderr,
        )
        return 1
    except Exception as error:  # redis.ConnectionError and friends: say it, no traceback
        if type(error).__module__.split(".")[0] != "redis":
            raise
        print(f"ccs-assist: cannot reach the session store: {error}", file=sys.stderr)
        return 1
    if opts.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"ccs-assist: listening on {opts.host}, not just this machine; put it behind your "
            "help desk's HTTPS proxy.",
            file=sys.stderr,
        )
    from ccs_assist.interfaces.http.guard import GuardedH11Protocol

    os.environ[ENV_OPTIONS] = opts.to_env()
    config = uvicorn.Config(
        app,
        factory=opts.workers > 1,
        host=opts.host,
        port=opts.port,
        workers=opts.workers,
        http=GuardedH11Protocol,
        timeout_keep_alive=max(1, math.ceil(opts.idle_timeout)),
        limit_concurrency=opts.limit_concurrency,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        access_log=False,  # access lines would carry session ids; bodies are never logged
        log_level="info",
        server_header=False,
        proxy_headers=True,  # X-Forwarded-For only from --forwarded-allow-ips (127.0.0.1)
    )
    if opts.workers > 1:
        from uvicorn.supervisors import Multiprocess

        sock = config.bind_socket()
        with contextlib.suppress(KeyboardInterrupt):
            Multiprocess(config, sockets=[sock]).run()
        return 0
    server = uvicorn.Server(config)
    try:
        server.run()
    except SystemExit as stop:  # uvicorn exits 1 itself when it cannot bind the port
        return stop.code if isinstance(stop.code, int) else 1
    return 0 if server.started else 1
