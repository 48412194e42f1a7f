"""A bounded, thread-safe map of sessions: the least recently used go first, idle ones expire.

Used by the HTTP server (random ids, an idle TTL) and by `batch` (ids named by the input,
no TTL), so memory stays flat under any load either way. Every access refreshes a session,
so the store is kept in order of last use and expiry only ever has to look at its front.
The clock is injectable so tests can move time.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

__all__ = ["SessionStore"]


class SessionStore(Generic[T]):
    """Values made by `factory(session_id)`, kept by id, with an idle TTL and a size bound.

    `ttl=None` keeps sessions until they are the least recently used one too many.
    """

    def __init__(
        self,
        factory: Callable[[str], T],
        *,
        ttl: float | None,
        max_size: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl is not None and (not math.isfinite(ttl) or ttl <= 0):
            raise ValueError("ttl must be a positive, finite number of seconds")
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        self.ttl = math.inf if ttl is None else float(ttl)
        self.max_size = int(max_size)
        self._factory = factory
        self._clock = clock
        self._lock = threading.Lock()
        # id -> (value, last used); oldest use first, because every use moves an entry to the end.
        self._items: OrderedDict[str, tuple[T, float]] = OrderedDict()

    def create(self) -> tuple[str, T]:
        """A new session with a fresh random id; may drop the least recently used one."""
        session_id = uuid.uuid4().hex
        value = self._factory(session_id)
        with self._lock:
            self._add(session_id, value)
        return session_id, value

    def get(self, session_id: str) -> T | None:
        """The session's value, refreshing its idle timer; None if unknown or expired."""
        with self._lock:
            return self._touch(session_id)

    def get_or_create(self, session_id: str) -> T:
        """The session named `session_id`, made by the factory if it is not kept (any more)."""
        with self._lock:
            value = self._touch(session_id)
        if value is not None:
            return value
        made = self._factory(session_id)  # outside the lock: making one may be slow
        with self._lock:
            value = self._touch(session_id)  # made by another thread meanwhile: theirs wins
            if value is None:
                self._add(session_id, made)
                value = made
        return value

    def delete(self, session_id: str) -> bool:
        """Forget a session; False if there was no such live session."""
        with self._lock:
            self._purge(self._clock())
            return self._items.pop(session_id, None) is not None

    def purge(self) -> int:
        """Drop every expired session now; returns how many went."""
        with self._lock:
            return self._purge(self._clock())

    def __len__(self) -> int:
        with self._lock:
            self._purge(self._clock())
            return len(self._items)

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            self._purge(self._clock())
            return session_id in self._items

    def _add(self, session_id: str, value: T) -> None:
        now = self._clock()
        self._purge(now)
        while len(self._items) >= self.max_size:
            self._items.popitem(last=False)
        self._items[session_id] = (value, now)

    def _touch(self, session_id: str) -> T | None:
        now = self._clock()
        self._purge(now)
        item = self._items.get(session_id)
        if item is None:
            return None
        self._items[session_id] = (item[0], now)
        self._items.move_to_end(session_id)
        return item[0]

    def _purge(self, now: float) -> int:
        dropped = 0
        while self._items:
            _, (_, used) = next(iter(self._items.items()))
            if now - used < self.ttl:
                break
            self._items.popitem(last=False)
            dropped += 1
        return dropped
