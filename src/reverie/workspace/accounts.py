"""Web accounts: passwords (Argon2id), the optional TOTP second factor, lockout, and server-side login sessions.

The command line trusts whoever holds the key (``--user`` is a claim); the web app
authenticates people, and this module is how. It works on a ``Workspace`` and
audits through its store: ``login``, ``login_failed``, ``logout``, ``password``
and ``totp`` rows, acting as the user concerned (a failed login acts as
``anonymous`` and names the account only when it exists, so a password typed into
the login field never reaches the log).

Login sessions live in the database (``login_sessions``): the cookie holds a
random token and the table only its SHA-256, so logout, the inactivity time-out
and the absolute lifetime end a session for real, and a stolen database holds no
usable cookie. Each session carries its CSRF token.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, or_, select

from reverie.domain import User
from reverie.errors import AccessDenied, InputError, NotFoundError
from reverie.store import access, crypto, meta
from reverie.store.tables import AccountRow, LoginSessionRow, UserRow, now

if TYPE_CHECKING:
    from reverie.workspace import Workspace

MIN_PASSWORD = 10
LOCK_AFTER = 5  # failed logins in a row before the account is locked...
LOCK_FOR = timedelta(minutes=15)  # ...for this long
IDLE = timedelta(minutes=30)  # inactivity log-off
MAX_AGE = timedelta(hours=12)  # a login never lasts longer than a working day
_TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most once a minute per session
_HASHER = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile
_DUMMY = _HASHER.hash("not a password of anyone's")  # verified against for unknown logins: same time either way
_TOTP_AAD = b"accounts.totp"
ANONYMOUS = User("anonymous", "none")


@dataclass
class LoginSession:
    """An authenticated web session: the user it acts as and its CSRF token."""

    user: User
    csrf: str
    token_id: str


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The accounts of one workspace; ``ws`` is any view of it (the web app passes its base workspace)."""

    def __init__(self, ws: Workspace, idle: timedelta = IDLE, lock_after: int = LOCK_AFTER):
        self.ws = ws
        self.db = ws.db
        self.idle = idle
        self.lock_after = lock_after

    # ----- passwords --------------------------------------------------------------------------------------
    def set_password(self, actor: User, name: str, password: str, login: str | None = None) -> dict[str, str | None]:
        """Set ``name``'s password (and login alias): the user themself, an admin for staff, the treating therapist
        for a client. Audited as ``password`` on ``user:NAME``."""
        if len(password) < MIN_PASSWORD:
            raise InputError(f"a password needs at least {MIN_PASSWORD} characters", hint="a few words make a good one")
        login = login.strip().lower() if login else None
        hashed = _HASHER.hash(password)  # before the transaction: Argon2 takes a while, the write lock should not

        def work(s):  # noqa: ANN001, ANN202
            row = s.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFoundError(f"no user named '{name}'", hint="`reverie users list` shows the users")
            self._may_manage(s, actor, row)
            if login is not None:
                other = s.scalar(select(AccountRow).where(AccountRow.login == login, AccountRow.user_id != row.id))
                taken = s.scalar(select(UserRow).where(UserRow.name == login, UserRow.id != row.id))
                if other is not None or taken is not None:
                    raise InputError(f"the login '{login}' is taken", hint="choose another login")
            account = s.get(AccountRow, row.id)
            if account is None:
                account = AccountRow(user_id=row.id, failed_logins=0)
                s.add(account)
            account.password_hash = hashed
            account.password_set_at = now()
            account.failed_logins, account.locked_until = 0, None
            if login is not None:
                account.login = login
            s.execute(delete(LoginSessionRow).where(LoginSessionRow.user_id == row.id))  # a new password ends logins
            self.ws.acting_as(actor).store.audit_in(s, "password", f"user:{name}")
            return {"user": name, "login": account.login}
        return self.db.transaction(work)

    @staticmethod
    def _may_manage(s, actor: User, row: UserRow) -> None:  # noqa: ANN001
        if actor.id == row.id or actor.name == row.name:
            return
        if row.role == "client":
            from reverie.store.tables import ClientRow
            client = s.get(ClientRow, row.client_id) if row.client_id else None
            if client is not None and actor.role == "therapist" and access.in_scope(actor, client.code, client.therapist):
                return
            raise AccessDenied(f"{actor.name} may not set the password of client user '{row.name}'",
                               hint="only the client's treating therapist may")
        access.check(actor, "write", "users", is_admin=actor.is_admin)

    # ----- logging in -------------------------------------------------------------------------------------
    def verify(self, login: str, password: str, code: str | None = None, second_factor: bool = True) -> User:
        """The user whose login and password (and TOTP code, when enrolled) these are; AccessDenied otherwise.

        Each failure counts; ``lock_after`` failures in a row lock the account for ``LOCK_FOR``.
        ``second_factor`` False checks the password alone (a logged-in user confirming it). The Argon2 work is done
        between two short transactions, so a login never holds the database's write lock while it hashes."""
        login = login.strip()

        def find(s):  # noqa: ANN001, ANN202
            row = s.scalar(select(UserRow).outerjoin(AccountRow, AccountRow.user_id == UserRow.id)
                           .where(or_(AccountRow.login == login.lower(), UserRow.name == login))
                           .order_by(AccountRow.login.is_(None)))  # a login alias before a user name
            account = s.get(AccountRow, row.id) if row is not None else None
            return (row.id, account.password_hash, account.totp_enc) if account is not None else None
        found = self.db.transaction(find)
        ok = _check(found[1] if found else _DUMMY, password)  # an unknown login costs the same
        if found is None:
            self.ws.acting_as(ANONYMOUS).store.audit_event("login_failed", "user:unknown")
            raise self._refusal("wrong login or password")
        user_id, hashed, totp_enc = found
        totp = self._open_totp(totp_enc) if ok and second_factor and totp_enc is not None else None

        def record(s):  # noqa: ANN001, ANN202
            row, account = s.get(UserRow, user_id), s.get(AccountRow, user_id)
            if account is None or account.password_hash != hashed:  # changed meanwhile: judge the new one next time
                return None, "wrong login or password"
            if account.locked_until is not None and account.locked_until > now():
                self.ws.acting_as(ANONYMOUS).store.audit_in(s, "login_failed", f"user:{row.name}", detail="locked")
                return None, f"too many failed logins: this account is locked until {account.locked_until:%H:%M} UTC"
            reason = None if ok else "wrong login or password"
            if totp is not None:
                step = _totp_step(totp, code, account.totp_step)
                if step is None:
                    reason = "wrong, reused or missing code from your authenticator app"
                account.totp_step = step if step is not None else account.totp_step
            if reason is not None:
                account.failed_logins += 1
                if account.failed_logins >= self.lock_after:
                    account.locked_until, account.failed_logins = now() + LOCK_FOR, 0
                self.ws.acting_as(ANONYMOUS).store.audit_in(s, "login_failed", f"user:{row.name}")
                return None, reason
            account.failed_logins, account.locked_until = 0, None
            user = meta.refuse_unbound(meta.user_of(s, row))
            self.ws.acting_as(user).store.audit_in(s, "login", f"user:{row.name}")
            return user, None
        user, problem = self.db.transaction(record)
        if user is None:
            raise self._refusal(problem)
        if _HASHER.check_needs_rehash(hashed):  # stronger parameters since it was set: rehash, outside the lock
            new = _HASHER.hash(password)
            self.db.transaction(lambda s: setattr(s.get(AccountRow, user_id), "password_hash", new))
        return user

    def _refusal(self, problem: str) -> AccessDenied:
        return AccessDenied(problem, hint=f"check your login and password; after {self.lock_after} failures the "
                            f"account is locked for {LOCK_FOR.seconds // 60} minutes")

    def has_totp(self, user: User) -> bool:
        return self.db.transaction(lambda s: (a := s.get(AccountRow, user.id)) is not None and a.totp_enc is not None)

    def enrol_totp(self, user: User, secret: str, code: str) -> None:
        """Turn on the second factor once the user shows a code made from the new secret (audited as ``totp``)."""
        if not pyotp.TOTP(secret).verify(code.strip(), valid_window=1):
            raise InputError("that code does not match: check the time on your phone and try again")

        def work(s):  # noqa: ANN001, ANN202
            account = s.get(AccountRow, user.id)
            if account is None:
                raise NotFoundError(f"user '{user.name}' has no password yet")
            account.totp_enc = crypto.encrypt(self._key, secret.encode(), _TOTP_AAD)
            self.ws.acting_as(user).store.audit_in(s, "totp", f"user:{user.name}", detail="enrolled")
        self.db.transaction(work)

    @property
    def _key(self) -> bytes:
        return self.ws.store.derived_key("totp")  # the TOTP secret is sealed by a key derived from the workspace key

    def _open_totp(self, blob: bytes) -> str:
        return crypto.decrypt(self._key, blob, _TOTP_AAD).decode()

    # ----- sessions ---------------------------------------------------------------------------------------
    def start_session(self, user: User) -> tuple[str, str]:
        """A new login session; returns the cookie token (shown once, stored only hashed) and its CSRF token."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        at = now()
        self.db.transaction(lambda s: s.add(LoginSessionRow(id=_token_id(token), user_id=user.id, csrf=csrf,
                                                            created_at=at, last_seen=at)))
        return token, csrf

    def session(self, token: str | None) -> LoginSession | None:
        """The live session of a cookie token; None (and the row deleted) once idle or too old, or for no token."""
        if not token:
            return None
        token_id, at = _token_id(token), now()

        def work(s):  # noqa: ANN001, ANN202
            row = s.get(LoginSessionRow, token_id)
            if row is None:
                return None
            if at - row.last_seen > self.idle or at - row.created_at > MAX_AGE:
                s.delete(row)
                return None
            user_row = s.get(UserRow, row.user_id)
            if at - row.last_seen > _TOUCH_EVERY:
                row.last_seen = at
            try:
                return (meta.refuse_unbound(meta.user_of(s, user_row)) if user_row is not None else None), row.csrf
            except AccessDenied:  # a client user whose record was erased
                return None
        found = self.db.transaction(work)
        if found is None or found[0] is None:
            return None
        return LoginSession(found[0], found[1], token_id)

    def end_session(self, token: str | None, user: User | None = None) -> None:
        """Log out: the session row is deleted, so the cookie is worth nothing even if kept (audited)."""
        if not token:
            return

        def work(s):  # noqa: ANN001, ANN202
            gone = s.execute(delete(LoginSessionRow).where(LoginSessionRow.id == _token_id(token))).rowcount
            if gone and user is not None:
                self.ws.acting_as(user).store.audit_in(s, "logout", f"user:{user.name}")
        self.db.transaction(work)


def _totp_step(secret: str, code: str | None, last: int | None) -> int | None:
    """The 30-second step a TOTP code belongs to (this one or a neighbour, for clock drift), if it is later than the
    last step used: a code works once."""
    if not code:
        return None
    totp, at = pyotp.TOTP(secret), time.time()
    for offset in (0, -1, 1):
        step = totp.timecode(at) + offset
        if (last is None or step > last) and secrets.compare_digest(totp.at(at, counter_offset=offset), code.strip()):
            return step
    return None


def _check(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, name: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name="Reverie")
