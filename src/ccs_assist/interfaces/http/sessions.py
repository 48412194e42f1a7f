"""Where conversations live between requests: in this process, or in Redis for several workers.

`MemoryConversations` keeps live conversations in a `SessionStore` (session_store.py: idle ones
expire, the least recently used go first; the default, one process); `RedisConversations` keeps
each conversation's JSON state (state.py) in Redis or Valkey, so `serve --workers N` and several
machines share them. Both lock a session for one turn at a time, and both stay bounded: a
session unused for `ttl` seconds is gone, and when `max_size` are alive, creating one more drops
the one used longest ago.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, cast

from ccs_assist.interfaces.session_store import SessionStore

if TYPE_CHECKING:
    from ccs_assist.assistant import Assistant
    from ccs_assist.conversation.dialogue import Conversation

__all__ = [
    "ConversationStore",
    "MemoryConversations",
    "RedisConversations",
    "SessionBusy",
    "SessionStore",
    "open_store",
]


class SessionBusy(RuntimeError):
    """Another request held this session's lock for longer than we are willing to wait."""


class ConversationStore(Protocol):
    """What the server needs from a place that keeps conversations between requests.

    `open` locks the session for the length of the `with` block, so two requests on one session
    at once run one after the other and neither turn is lost; it yields None for an unknown or
    expired id, and saves the conversation (refreshing its idle TTL) when the block ends.
    """

    ttl: float

    def create(self) -> str: ...

    def open(self, session_id: str) -> AbstractContextManager[Conversation | None]: ...

    def delete(self, session_id: str) -> bool: ...

    def count(self) -> int: ...

    def close(self) -> None: ...


@dataclass
class _Live:
    chat: Conversation
    lock: threading.Lock = field(default_factory=threading.Lock)


