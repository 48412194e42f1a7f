"""ccs-assist: cited, plain-language answers about California Children's Services and the IEP."""

from .errors import CcsAssistError, GraphError, QuestionError
from .schema import Answer, Citation

__all__ = ["Answer", "CcsAssistError", "Citation", "GraphError", "QuestionError"]
