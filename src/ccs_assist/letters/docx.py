"""A letter as a Word file (.docx), for parents who print or edit their letters in Word.

Why python-docx: it writes real .docx files with no office suite installed, and reads them back,
so a test can check the file holds exactly the letter's text. One line of the letter is one
paragraph of the document, so reading the paragraphs back gives the same text.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from ccs_assist.letters.models import Letter

__all__ = ["docx_bytes", "read_docx_text", "write_docx"]


def docx_bytes(letter: Letter) -> bytes:
    """The letter as the bytes of a .docx file (the letter only, not the next steps)."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(12)
    document.core_properties.title = letter.title
    for line in letter.text.split("\n"):
        document.add_paragraph(line)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def write_docx(letter: Letter, path: Path) -> None:
    Path(path).write_bytes(docx_bytes(letter))


def read_docx_text(source: Path | bytes) -> str:
    """The text of a .docx, one paragraph a line (how tests check a file round-trips)."""
    from docx import Document

    document = Document(BytesIO(source) if isinstance(source, bytes) else str(source))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)
