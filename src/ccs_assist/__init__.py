"""ccs-assist: cited, plain-language answers about California Children's Services and the IEP."""

__version__ = "0.1.0"

from ccs_assist.assistant import Assistant
from ccs_assist.conversation.dialogue import Conversation
from ccs_assist.errors import CcsAssistError, GraphError, QuestionError
from ccs_assist.knowledge.schema import Answer, Citation

__all__ = [
    "Answer",
    "Assistant",
    "CcsAssistError",
    "Citation",
    "Conversation",
    "GraphError",
    "QuestionError",
]
