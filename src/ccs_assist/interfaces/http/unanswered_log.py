"""The unanswered-questions log: what the assistant could not answer, for the help desk to read.

Only fallback questions are written, without session ids, as JSON lines. The file is opened
with O_NOFOLLOW (a symlink planted at the path is refused, not written through), must be a
regular file, is made 0600 if it is not, and stops growing at `max_bytes` so a flood of odd
questions cannot fill the disk.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

from ccs_assist.interfaces.http.limits import LOG_MAX_BYTES

__all__ = ["UnansweredLog"]

log = logging.getLogger(__name__)


class UnansweredLog:
    """Appends fallback questions as JSON lines to a file readable by its owner only."""

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
