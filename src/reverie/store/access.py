"""Who may do what: the one place access control lives.

The matrix lists, per role and resource, the actions allowed *within the
user's scope*: a therapist's scope is their own caseload, a client's is their
own record, an admin's is the workspace's housekeeping (users, keys, backups,
the audit log, holds and erasure), never clinical text. Every repository method
calls :func:`check` before touching a row; nothing else decides.
"""

from __future__ import annotations

from reverie.domain import User
from reverie.errors import AccessDenied

ACTIONS = ("read", "write", "erase")
RESOURCES = (
    "client",  # the client's profile (code, therapist, locale)
    "session",  # transcripts
    "entry",  # journal entries the client shared with the therapist
    "entry_private",  # journal entries not shared
    "response",  # questionnaire answers
    "note",  # psychotherapy (process) notes
    "annotation",  # analyser results
    "consent",
    "safety",  # safety tasks and the safety plan
    "draft",  # a journal entry being written in the portal: its writer's alone
    "invitation",  # the one-time link that opens a client's portal account
    "assignment",  # a questionnaire the therapist asked the client to complete
    "export",
    "audit",
    "users",
    "keys",
    "backup",
)

_R, _W, _E = "read", "write", "erase"
MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "therapist": {
        "client": frozenset({_R, _W, _E}),
        "session": frozenset({_R, _W, _E}),
        "entry": frozenset({_R, _W}),  # may import a journal on the client's behalf...
        "entry_private": frozenset({_W}),  # ...but never read what the client did not share
        "response": frozenset({_R, _W}),
        "note": frozenset({_R, _W, _E}),
        "annotation": frozenset({_R, _W}),
        "consent": frozenset({_R, _W}),
        "safety": frozenset({_R, _W}),
        "export": frozenset({_R}),
        "invitation": frozenset({_R, _W}),  # the treating therapist opens the client's account
        "assignment": frozenset({_R, _W, _E}),
    },
    "client": {
        "client": frozenset({_R}),
        "session": frozenset({_R}),
        "entry": frozenset({_R, _W, _E}),
        "entry_private": frozenset({_R, _W, _E}),
        "response": frozenset({_R, _W}),
        "consent": frozenset({_R, _W}),
        "safety": frozenset({_R}),
        "export": frozenset({_R}),
        "draft": frozenset({_R, _W, _E}),
        "assignment": frozenset({_R, _W}),  # answer and complete it
    },
    "admin": {
        "client": frozenset({_W, _E}),  # create, hold and erase records; no clinical reads
        "audit": frozenset({_R}),
        "users": frozenset({_R, _W}),
        "keys": frozenset({_W}),
        "backup": frozenset({_R, _W}),
    },
    "researcher": {},
}
WORKSPACE_RESOURCES = frozenset({"audit", "users", "keys", "backup"})


def in_scope(user: User, client_code: str | None, client_therapist: str | None) -> bool:
    """Whether a client's record lies inside this user's scope."""
    if client_code is None:
        return True
    if user.role == "therapist":
        return client_therapist == user.name
    if user.role == "client":
        return user.client_code == client_code
    return user.role == "admin"


def allowed(user: User, action: str, resource: str, client_code: str | None = None,
            client_therapist: str | None = None, is_admin: bool = False) -> bool:
    roles = [user.role] + (["admin"] if is_admin and user.role != "admin" else [])
    for role in roles:
        if action not in MATRIX.get(role, {}).get(resource, frozenset()):
            continue
        if role == "admin" or resource in WORKSPACE_RESOURCES:
            return True
        if in_scope(user, client_code, client_therapist):
            return True
    return False


def check(user: User, action: str, resource: str, client_code: str | None = None,
          client_therapist: str | None = None, is_admin: bool = False) -> None:
    if not allowed(user, action, resource, client_code, client_therapist, is_admin):
        where = f" of client '{client_code}'" if client_code else ""
        raise AccessDenied(
            f"{user.name} ({user.role}) may not {action} {resource.replace('_', ' ')}{where}",
            hint="ask the treating therapist or the workspace admin; access is scoped per user",
        )
