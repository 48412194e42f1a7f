"""The chat page, the widget's files and /docs: static files read once from package data.

No build step and no CDN: the page, its script and style are in `web/`, and Swagger UI comes
from the swagger-ui-bundle package, so everything works offline.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from importlib import resources

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response

__all__ = ["PAGE_CSP", "WEB_FILES", "add_chat_pages", "add_docs"]

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
WEB_FILES = {
    "chat.js": "text/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "widget.js": "text/javascript; charset=utf-8",
}


def _web_file(name: str) -> bytes:
    return resources.files("ccs_assist.interfaces.http").joinpath("web", name).read_bytes()


def add_chat_pages(app: FastAPI, person_url: str | None) -> None:
    """GET / (the chat page, its "talk to a person" link set to `person_url`), /widget.js and
    /static/chat.js, /static/chat.css."""
    page = _web_file("index.html").decode("utf-8")
    if person_url:
        page = page.replace('data-person-url=""', f'data-person-url="{escape(person_url)}"', 1)
    files = {name: _web_file(name) for name in WEB_FILES}

    @app.get("/", include_in_schema=False)
    def chat_page() -> HTMLResponse:
        return HTMLResponse(page, headers={"content-security-policy": PAGE_CSP})

    def serve(name: str) -> Callable[[], Response]:
        def handler() -> Response:
            return Response(files[name], media_type=WEB_FILES[name])

        return handler

    app.get("/widget.js", include_in_schema=False)(serve("widget.js"))
    for name in ("chat.js", "chat.css"):
        app.get(f"/static/{name}", include_in_schema=False)(serve(name))


def add_docs(app: FastAPI) -> None:
    """/docs from the swagger-ui-bundle package's files, when it is installed."""
    try:
        import swagger_ui_bundle
    except ImportError:
        return
    from fastapi.openapi.docs import get_swagger_ui_html
    from starlette.staticfiles import StaticFiles

    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="ccs-assist API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )
