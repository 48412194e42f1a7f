"""Transcripts: YAML conversations that pin what the assistant must answer, run by
`ccs-assist test-transcripts` (command.py) and collected by pytest (plugin.py). Other code
imports from here.

models.py       the format: what a transcript file may say
reading.py      finding files and reading them into Cases, problems at file:line
problem_wording.py  pydantic's complaints and "did you mean" in an editor's words
graph_names.py  the intents and ids a conversation names must be in the graph
checking.py     playing a conversation and checking each turn, one check per expectation
coverage.py     which intents, principles and programs no answer reached
report.py       failure text, the per-conversation lines, the JSON report
command.py      `ccs-assist test-transcripts`
plugin.py       the pytest plugin: each conversation one test, failing with report.py's text
"""

from ccs_assist.transcripts.checking import CaseResult, check_turn, run_case
from ccs_assist.transcripts.command import run
from ccs_assist.transcripts.coverage import measure_coverage
from ccs_assist.transcripts.models import Case, ScreenerCheck, TurnSpec
from ccs_assist.transcripts.reading import default_transcripts_dir, load
from ccs_assist.transcripts.report import failure_report

__all__ = [
    "Case",
    "CaseResult",
    "ScreenerCheck",
    "TurnSpec",
    "check_turn",
    "default_transcripts_dir",
    "failure_report",
    "load",
    "measure_coverage",
    "run",
    "run_case",
]