class MemoryConversations:
    """The default: live Conversation objects in this process (one worker, nothing to save)."""

    def __init__(
        self,
        assistant: Assistant,
        *,
        ttl: float,
        max_size: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store: SessionStore[_Live] = SessionStore(
            lambda sid: _Live(assistant.conversation(sid)), ttl=ttl, max_size=max_size, clock=clock
        )
        self.ttl = self._store.ttl

    def create(self) -> str:
        return self._store.create()[0]

    @contextmanager
    def open(self, session_id: str) -> Iterator[Conversation | None]:
        live = self._store.get(session_id)
        if live is None:
            yield None
            return
        with live.lock:
            yield live.chat

    def delete(self, session_id: str) -> bool:
        return self._store.delete(session_id)

    def count(self) -> int:
        return len(self._store)

    def close(self) -> None:
        """Nothing to release; here for the interface."""


# Compare-and-delete: release the lock only if it is still ours (it may have expired and been
# taken by another request meanwhile).
_UNLOCK = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisConversations:
    """Conversations as JSON state in Redis (or Valkey), shared by workers and machines.

    Keys, under `prefix`: `s:<id>` the state (expires after `ttl` idle seconds), `l:<id>` the
    session's lock (SET NX with an expiry, so a crashed worker cannot hold it forever), and
    `used`, a sorted set of ids by last use that bounds the count at `max_size` (the least
    recently used go first) and answers `count` without scanning keys.
    """

    def __init__(
        self,
        assistant: Assistant,
        url: str,
        *,
        ttl: float,
        max_size: int,
        prefix: str = "ccs-assist:",
        lock_expiry: float = 30.0,
        lock_wait: float = 10.0,
    ) -> None:
        import redis

        if not math.isfinite(ttl) or ttl <= 0:
            raise ValueError("ttl must be a positive number of seconds")
        self.assistant = assistant
        self.ttl = float(ttl)
        self.max_size = int(max_size)
        self.prefix = prefix
        self.lock_expiry_ms = int(lock_expiry * 1000)
        self.lock_wait = lock_wait
        self.redis = redis.Redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30
        )
        self._unlock = self.redis.register_script(_UNLOCK)
        self._used = prefix + "used"

    def ping(self) -> None:
        """Fail at start-up, not on a parent's first question, when Redis is unreachable."""
        self.redis.ping()

    def _key(self, session_id: str) -> str:
        return f"{self.prefix}s:{session_id}"

    def _ttl_ms(self) -> int:
        return max(1, int(self.ttl * 1000))

    def create(self) -> str:
        from ccs_assist.conversation.state import dump_conversation

        session_id = uuid.uuid4().hex
        data = json.dumps(dump_conversation(self.assistant.conversation(session_id)))
        now = time.time()
        pipe = self.redis.pipeline()
        pipe.set(self._key(session_id), data, px=self._ttl_ms(), nx=True)
        pipe.zadd(self._used, {session_id: now})
        pipe.zremrangebyscore(self._used, "-inf", now - self.ttl)
        pipe.zcard(self._used)
        *_, size = pipe.execute()
        if size > self.max_size:
            dropped = cast(
                "list[tuple[bytes | str, float]]",
                self.redis.zpopmin(self._used, size - self.max_size),
            )
            ids = [sid.decode() if isinstance(sid, bytes) else sid for sid, _ in dropped]
            if ids:
                self.redis.delete(*(self._key(sid) for sid in ids))
        return session_id

    @contextmanager
    def open(self, session_id: str) -> Iterator[Conversation | None]:
        from ccs_assist.conversation.state import StateError, dump_conversation, load_conversation

        if not _SESSION_ID.fullmatch(session_id):
            yield None  # never a key a caller chose; server ids are 32 hex digits
            return
        token = uuid.uuid4().hex
        lock = f"{self.prefix}l:{session_id}"
        self._acquire(lock, token)
        try:
            raw = self.redis.get(self._key(session_id))
            chat = None
            if raw is not None:
                try:
                    chat = load_conversation(self.assistant, json.loads(raw))
                except (StateError, ValueError):
                    # Saved by an incompatible version: the page starts a new session.
                    self.redis.delete(self._key(session_id))
                    self.redis.zrem(self._used, session_id)
            yield chat
            if chat is not None:
                pipe = self.redis.pipeline()
                # xx: a DELETE that came in meanwhile wins; px: the idle timer starts again.
                key = self._key(session_id)
                pipe.set(key, json.dumps(dump_conversation(chat)), px=self._ttl_ms(), xx=True)
                pipe.zadd(self._used, {session_id: time.time()}, xx=True)
                pipe.execute()
        finally:
            self._unlock(keys=[lock], args=[token])

    def _acquire(self, lock: str, token: str) -> None:
        deadline = time.monotonic() + self.lock_wait
        pause = 0.002
        while not self.redis.set(lock, token, nx=True, px=self.lock_expiry_ms):
            if time.monotonic() > deadline:
                raise SessionBusy("the session is busy")
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def delete(self, session_id: str) -> bool:
        if not _SESSION_ID.fullmatch(session_id):
            return False
        pipe = self.redis.pipeline()
        pipe.delete(self._key(session_id))
        pipe.zrem(self._used, session_id)
        deleted, _ = pipe.execute()
        return bool(deleted)

    def count(self) -> int:
        pipe = self.redis.pipeline()
        pipe.zremrangebyscore(self._used, "-inf", time.time() - self.ttl)
        pipe.zcard(self._used)
        return int(pipe.execute()[1])

    def close(self) -> None:
        self.redis.close()


_SESSION_ID = re.compile(r"[0-9a-f]{32}")


def open_store(
    assistant: Assistant,
    url: str | None,
    *,
    ttl: float,
    max_size: int,
    clock: Callable[[], float] = time.monotonic,
) -> ConversationStore:
    """`--sessions`: None or "memory" for this process only, or redis://HOST:PORT/DB."""
    if url in (None, "", "memory"):
        return MemoryConversations(assistant, ttl=ttl, max_size=max_size, clock=clock)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisConversations(assistant, url, ttl=ttl, max_size=max_size)
    raise ValueError("--sessions must be 'memory' or a redis:// address")
