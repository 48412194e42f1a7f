"""uvicorn's h11 protocol, with an idle timeout that also covers connections before a request,
and a JSON 503 at the connection cap.

uvicorn arms its keep-alive timer only after a response; a socket that connects and sends
nothing, or sends half a request line and stops (slowloris), is kept forever and counts against
`limit_concurrency`, so enough of them would turn /v1/health into a 503. Here every connection
must complete a request's headers within `timeout_keep_alive` seconds of connecting or of its
last response, or it is closed. Slow bodies are the ASGI guard's job (request_guard.py).

uvicorn answers a request over `limit_concurrency` with a plain-text 503 of its own; here the
same cap is kept by this protocol, and the 503 has the JSON shape of every other error.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from ccs_assist.interfaces.http.error_responses import SECURITY_HEADERS, error_response

__all__ = ["AT_CAPACITY", "GuardedH11Protocol"]

AT_CAPACITY = error_response(
    503,
    "The server is at its connection limit; please try again in a moment.",
    headers={**SECURITY_HEADERS, "connection": "close"},
)


class GuardedH11Protocol(H11Protocol):
    """H11Protocol that drops connections idle (or stuck in their headers) too long, and
    answers requests over the connection cap with a JSON 503."""

    _idle_timer: asyncio.TimerHandle | None = None
    _armed_for: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The cap is checked in `_app_within_cap` instead of by uvicorn, whose 503 is plain text.
        self.connection_cap, self.limit_concurrency = self.limit_concurrency, None
        self._app = self.app
        self.app = self._app_within_cap

    async def _app_within_cap(self, scope: Scope, receive: Receive, send: Send) -> None:
        cap = self.connection_cap
        # uvicorn counts the tasks before adding this request's own; here it is among them.
        if cap is not None and (len(self.connections) >= cap or len(self.tasks) > cap):
            self.logger.warning("Exceeded concurrency limit.")
            await AT_CAPACITY(scope, receive, send)
            return
        await self._app(scope, receive, send)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._armed_for = self.cycle  # a new request replaces the cycle
        self._idle_timer = self.loop.call_later(self.timeout_keep_alive, self._drop_if_idle)

    def _disarm(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _drop_if_idle(self) -> None:
        self._idle_timer = None
        waiting = self.cycle is self._armed_for and (
            self.cycle is None or self.cycle.response_complete
        )
        if waiting and not self.transport.is_closing():
            self.transport.close()
