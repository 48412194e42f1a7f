"""Every error the API sends has one shape: JSON `{"error": code, "detail": text}`.

No traceback and no question text ever reaches a response: handlers name fields and error
types, never what the parent typed. The codes and their meanings are documented in the schema
(api_models.errors_doc) from the tables here.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ccs_assist.errors import QuestionError
from ccs_assist.interfaces.http.sessions import SessionBusy

__all__ = ["ERROR_CODES", "ERROR_WHEN", "SECURITY_HEADERS", "add_error_handlers", "error_response"]

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}
ERROR_WHEN = {
    400: "The body is not valid JSON, or the assistant will not take the question.",
    404: "Unknown route, or an unknown or expired session: create one with POST /v1/sessions.",
    405: "The route exists but not with this method.",
    408: "The request body did not arrive in time; the connection is closed.",
    413: "The body is over the size limit (checked before parsing).",
    415: "The body was not sent with Content-Type: application/json.",
    422: "The JSON does not fit the schema; `fields` lists each problem.",
    429: "Too many new sessions from this address; wait `Retry-After` seconds.",
    500: "A bug on our side; the log names the error type, never the question.",
    503: "The session is busy with another request, or the server is at its connection cap.",
}
# On every response, errors included: nothing is cached, nothing is sniffed, no referrer leaks.
SECURITY_HEADERS = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def error_response(
    status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """The one error shape; `extra` adds fields such as 422's `fields`."""
    body = {"error": ERROR_CODES.get(status, "error"), "detail": detail, **extra}
    return JSONResponse(body, status_code=status, headers=headers)


def add_error_handlers(app: FastAPI) -> None:
    """Turn FastAPI's, the assistant's and the session stores' errors into the one shape."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and not request.url.path.startswith("/v1/sessions"):
            detail = "There is nothing at this address." if detail == "Not Found" else detail
        return error_response(exc.status_code, detail, headers=dict(exc.headers or {}))

    app.exception_handler(RequestValidationError)(_invalid_request)

    @app.exception_handler(QuestionError)
    async def bad_question(request: Request, exc: QuestionError) -> JSONResponse:
        return error_response(400, str(exc))

    @app.exception_handler(SessionBusy)
    async def busy(request: Request, exc: SessionBusy) -> JSONResponse:
        return error_response(
            503, "This conversation is busy with another question; try again.", {"retry-after": "1"}
        )

    try:
        from redis import RedisError
    except ImportError:  # no redis extra: no Redis store either
        return

    @app.exception_handler(RedisError)
    async def store_down(request: Request, exc: RedisError) -> JSONResponse:
        log.error("the session store failed: %s", type(exc).__name__)
        return error_response(
            503, "Conversations are unavailable for a moment; try again.", {"retry-after": "2"}
        )


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """400 for broken JSON, 415 for a body not sent as JSON, else 422 naming each field."""
    problems = exc.errors()
    if any(p.get("type") == "json_invalid" for p in problems):
        return error_response(400, "The request body is not valid JSON.")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    json_sent = media == "application/json" or media.endswith("+json")
    if not json_sent and any(tuple(p.get("loc", ())) == ("body",) for p in problems):
        # Form posts and text/plain are never read as JSON (a browser can send those
        # cross-site without asking), so say plainly what to send instead.
        return error_response(
            415, "Send the body as JSON with the header Content-Type: application/json."
        )
    # Field names and messages only: pydantic's "input" would echo the parent's text back.
    fields = [
        {
            "field": ".".join(str(part) for part in p.get("loc", ()) if part != "body") or "body",
            "message": p.get("msg", "invalid"),
        }
        for p in problems
    ]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return error_response(422, f"The request does not match the schema ({summary}).", fields=fields)
