"""A validated graph, saved so the next start can skip parsing and validating the YAML.

Every start used to re-read and re-validate graph/*.yaml; that cost more than all our imports.
The snapshot is keyed by the name, size and modification time of each graph file and of this
package's code, and by the Python version, so any edit to either rebuilds it. It lives in the
user's cache folder, written only by this program; `ccs-assist check` never uses it, and
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


def fingerprint(directory: Path) -> str | None:
    """Names, sizes and times of the graph files and of this package's code: any edit to
    either makes a new key. Taken before loading, so a file edited mid-load is not missed."""
    code = Path(__file__).parent
    try:
        entries = sorted(
            (str(p), p.stat().st_size, p.stat().st_mtime_ns)
            for p in [*directory.glob("*.yaml"), *code.glob("*.py")]
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


def load(key: str | None) -> Any | None:
    """The snapshot saved under this fingerprint, or None."""
    path = _path(key) if key else None
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except Exception:
        return None


def save(key: str | None, value: Any) -> None:
    """Save atomically; any failure (read-only home, full disk) is silently skipped."""
    path = _path(key) if key else None
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
