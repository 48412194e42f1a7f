"""The API's own routes: asking, sessions and health. No answering logic lives here.

Sessions are made only by POST /v1/sessions (random ids). Asking with an unknown or expired
session_id is a 404, never a silent new session, so a caller cannot pick or guess its way into
another family's conversation and always learns when the context is gone.

No `from __future__ import annotations` here: FastAPI reads the routes' annotations, and
AskRequest is local to `add_ask_route`.
"""

import math

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from ccs_assist import __version__
from ccs_assist.assistant import Assistant
from ccs_assist.interfaces.http.api_models import Health, SessionCreated, errors_doc
from ccs_assist.interfaces.http.limits import SESSION_ID_MAX
from ccs_assist.interfaces.http.session_rate import SessionRate
from ccs_assist.interfaces.http.sessions import ConversationStore
from ccs_assist.interfaces.http.unanswered_log import UnansweredLog
from ccs_assist.knowledge.schema import Answer

__all__ = ["add_ask_route", "add_health_route", "add_session_routes"]


def add_ask_route(
    app: FastAPI, assistant: Assistant, store: ConversationStore, unanswered: UnansweredLog | None
) -> None:
    """POST /v1/ask: a one-off question, or the next turn of a session's conversation."""

    class AskRequest(BaseModel):  # here because the question's limit is this assistant's
        model_config = ConfigDict(
            json_schema_extra={
                "examples": [{"question": "Is spina bifida covered by CCS?", "session_id": None}]
            }
        )

        question: str = Field(
            max_length=assistant.max_chars,
            description="What the parent asked, in their own words.",
        )
        session_id: str | None = Field(
            default=None,
            max_length=SESSION_ID_MAX,
            description="From POST /v1/sessions, to keep the conversation's memory; "
            "leave out for a one-off question.",
        )

    @app.post(
        "/v1/ask",
        response_model=Answer,
        summary="Answer a parent's question",
        responses=errors_doc(400, 404, 413, 415, 422),
    )
    def ask(body: AskRequest) -> Answer:
        if body.session_id is None:
            answer = assistant.conversation().ask(body.question)
            answer.session_id = None  # nothing is kept, so there is no session to continue
        else:
            with store.open(body.session_id) as chat:
                if chat is None:
                    raise HTTPException(
                        404,
                        "No such session (it may have expired); create one with POST /v1/sessions.",
                    )
                answer = chat.ask(body.question)
        if unanswered is not None and answer.fallback:
            unanswered.write(answer.question)
        return answer


def add_session_routes(app: FastAPI, store: ConversationStore, rate: SessionRate) -> None:
    """POST /v1/sessions (limited per client address) and DELETE /v1/sessions/{id}."""

    @app.post(
        "/v1/sessions",
        status_code=201,
        response_model=SessionCreated,
        summary="Start a conversation that remembers earlier questions",
        responses=errors_doc(413, 429),
    )
    def create_session(request: Request) -> SessionCreated:
        client = request.client.host if request.client else "unknown"
        wait = rate.take(client)
        if wait > 0:
            raise HTTPException(
                429,
                "Too many new conversations from this address; please wait a little.",
                headers={"retry-after": str(math.ceil(wait))},
            )
        return SessionCreated(session_id=store.create(), expires_in=store.ttl)

    @app.delete(
        "/v1/sessions/{session_id}",
        status_code=204,
        summary="Forget a conversation now",
        responses=errors_doc(404, 422),
    )
    def delete_session(session_id: str) -> Response:
        if len(session_id) > SESSION_ID_MAX or not store.delete(session_id):
            raise HTTPException(404, "No such session (it may have expired already).")
        return Response(status_code=204)


def add_health_route(app: FastAPI, assistant: Assistant, store: ConversationStore) -> None:
    """GET /v1/health. The graph's size and the version are read once, here: a health check
    polled every few seconds costs only the session count."""
    nodes = sum(assistant.kg.counts().values())

    @app.get(
        "/v1/health", response_model=Health, summary="Liveness and sizes", responses=errors_doc()
    )
    def health() -> Health:
        return Health(status="ok", nodes=nodes, sessions=store.count(), version=__version__)
