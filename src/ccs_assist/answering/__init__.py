"""Answering: the handlers that turn a matched intent into a draft, the composition of the
draft into the Answer a parent reads (direct answer first, one to three sources), the detail
passages, the glossary, the eligibility screener, and the contract between code and graph.
Other code imports the answer-making names from here."""

from ccs_assist.answering.answers import (
    HANDLERS,
    SHORT_SENTENCES,
    SOURCE_RANK,
    Draft,
    Turn,
    finish,
    source_kind,
    split_sentences,
    unknown_subject,
)

__all__ = [
    "HANDLERS",
    "SHORT_SENTENCES",
    "SOURCE_RANK",
    "Draft",
    "Turn",
    "finish",
    "source_kind",
    "split_sentences",
    "unknown_subject",
]
