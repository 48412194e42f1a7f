"""Transcripts: YAML conversations that pin what the assistant must answer, run by
`ccs-assist test-transcripts` and collected by pytest. Other code imports from here."""

from ccs_assist.transcripts.core import (
    Case,
    CaseResult,
    ScreenerCheck,
    TurnSpec,
    check_turn,
    default_transcripts_dir,
    failure_report,
    load,
    measure_coverage,
    run,
    run_case,
)

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
