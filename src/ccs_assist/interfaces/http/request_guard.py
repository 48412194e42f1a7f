"""The outermost ASGI layer: bounded request bodies, safe headers, and a JSON 500 for any bug.

The body is read here, up to `max_body` bytes and within `body_timeout` seconds, before
FastAPI parses anything; a Content-Length over the limit is refused without reading at all,
and a body that stalls half-sent gets a 408 and the connection is closed. Idle and half-sent
connections before a request are connection_guard.py's job.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ccs_assist.interfaces.http.error_responses import SECURITY_HEADERS, error_response

__all__ = ["RequestGuard"]

log = logging.getLogger(__name__)

_SECURITY_HEADERS = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]


class RequestGuard:
    """Bounds request bodies in size and time, adds the no-store and nosniff headers to every
    response, and turns any escaped error into a JSON 500."""

    def __init__(self, app: ASGIApp, max_body: int, body_timeout: float) -> None:
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in _SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        try:
            replay = await self._read_body(scope, receive, send_tracked)
            if replay is not None:
                await self.app(scope, replay, send_tracked)
        except Exception as exc:
            _log_bug(exc, scope["path"])
            if not started:
                response = error_response(
                    500, "Something went wrong on our side; please try again."
                )
                await response(scope, receive, send_tracked)

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """The request's receive, replaying the body read here; None if a 4xx was sent."""
        refusal = self._declared_too_big(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return None
        chunks: list[bytes] = []
        size = 0
        deadline = asyncio.get_running_loop().time() + self.body_timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(0.0, left))
            except TimeoutError:
                slow = error_response(
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
                too_big = error_response(413, self._too_big, headers={"connection": "close"})
                await too_big(scope, receive, send)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return _replaying(b"".join(chunks), receive)

    @property
    def _too_big(self) -> str:
        return f"The request body is over the limit of {self.max_body:,} bytes."

    def _declared_too_big(self, scope: Scope) -> Any:
        """The 400 or 413 for a Content-Length that is not a number or is over the limit."""
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is None:
            return None
        try:
            declared = int(length)
        except ValueError:
            return error_response(400, "The Content-Length header is not a number.")
        return error_response(413, self._too_big) if declared > self.max_body else None


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body read once, then whatever comes next (a disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _log_bug(exc: Exception, path: str) -> None:
    """Name the error's type and line; the message is withheld on purpose (it may quote what a
    parent typed), and so are session ids in the path."""
    where = traceback.extract_tb(exc.__traceback__)[-1:]
    spot = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
    path = "/v1/sessions/{id}" if path.startswith("/v1/sessions/") else path
    log.error("unexpected %s%s while serving %s", type(exc).__name__, spot, path)
