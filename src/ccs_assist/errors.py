"""Every way ccs-assist can refuse, in one tree.

    CcsAssistError                 base: catch this to catch everything we raise on purpose
    ├── GraphError                 the knowledge in graph/ has problems; `.problems` lists them all
    │                              (file, line, message), so an editor can fix them in one pass
    └── QuestionError              a question we will not try to answer (empty, too long, not text)

Interfaces catch these and print `str(error)`: no traceback ever reaches a parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SHOWN_PROBLEMS",
    "CcsAssistError",
    "GraphError",
    "Problem",
    "QuestionError",
    "display_path",
]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the data, pinned to where an editor can find it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class CcsAssistError(Exception):
    """Base of every error ccs-assist raises on purpose."""


SHOWN_PROBLEMS = 50


class GraphError(CcsAssistError):
    """The graph files could not be loaded; carries every problem found, not just the first.

    `.problems` keeps them all; the message shows the first SHOWN_PROBLEMS, so a file of a
    million bad lines gives a readable screen, not a million lines."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the graph:"
        lines = [head, *(f"  {p}" for p in self.problems[:SHOWN_PROBLEMS])]
        if count > SHOWN_PROBLEMS:
            more = count - SHOWN_PROBLEMS
            lines.append(f"  ... and {more:,} more problem{'s' if more != 1 else ''}")
        super().__init__("\n".join(lines))


class QuestionError(CcsAssistError):
    """A question that cannot be taken as it is; the message says what to change."""


def display_path(path: Path) -> str:
    """Show data paths relative to the working folder when we can, as editors see them."""
    try:  # resolve the folder, not the file: the file may be a symlink loop
        full = path.parent.resolve() / path.name
        return str(full.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)
