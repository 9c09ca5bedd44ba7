"""The demo's web accounts: ``therapist@demo.local`` (the demo's therapist) and ``client@demo.local`` (its client)."""

from __future__ import annotations

import secrets
from pathlib import Path

THERAPIST_LOGIN = "therapist@demo.local"
CLIENT_LOGIN = "client@demo.local"


def demo_accounts(workspace: Path, key_file: Path | None = None, password: str | None = None) -> dict[str, str]:
    """Give the demo workspace its two web accounts; returns the logins and the password (generated when not given)."""
    import reverie.workspace as rw
    from reverie.demo_build import load_manifest
    manifest = load_manifest()
    therapist, code = manifest["therapist"]["name"], manifest["client"]["code"]
    password = password or secrets.token_urlsafe(12)
    with rw.open(workspace, key_file=key_file, user=therapist) as ws:
        ws.set_password(therapist, password, login=THERAPIST_LOGIN)
        ws.add_user(CLIENT_LOGIN, "client", code)
        ws.set_password(CLIENT_LOGIN, password)
    return {"therapist": THERAPIST_LOGIN, "client": CLIENT_LOGIN, "password": password}
