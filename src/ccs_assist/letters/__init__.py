"""Letters a parent can send: the kinds in graph/letters/, filling one in from a parent's
answers, the .docx copy, and the interview that asks for the missing facts. Other code imports
from here, not from the modules inside."""

from ccs_assist.letters.collection import Letters, check_letters
from ccs_assist.letters.dates import format_date, parse_date
from ccs_assist.letters.docx import docx_bytes, read_docx_text, write_docx
from ccs_assist.letters.field_values import MAX_FIELD_CHARS
from ccs_assist.letters.interview import LetterInterview, menu_text
from ccs_assist.letters.models import KEEP_COPY, Letter, LetterError, LetterKind
from ccs_assist.letters.services import normalize_service

__all__ = [
    "KEEP_COPY",
    "MAX_FIELD_CHARS",
    "Letter",
    "LetterError",
    "LetterInterview",
    "LetterKind",
    "Letters",
    "check_letters",
    "docx_bytes",
    "format_date",
    "menu_text",
    "normalize_service",
    "parse_date",
    "read_docx_text",
    "write_docx",
]
