"""ccs-assist: cited, plain-language answers about California Children's Services and the IEP."""

from .assistant import Assistant
from .dialogue import Conversation
from .errors import CcsAssistError, GraphError, QuestionError
from .schema import Answer, Citation

__all__ = [
    "Answer",
    "Assistant",
    "CcsAssistError",
    "Citation",
    "Conversation",
    "GraphError",
    "QuestionError",
]
