"""The validated graph, saved as plain JSON so the next start can skip parsing and validating.

Every start used to re-read and re-validate graph/*.yaml; that costs more than our imports.
The snapshot is data only (nodes, links and intents.yaml as validated plain data), never code:
a file planted in the cache folder can at worst be ignored. It is keyed by a hash of the
*content* of every graph file and of this package's code, its version and the Python version,
so any edit rebuilds it, even one that keeps a file's size and modification time. What is read
back is checked for shape before use; anything odd means "no snapshot", never a crash.
It lives in the user's cache folder; `ccs-assist check` never uses it, and
CCS_ASSIST_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ccs_assist.knowledge.folders import INTENTS_FILE, graph_files
from ccs_assist.knowledge.graph import KnowledgeGraph
from ccs_assist.knowledge.loader import read_bytes_safely
from ccs_assist.knowledge.schema import Node

FORMAT = 3  # 3: nodes keep their publisher
PREFIX = "graph-"
SUFFIX = ".json"
MAX_SNAPSHOT_BYTES = 20_000_000

EdgeData = dict[str, str | int]


class Saved(BaseModel):
    """The shape a snapshot file must have; anything else is ignored."""

    model_config = ConfigDict(extra="forbid", strict=False)

    format: int
    key: str
    nodes: list[Node]
    edges: list[tuple[str, str, EdgeData]]
    intents: dict[str, Any]


def fingerprint(directory: Path) -> str | None:
    """A hash of the bytes of every graph file and of this package's code: any edit to either
    makes a new key. Taken before loading, so a file edited mid-load is not missed."""
    from ccs_assist import __version__

    digest = hashlib.sha256(repr((FORMAT, __version__, sys.version)).encode())
    code = Path(__file__).resolve().parents[1]
    files = [*graph_files(directory), directory / INTENTS_FILE, *sorted(code.rglob("*.py"))]
    for path in files:
        raw = read_bytes_safely(path)
        if isinstance(raw, str):
            return None  # unreadable: let the real load report it, and cache nothing
        name = path.relative_to(code) if path.is_relative_to(code) else path.name
        digest.update(f"\0{name}\0{len(raw)}\0".encode())
        digest.update(raw)
    digest.update(str(directory.resolve()).encode())
    return digest.hexdigest()[:32]


def _path(key: str) -> Path | None:
    if os.environ.get("CCS_ASSIST_NO_CACHE"):
        return None
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("ccs-assist")) / f"{PREFIX}{key}{SUFFIX}"
    except Exception:
        return None


def load(key: str | None, directory: Path) -> tuple[KnowledgeGraph, dict[str, Any]] | None:
    """The graph and the plain intents data saved under this key, or None when there is no
    snapshot or it is not exactly what we write (garbage, planted, truncated, old format)."""
    path = _path(key) if key else None
    if path is None:
        return None
    raw = read_bytes_safely(path, MAX_SNAPSHOT_BYTES)
    if isinstance(raw, str):
        return None
    try:
        saved = Saved.model_validate_json(raw)
        if saved.format != FORMAT or saved.key != key:
            return None
        return KnowledgeGraph(saved.nodes, saved.edges, directory), saved.intents
    except (ValidationError, ValueError, TypeError, RecursionError):
        return None


def save(key: str | None, kg: KnowledgeGraph, intents: dict[str, Any]) -> None:
    """Save atomically; any failure (read-only home, full disk) is silently skipped."""
    path = _path(key) if key else None
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.iterdir():
            if old != path and old.name.startswith(PREFIX):  # older snapshots, old pickles
                old.unlink(missing_ok=True)
        data = {"format": FORMAT, "key": key, **kg.to_data(), "intents": intents}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, prefix=".tmp-"
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except Exception:
        return
