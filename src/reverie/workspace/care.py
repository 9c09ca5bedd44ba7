"""The duties of care that are records: consent (what the client agreed to, and its withdrawal) and process notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reverie.errors import InputError

if TYPE_CHECKING:
    from reverie.workspace.core import Workspace


def grant_consent(ws: Workspace, client: str, scope: str, detail: str | None = None) -> dict[str, Any]:
    """Record a consent; sharing one journal entry (scope ``sharing``, detail ``entry:ID``) also shares it."""
    entry = _entry_id(scope, detail)
    if entry is not None:
        ws.store.set_entry_shared(client, entry, True)
    return ws.store.grant_consent(client, scope, detail).to_dict()


def withdraw_consent(ws: Workspace, client: str, scope: str, detail: str | None = None) -> int:
    entry = _entry_id(scope, detail)
    if entry is not None:
        ws.store.set_entry_shared(client, entry, False)
    return ws.store.withdraw_consent(client, scope, detail)


def consents(ws: Workspace, client: str) -> list[dict[str, Any]]:
    return [c.to_dict() | {"active": c.active} for c in ws.store.consents(client)]


def add_note(ws: Workspace, client: str, text: str, session: int | None = None) -> dict[str, Any]:
    return ws.store.add_note(client, text, session).to_dict()


def notes(ws: Workspace, client: str) -> list[dict[str, Any]]:
    return [n.to_dict() for n in ws.store.notes(client)]


def save_note_draft(ws: Workspace, client: str, text: str, session: int | None = None) -> dict[str, Any]:
    """Keep the note being typed under the acting user's account, until it is saved as a note."""
    return ws.store.save_note_draft(client, text, session)


def note_draft(ws: Workspace, client: str, session: int | None = None) -> dict[str, Any] | None:
    """The acting user's unsaved note for this client and session, or None."""
    return ws.store.note_draft(client, session)


def _entry_id(scope: str, detail: str | None) -> int | None:
    if scope != "sharing" or not detail or not detail.startswith("entry:"):
        return None
    try:
        return int(detail.split(":", 1)[1])
    except ValueError:
        raise InputError(f"--detail '{detail}' should name an entry as entry:ID") from None
