"""uvicorn's h11 protocol, with an idle timeout that also covers connections before a request.

uvicorn arms its keep-alive timer only after a response; a socket that connects and sends
nothing, or sends half a request line and stops (slowloris), is kept forever and counts against
`limit_concurrency`, so enough of them would turn /v1/health into a 503. Here every connection
must complete a request's headers within `timeout_keep_alive` seconds of connecting or of its
last response, or it is closed. Slow bodies are the ASGI guard's job (server._Guard).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["GuardedH11Protocol"]


class GuardedH11Protocol(H11Protocol):
    """H11Protocol that drops connections idle (or stuck in their headers) too long."""

    _idle_timer: asyncio.TimerHandle | None = None
    _armed_for: Any = None

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
