"""Yes or no first: the word that opens an answer to a yes/no question, from a fact and the
way the question was put.

"Is my 19-year-old too old?" and "Can my 19-year-old still get CCS?" ask about the same fact
(19 is under the limit of 21) with opposite framing, so one gets "No" and the other "Yes". The
fact comes from the graph (the limit in req_age, the line in req_income); only the framing is
read here.
"""

from __future__ import annotations

import re

from ccs_assist.text import words
from ccs_assist.understanding.focus import is_asking, sentences
from ccs_assist.understanding.grounding import question_type

# Framings that ask whether a limit is crossed: a true fact ("within the limit") answers "No".
_CROSSED = re.compile(
    r"\b(too (old|much|high|many)|over (the|a|our|that|this)?\s*(limit|line|age|income|cap)|"
    r"over \d|past (the|a)?\s*(limit|age|line)|aged? out|age out|above (the|a)|exceed|"
    r"no longer|disqualif|too late|over the)\b"
)


# "... do we qualify", "... can she stay": a yes/no clause after a story, not after a
# question word ("how do we qualify" asks how).
_YES_NO_CLAUSE = re.compile(
    r"(?<!how )(?<!what )(?<!where )(?<!when )(?<!why )(?<!who )"
    r"\b(can|could|do|does|is|are|will|would|should|may|am)\s+"
    r"(i|we|he|she|they|my|our|his|her|it|you|that|this|the)\b"
)


def asks_yes_no(question: str) -> bool:
    """Whether the message asks yes or no: its last asking sentence opens like one, or a
    yes/no clause follows the story in the same sentence."""
    asking = [s for s in sentences(question) if is_asking(s)] or [question]
    last = " ".join(words(asking[-1]))
    kind = question_type(last)
    return kind == "yes_no" or (kind == "other" and bool(_YES_NO_CLAUSE.search(last)))


def opening(holds: bool, question: str) -> str:
    """'Yes' or 'No' for a fact that holds or not, as the question framed it."""
    crossed = bool(_CROSSED.search(" ".join(words(question))))
    return "Yes" if holds != crossed else "No"
