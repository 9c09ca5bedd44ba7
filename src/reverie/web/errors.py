"""Errors as pages: Reverie's errors keep their message and hint, nothing else (never a trace) reaches the browser.

A missing login sends the browser to the login page (htmx: ``HX-Redirect``); another
therapist's client is a 404 because the store answers ``NotFoundError`` for what
lies outside a user's scope.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from reverie.errors import AccessDenied, ConsentRequired, LegalHoldError, NotFoundError, ReverieError
from reverie.web.auth import LoginRequired

_log = logging.getLogger("reverie.web")
_TITLES = {400: "That did not work", 403: "Not allowed", 404: "Not found", 405: "Not allowed", 429: "Too many attempts",
           500: "Something went wrong"}


def _status(exc: ReverieError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, (AccessDenied, ConsentRequired, LegalHoldError)):
        return 403
    return 400 if exc.exit_code == 2 else 500


def error_page(request: Request, status: int, message: str, hint: str | None = None) -> Response:
    from reverie.web.pages import render
    return render(request, "error.html", {"status": status, "title": _TITLES.get(status, "Error"), "message": message,
                                          "hint": hint}, status_code=status, banner=False)


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        target = "/login?next=" + quote(request.url.path) if request.method == "GET" else "/login"
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(ReverieError)
    async def _reverie(request: Request, exc: ReverieError) -> Response:
        return error_page(request, _status(exc), exc.message, exc.hint)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else \
            "There is nothing here, or nothing you may see."
        return error_page(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        _log.exception("internal error on %s", request.url.path)
        return error_page(request, 500, "Reverie met an internal error; nothing more is shown here.",
                          "the server's log has the details")
