"""Login, logout and the account page (password change, TOTP enrolment)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from reverie.accounts import new_totp_secret, totp_uri
from reverie.domain import User
from reverie.errors import AccessDenied, InputError
from reverie.web.auth import SESSION_COOKIE, address, current_user, login_session, set_cookie
from reverie.web.errors import error_page
from reverie.web.pages import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a URL): no open redirect after login."""
    return target if target and target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:  # noqa: A002
    if login_session(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
def login(request: Request, login: str = Form(""), password: str = Form(""), code: str = Form(""),
          next: str = Form("/")) -> Response:  # noqa: A002
    web = request.app.state.web
    where = address(request)
    if web.throttle.blocked(where):
        return error_page(request, 429, "Too many failed logins from this address: wait a quarter of an hour.")
    try:
        user = web.accounts.verify(login, password, code or None)
    except AccessDenied as exc:
        web.throttle.failed(where)
        return render(request, "login.html", {"error": exc.message, "login": login, "next": _safe_next(next)},
                      status_code=401)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        web.accounts.end_session(old)
    token, _csrf = web.accounts.start_session(user)
    target = _safe_next(next) if next != "/" else ("/portal" if user.role == "client" else "/")
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    found = login_session(request)
    request.app.state.web.accounts.end_session(request.cookies.get(SESSION_COOKIE), found.user if found else None)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account(request: Request, user: User, **extra: object) -> Response:
    accounts = request.app.state.web.accounts
    context: dict[str, object] = {"has_totp": accounts.has_totp(user), **extra}
    if user.role == "therapist" and not context["has_totp"]:
        secret = str(extra.get("totp_secret") or new_totp_secret())
        context |= {"totp_secret": secret, "totp_uri": totp_uri(secret, user.name)}
    return render(request, "account.html", context, status_code=400 if extra.get("error") else 200)


@router.get("/account")
def account(request: Request, user: User = Depends(current_user)) -> Response:
    return _account(request, user)


@router.post("/account/password")
def change_password(request: Request, current: str = Form(...), new: str = Form(...),
                    user: User = Depends(current_user)) -> Response:
    accounts = request.app.state.web.accounts
    try:
        accounts.verify(user.name, current, second_factor=False)
        accounts.set_password(user, user.name, new)
    except (AccessDenied, InputError) as exc:
        return _account(request, user, error=exc.message)
    token, _csrf = accounts.start_session(user)  # the change ended every session: start this one again
    response = RedirectResponse("/account", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    return response


@router.post("/account/totp")
def enrol_totp(request: Request, secret: str = Form(...), code: str = Form(...),
               user: User = Depends(current_user)) -> Response:
    if user.role != "therapist":
        return error_page(request, 404, "There is nothing here.")
    try:
        request.app.state.web.accounts.enrol_totp(user, secret, code)
    except InputError as exc:
        return _account(request, user, error=exc.message, totp_secret=secret)
    return _account(request, user, notice="The second factor is on: each login will ask for a code.")
