"""ccs-assist: cited, plain-language answers about California Children's Services and the IEP."""

__version__ = "0.1.0"

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
