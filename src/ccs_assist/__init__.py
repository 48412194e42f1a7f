"""ccs-assist: cited, plain-language answers about California Children's Services and the IEP.

The public API is what this module exports; `ccs_assist.letters` (letters a parent can send)
and `ccs_assist.interfaces.http.app.create_app` (the HTTP app, for embedding) are public too.
Every other module is internal and may change: import from here.
"""

__version__ = "0.1.0"

from ccs_assist.assistant import Assistant
from ccs_assist.conversation.dialogue import Conversation
from ccs_assist.errors import CcsAssistError, GraphError, QuestionError
from ccs_assist.knowledge.schema import Answer, Citation, Referral

__all__ = [
    "Answer",
    "Assistant",
    "CcsAssistError",
    "Citation",
    "Conversation",
    "GraphError",
    "QuestionError",
    "Referral",
    "__version__",
]
