"""HTTP routes for letters, added to the help desk's FastAPI app by `add_letter_routes`.

    GET  /v1/letters    -> 200 {"letters": [LetterKind, ...]}: each kind, its fields and laws
    POST /v1/letters    {"kind": "ccs_appeal", "fields": {"child_name": "...", ...},
                         "today": "2026-11-24" (optional; default: today in California)}
        -> 200 Letter: text, deadline, timing, laws, citations, next_steps, missing (always [])
        -> 404 {"error": "not_found", ...}            unknown kind
        -> 422 {"error": "invalid_request", "detail": ..., "fields": [{field, message}],
                "missing": ["child_name", ...]}       required fields not given, a field the
                                                      letter does not have, or a bad date

Why 422 for missing fields rather than a 200 with blanks: a letter with "[your child's name]" in
it should never be printed by mistake; the help desk's form asks for what `missing` names, using
the `label` and `ask` of each field from GET /v1/letters. `Letters.make_letter` in the library
does return the draft with blanks, for interfaces that want it.

Privacy: letters are made and returned; nothing is stored or logged, and error messages name
fields, never what the parent typed. Every response is `Cache-Control: no-store`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ccs_assist.letters import MAX_FIELD_CHARS, Letter, LetterError, LetterKind, Letters

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ccs_assist.assistant import Assistant

__all__ = ["LetterKinds", "LetterRequest", "add_letter_routes"]

NO_STORE = {"Cache-Control": "no-store"}


class LetterRequest(BaseModel):
    """A letter to make: its kind and the parent's answers, by field name."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(max_length=64, description="A letter kind id from GET /v1/letters.")
    fields: dict[
        Annotated[str, Field(max_length=64)],
        Annotated[str, Field(max_length=MAX_FIELD_CHARS)],
    ] = Field(
        default={},
        max_length=40,
        description="Field name -> text. Dates as 2026-11-03, 11/3/2026 or November 3, 2026.",
    )
    today: date | None = Field(default=None, description="The letter's date; default: today.")


class LetterKinds(BaseModel):
    """Every letter kind, with the fields it asks for."""

    letters: list[LetterKind]


def add_letter_routes(app: FastAPI, assistant: Assistant) -> None:
    """Add GET and POST /v1/letters to `app`; the letter files are checked once, here."""
    from fastapi.responses import JSONResponse

    letters = Letters.load(assistant.kg)
    kinds = LetterKinds(letters=letters.kinds())

    def _refuse(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
        return JSONResponse({"error": code, "detail": detail, **extra}, status, NO_STORE)

    docs = _error_docs(app)

    @app.get("/v1/letters", response_model=LetterKinds, tags=["letters"], responses=docs(None))
    def list_letters() -> JSONResponse:
        """The letter kinds: title, summary, fields (label, the question to ask, type), laws."""
        return JSONResponse(kinds.model_dump(mode="json"), headers=NO_STORE)

    @app.post(
        "/v1/letters",
        response_model=Letter,
        tags=["letters"],
        responses=docs(
            {
                404: "No letter kind with that id.",
                422: "Required fields missing (named "
                "in `missing`), a field the letter does not have, or a date it cannot read.",
            }
        ),
    )
    def make_letter(request: LetterRequest) -> JSONResponse:
        """Fill in one letter. Information, not legal advice."""
        if request.kind not in letters:
            return _refuse(
                404, "not_found", f"no letter kind {request.kind[:64]!r}; see GET /v1/letters"
            )
        try:
            letter = letters.make_letter(request.kind, request.fields, request.today)
        except LetterError as error:
            field = str(error).split(":", 1)[0] if ":" in str(error) else "fields"
            return _refuse(
                422,
                "invalid_request",
                _without_values(error),
                fields=[{"field": f"fields.{field}", "message": _without_values(error)}],
                missing=[],
            )
        if letter.missing:
            specs = {f.name: f for f in letters.fields(request.kind)}
            return _refuse(
                422,
                "invalid_request",
                "missing required fields: " + ", ".join(letter.missing),
                fields=[
                    {"field": f"fields.{name}", "message": f"required: {specs[name].label}"}
                    for name in letter.missing
                ],
                missing=letter.missing,
            )
        return JSONResponse(letter.model_dump(mode="json"), headers=NO_STORE)


def _error_docs(app: FastAPI) -> Any:
    """Error responses for the schema, in the app's own documented error bodies when its other
    routes declare them (the help desk's server does), so /openapi.json describes every route
    alike; on a bare app, descriptions only."""
    known: dict[str, dict[str, Any]] = {}
    for route in app.routes:
        for code, spec in (getattr(route, "responses", None) or {}).items():
            if str(code)[:1] in "45" and isinstance(spec, dict) and spec.get("model"):
                known.setdefault(str(code), spec)
    error_model = next((s["model"] for c, s in known.items() if c != "422"), None)
    invalid_model = known.get("422", {}).get("model", error_model)

    def docs(own: dict[int, str] | None) -> dict[int | str, dict[str, Any]]:
        out: dict[int | str, dict[str, Any]] = {
            int(code): spec for code, spec in known.items() if code in ("405", "408", "500", "503")
        }
        for code, text in (own or {}).items():
            model = invalid_model if code == 422 else error_model
            out[code] = {"description": text} | ({"model": model} if model else {})
        return out

    return docs


def _without_values(error: LetterError) -> str:
    """The error's message with any quoted value the parent typed cut out."""
    text = str(error)
    head, _, rest = text.partition(" can't read ")
    if rest:
        return head + " can't read that as a date; write it like 2026-11-03"
    return text
