"""Where the data lives: which graph folder is read, and which files in it are node files."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "GRAPH_SUFFIXES",
    "INTENTS_FILE",
    "MISNAMED_INTENTS_FILE",
    "default_graph_dir",
    "graph_files",
    "project_dir",
]

INTENTS_FILE = "intents.yaml"
# Refused by name rather than read as a node file: the loader says to rename it.
MISNAMED_INTENTS_FILE = "intents.yml"
# Both spellings are graph files; anything else (README.md, the letters/ folder) is not.
GRAPH_SUFFIXES = (".yaml", ".yml")


def project_dir(name: str, env: str) -> Path:
    """A data folder (graph/, transcripts/) beside the source tree, unless `env` names one."""
    chosen = os.environ.get(env)
    return Path(chosen) if chosen else Path(__file__).resolve().parents[3] / name


def default_graph_dir() -> Path:
    """CCS_ASSIST_GRAPH if set; in a source checkout (or editable install) the repository's
    graph/; in an installed wheel the copy shipped inside the package (`_graph`, made from
    graph/ at build time by setup.py)."""
    chosen = os.environ.get("CCS_ASSIST_GRAPH")
    if chosen:
        return Path(chosen)
    package = Path(__file__).resolve().parents[1]
    checkout = package.parents[1] / "graph"
    if package.parent.name == "src" and (checkout / INTENTS_FILE).is_file():
        return checkout
    shipped = package / "_graph"
    return shipped if shipped.is_dir() else checkout


def graph_files(directory: Path) -> list[Path]:
    """The node files of a graph folder: *.yaml and *.yml directly in it, not intents.yaml and
    not subfolders (graph/letters/ has its own reader). Non-regular files are kept so the
    loader names them instead of skipping them silently."""
    try:
        entries = list(directory.iterdir())
    except OSError:
        return []
    return sorted(
        p
        for p in entries
        if p.suffix in GRAPH_SUFFIXES
        and p.name not in (INTENTS_FILE, MISNAMED_INTENTS_FILE)
        and not (p.is_dir() and not p.is_symlink())
    )
