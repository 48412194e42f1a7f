"""The API's response bodies, as the schema (/openapi.json) describes them.

The answer itself is `ccs_assist.knowledge.schema.Answer`; the request body, AskRequest, is made
with its route (api_routes.py) because the question's length limit is the assistant's.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ccs_assist.interfaces.http.error_responses import ERROR_CODES, ERROR_WHEN

__all__ = [
    "ErrorBody",
    "FieldProblem",
    "Health",
    "InvalidBody",
    "SessionCreated",
    "errors_doc",
]


class SessionCreated(BaseModel):
    session_id: str = Field(description="Send this with each question of the conversation.")
    expires_in: float = Field(description="Idle seconds before the session is forgotten.")


class Health(BaseModel):
    status: str = Field(description='"ok" when the graph is loaded and answering.')
    nodes: int = Field(description="Nodes in the knowledge graph.")
    sessions: int = Field(description="Live conversations in the session store.")
    version: str = Field(description="The ccs-assist version.")


class ErrorBody(BaseModel):
    error: str = Field(description="A stable code: " + ", ".join(ERROR_CODES.values()) + ".")
    detail: str = Field(description="One plain sentence for a person; never a traceback.")


class FieldProblem(BaseModel):
    field: str = Field(description="The field, dotted (e.g. `question`), or `body`.")
    message: str = Field(description="What is wrong with it.")


class InvalidBody(ErrorBody):
    fields: list[FieldProblem] = Field(description="Each problem; never the input itself.")


def errors_doc(*codes: int) -> dict[int | str, dict[str, Any]]:
    """A route's error responses for the schema: its own codes and those any route can send."""
    every = sorted({*codes, 405, 408, 500, 503})
    return {
        code: {"model": InvalidBody if code == 422 else ErrorBody, "description": ERROR_WHEN[code]}
        for code in every
    }
