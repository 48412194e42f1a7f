"""Answering: from a matched intent to the Answer a parent reads.

handlers/ walk the graph for each kind of question and return a Draft (draft.py);
composition.py turns a Draft into the Answer (yes or no first, a short answer, who to ask) and
citations.py picks its one to three sources. passages.py adds the one detail sentence a
question asks about, glossary.py spells jargon out, screener.py runs the eligibility check, and
contract.py lists what this code needs from the graph. Other code imports from here."""

from ccs_assist.answering.citations import SOURCE_RANK, source_kind
from ccs_assist.answering.composition import SHORT_SENTENCES, Composer
from ccs_assist.answering.draft import Draft, Turn
from ccs_assist.answering.handlers import HANDLERS, unknown_subject
from ccs_assist.answering.screener import STOP_WORDS, Screener, StepReply
from ccs_assist.answering.sentences import split_sentences

__all__ = [
    "HANDLERS",
    "SHORT_SENTENCES",
    "SOURCE_RANK",
    "STOP_WORDS",
    "Composer",
    "Draft",
    "Screener",
    "StepReply",
    "Turn",
    "source_kind",
    "split_sentences",
    "unknown_subject",
]
