"""The letter files' templates: which {placeholders} one uses, and filling them in so that each
paragraph is one line."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

from ccs_assist.letters.models import LetterField

__all__ = ["PLAIN_NAME", "fill", "fill_paragraphs", "placeholders"]

PLAIN_NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # ids, field names and placeholders


def placeholders(template: str) -> list[str]:
    """Names used in a template; ValueError for a brace that is not a placeholder."""
    names: list[str] = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if spec or conversion or not PLAIN_NAME.match(name):
            raise ValueError(f"'{{{name}}}' is not a plain placeholder like {{child_name}}")
        names.append(name)
    return names


def fill(template: str, shown: Mapping[str, str]) -> str:
    """Placeholders replaced; the text is reflowed so each paragraph is one line."""
    return " ".join(template.format_map(dict(shown)).split())


def fill_paragraphs(
    template: str, shown: Mapping[str, str], values: Mapping[str, str], fields: list[LetterField]
) -> str:
    """Each paragraph filled and put on one line; a paragraph that uses an optional field the
    parent left blank is left out (so optional details never leave a hole in the letter)."""
    blank_optional = {f.name for f in fields if f.optional and not values.get(f.name)}
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", template.strip()):
        if blank_optional & set(placeholders(paragraph)):
            continue
        out.append(fill(paragraph, shown))
    return "\n\n".join(out)
