"""A validated graph, saved so the next start can skip parsing and validating the YAML.

Every start used to re-read and re-validate graph/*.yaml; that cost more than all our imports.
The snapshot is keyed by each graph file's name, size and modification time, this package's
version and the Python version, so any edit to graph/ rebuilds it. It lives in the user's cache
folder, written only by this program; `ccs-assist check` never uses it, and
CCS_ASSIST_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 1


def _fingerprint(directory: Path) -> str | None:
    try:
        entries = sorted(
            (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in directory.glob("*.yaml")
        )
    except OSError:
        return None
    from . import __version__

    digest = hashlib.sha256(
        repr((FORMAT, __version__, sys.version, str(directory.resolve()), entries)).encode()
    )
    return digest.hexdigest()[:32]


def _path(fingerprint: str) -> Path | None:
    if os.environ.get("CCS_ASSIST_NO_CACHE"):
        return None
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("ccs-assist")) / f"graph-{fingerprint}.pickle"
    except Exception:
        return None


def load(directory: Path) -> Any | None:
    """The saved snapshot for exactly these graph files, or None."""
    fingerprint = _fingerprint(directory)
    path = _path(fingerprint) if fingerprint else None
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:
        return None


def save(directory: Path, value: Any) -> None:
    """Save atomically; any failure (read-only home, full disk) is silently skipped."""
    fingerprint = _fingerprint(directory)
    path = _path(fingerprint) if fingerprint else None
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("graph-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except Exception:
        return
