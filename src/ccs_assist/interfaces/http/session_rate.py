"""How many new sessions each client address may make a minute, within this process."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["SessionRate"]


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
