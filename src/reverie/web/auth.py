"""Who is asking: the login session, the logged-in user, the per-request workspace, and CSRF protection.

How a request acts as its user: the app opens the workspace once (``app.state.web.ws``,
acting as the workspace's default user, used for nothing clinical). For each request
``current_user`` reads the session cookie, looks the session up server-side
(``reverie.accounts``; idle or old sessions are gone) and gives the domain ``User``;
``workspace`` then returns ``ws.acting_as(user, origin="web:ADDRESS")``, a cheap view
that shares the engine and key caches. Every read and write a route makes goes
through that view's scoped, audited store, exactly as on the command line; routes
never touch tables.

Use in a route::

    @router.get("/x")
    def page(request: Request, ws: Workspace = Depends(workspace)): ...
    @router.get("/y")
    def staff(user: User = Depends(require_role("therapist"))): ...

CSRF: every unsafe request (POST, PUT, PATCH, DELETE) must carry the session's token,
as the form field ``csrf_token`` or the header ``X-CSRF-Token`` (htmx sends it: see
``base.html``'s ``hx-headers``); before login the token is a random cookie
(``reverie_csrf``) repeated in the form (double submit). ``csrf_guard`` is an app-wide
dependency, so a new router is covered without doing anything.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import Depends, HTTPException, Request

from reverie.accounts import LoginSession
from reverie.domain import User

if TYPE_CHECKING:
    from reverie.workspace import Workspace

SESSION_COOKIE = "reverie_session"
CSRF_COOKIE = "reverie_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LoginRequired(Exception):
    """Raised by ``current_user`` without a live session: the error pages send the browser to the login page."""


class Throttle:
    """Failed logins per client address: more than ``limit`` within ``window`` seconds are refused (HTTP 429).

    In memory, per process: it slows guessing across accounts; the per-account lockout in ``reverie.accounts``
    is the durable limit."""

    def __init__(self, limit: int = 20, window: float = 900.0):
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, address: str) -> bool:
        q = self._failures.get(address)
        while q and q[0] < time.monotonic() - self.window:
            q.popleft()
        if q is not None and not q:
            del self._failures[address]  # forget quiet addresses
        return bool(q) and len(q) >= self.limit

    def failed(self, address: str) -> None:
        self._failures[address].append(time.monotonic())


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login_session(request: Request) -> LoginSession | None:
    """The request's live login session (looked up once per request), or None."""
    if not hasattr(request.state, "login"):
        request.state.login = request.app.state.web.accounts.session(request.cookies.get(SESSION_COOKIE))
    return request.state.login


def current_user(request: Request) -> User:
    found = login_session(request)
    if found is None:
        raise LoginRequired()
    return found.user


def require_role(*roles: str) -> Callable[..., User]:
    """A dependency giving the logged-in user when their role is one of ``roles`` (404 otherwise: nothing to see)."""
    def dependency(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise HTTPException(404)
        return user
    return dependency


def workspace(request: Request, user: User = Depends(current_user)) -> Workspace:
    """The workspace acting as the logged-in user for this request."""
    return request.app.state.web.ws.acting_as(user, origin=f"web:{address(request)}")


def csrf_token(request: Request) -> str:
    """The token a page's forms must send back: the session's, or before login the pre-session cookie's."""
    found = login_session(request)
    if found is not None:
        return found.csrf
    if not hasattr(request.state, "pre_csrf"):
        request.state.pre_csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    return request.state.pre_csrf


async def csrf_guard(request: Request) -> None:
    """Refuse (403) an unsafe request whose CSRF token is missing or wrong."""
    if request.method not in UNSAFE:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get(CSRF_FIELD)
    found = login_session(request)
    expected = found.csrf if found is not None else request.cookies.get(CSRF_COOKIE)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise HTTPException(403, "This form has expired or did not come from Reverie: reload the page and try again.")


def set_cookie(request: Request, response, name: str, value: str, max_age: int | None = None) -> None:  # noqa: ANN001
    """Cookies are HttpOnly and SameSite=Strict always, Secure behind TLS or when the app was told to."""
    secure = request.app.state.web.secure_cookies or request.url.scheme == "https"
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", secure=secure, path="/")
