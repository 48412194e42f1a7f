"""Answering: the handlers that turn a matched intent into a draft, the composition of the
draft into the Answer a parent reads (direct answer first, one to three sources), the detail
passages, the glossary, the eligibility screener, and the contract between code and graph.
Other code imports the answer-making names from here."""

from ccs_assist.answering.citations import SOURCE_RANK, choose_sources, source_kind
from ccs_assist.answering.composition import SHORT_SENTENCES, Composer, finish
from ccs_assist.answering.draft import Draft, HandlerFn, Turn
from ccs_assist.answering.handlers import HANDLERS, unknown_subject
from ccs_assist.answering.sentences import split_sentences

__all__ = [
    "HANDLERS",
    "SHORT_SENTENCES",
    "SOURCE_RANK",
    "Composer",
    "Draft",
    "HandlerFn",
    "Turn",
    "choose_sources",
    "finish",
    "source_kind",
    "split_sentences",
    "unknown_subject",
]
