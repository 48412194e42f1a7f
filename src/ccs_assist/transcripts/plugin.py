"""pytest collects the transcripts: each conversation in transcripts/*.yaml is one test, played
and checked by the same code as `ccs-assist test-transcripts`, and a failing one shows the same
report, so the fix is the same either way.

Loaded by `-p ccs_assist.transcripts.plugin` (pyproject.toml's addopts). Only files in the
transcripts folder (default_transcripts_dir) are collected, never graph/ or other YAML; as in
the command, a pending/ folder there is skipped unless it, or a file in it, is named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ccs_assist.errors import Problem
from ccs_assist.transcripts.checking import run_case
from ccs_assist.transcripts.models import Case
from ccs_assist.transcripts.reading import SUFFIXES, default_transcripts_dir, is_pending, load_file
from ccs_assist.transcripts.report import failure_report, problems_text

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr

    from ccs_assist.assistant import Assistant

# One Assistant for the whole session, made when the first conversation runs.
_ASSISTANT: pytest.StashKey[Assistant] = pytest.StashKey()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix in SUFFIXES and _is_transcript(file_path.resolve(), parent.config):
        return TranscriptYaml.from_parent(parent, path=file_path)
    return None


def _is_transcript(path: Path, config: pytest.Config) -> bool:
    folder = default_transcripts_dir().resolve()
    if folder not in path.parents:
        return False
    return not is_pending(path, folder) or _named(path, config)


def _named(path: Path, config: pytest.Config) -> bool:
    """Was the pending/ file, or a folder within pending/ above it, named on the command line?"""
    for arg in config.args:
        named = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if named == path or (named in path.parents and not is_pending(path, named)):
            return True
    return False


class TranscriptYaml(pytest.File):
    """One transcript file: an item per conversation, and one for problems reading it."""

    def collect(self) -> Iterator[pytest.Item]:
        problems: list[Problem] = []
        cases = load_file(self.path, problems)
        if problems:
            yield FileProblems.from_parent(self, name="problems in this file", problems=problems)
        for case in cases:
            yield Conversation.from_parent(self, name=case.name, case=case)


class TranscriptFailed(Exception):
    """Carries the text the command would print for this failure."""


class _TranscriptItem(pytest.Item):
    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, TranscriptFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


class Conversation(_TranscriptItem):
    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        result = run_case(_assistant(self.config), self.case)
        if not result.passed:
            raise TranscriptFailed(failure_report(result))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f'conversation "{self.case.name}"'


class FileProblems(_TranscriptItem):
    """Mistakes in the file fail here; the conversations that could be read still run."""

    def __init__(self, *, problems: list[Problem], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise TranscriptFailed("\n".join(problems_text(self.problems)))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "problems in the transcript file"


def _assistant(config: pytest.Config) -> Assistant:
    if _ASSISTANT not in config.stash:
        from ccs_assist.assistant import Assistant

        config.stash[_ASSISTANT] = Assistant()
    return config.stash[_ASSISTANT]
