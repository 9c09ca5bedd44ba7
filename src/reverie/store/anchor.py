"""The audit chain's anchor and the erasure ledger: sealed files beside the key, outside the database.

Whoever can write the database can wipe, truncate or roll back the audit log
together with the head kept in ``meta``, and the chain alone would still look
whole. So after every commit that appends to the log, the head (last row id =
length, and its MAC) is also written to ``<workspace id>.audit-anchor`` in the
key's folder, sealed with an HMAC under a key derived from the audit key (which
the database holds only wrapped by the workspace key). The anchor only moves
forward; ``audit verify`` checks that the log still reaches it.

Erasures are recorded the same way, as tombstones (a keyed digest of the
client code and the time) in ``<family>.erasures``, where the family is named
from the audit key, which backups carry: a workspace restored from any backup
of this one reads the same ledger, and restore drops every client erased after
the backup was taken.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from reverie.errors import StoreError, VerificationError

ANCHOR_FORMAT = "reverie.audit-anchor"
LEDGER_FORMAT = "reverie.erasures"


def _derive(audit_key: bytes, purpose: str) -> bytes:
    return hmac.new(audit_key, b"reverie-" + purpose.encode(), hashlib.sha256).digest()


def _seal(key: bytes, body: dict[str, Any]) -> str:
    return hmac.new(key, json.dumps(body, sort_keys=True).encode(), hashlib.sha256).hexdigest()


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder's anchor files, so two processes never move the anchor backwards."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".reverie-anchor.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - no advisory locks on this platform
            pass
        yield
    finally:
        os.close(fd)


def _write(path: Path, body: dict[str, Any]) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(json.dumps(body, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read(path: Path, key: bytes, fmt: str) -> dict[str, Any] | None:
    """The file's body, None when there is none; raises VerificationError when it is not one we sealed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerificationError(f"{path} is unreadable or damaged ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise VerificationError(f"{path} is not a {fmt} file")
    seal = data.pop("seal", None)
    if not isinstance(seal, str) or not hmac.compare_digest(seal, _seal(key, data)):
        raise VerificationError(f"{path} was altered: its seal does not verify under this workspace's key")
    return data


class Anchor:
    """The anchor and erasure ledger of one workspace, in ``folder`` (the key file's folder)."""

    def __init__(self, folder: Path, workspace_id: str):
        self.folder = folder
        self.path = folder / f"{workspace_id}.audit-anchor"
        self.workspace_id = workspace_id

    # ----- the chain's head -----------------------------------------------------------------------------
    def head(self, audit_key: bytes) -> tuple[int, str] | None:
        """(last row id, its MAC) as last anchored; None if never anchored; VerificationError if altered."""
        data = _read(self.path, _derive(audit_key, "audit-anchor"), ANCHOR_FORMAT)
        if data is None:
            return None
        if data.get("workspace_id") != self.workspace_id:
            raise VerificationError(f"{self.path} anchors workspace {data.get('workspace_id')}, not {self.workspace_id}")
        return int(data["head_id"]), str(data["head_mac"])

    def advance(self, audit_key: bytes, head_id: int, head_mac: str, reset: bool = False) -> None:
        """Record a newer head (never an older one); ``reset`` replaces the anchor (after a restore only)."""
        key = _derive(audit_key, "audit-anchor")
        with _locked(self.folder):
            if not reset:
                try:
                    current = self.head(audit_key)
                except VerificationError:
                    return  # an altered anchor is left as it is, for `audit verify` to report
                if current is not None and current[0] >= head_id:
                    return
            body = {"format": ANCHOR_FORMAT, "version": 1, "workspace_id": self.workspace_id,
                    "head_id": head_id, "head_mac": head_mac,
                    "updated_at": datetime.now().astimezone().isoformat(timespec="seconds")}
            _write(self.path, {**body, "seal": _seal(key, body)})

    # ----- erasure tombstones ---------------------------------------------------------------------------
    def _ledger(self, audit_key: bytes) -> tuple[Path, bytes]:
        family = hmac.new(audit_key, b"reverie-erasure-family", hashlib.sha256).hexdigest()[:16]
        return self.folder / f"{family}.erasures", _derive(audit_key, "erasure-ledger")

    def client_digest(self, audit_key: bytes, code: str) -> str:
        return hmac.new(_derive(audit_key, "erasure-code"), code.encode(), hashlib.sha256).hexdigest()

    def tombstones(self, audit_key: bytes) -> dict[str, datetime]:
        """Client digest -> when the client was erased (naive UTC, like the tables' times)."""
        path, key = self._ledger(audit_key)
        data = _read(path, key, LEDGER_FORMAT)
        return {} if data is None else {e["client"]: datetime.fromisoformat(e["at"]) for e in data["erasures"]}

    def add_tombstone(self, audit_key: bytes, code: str, at: datetime) -> None:
        """Record an erasure (before its transaction commits: a failed commit leaves a harmless extra tombstone)."""
        path, key = self._ledger(audit_key)
        try:
            with _locked(self.folder):
                data = _read(path, key, LEDGER_FORMAT) or {"format": LEDGER_FORMAT, "version": 1, "erasures": []}
                data["erasures"].append({"client": self.client_digest(audit_key, code), "at": at.isoformat()})
                _write(path, {**data, "seal": _seal(key, data)})
        except OSError as exc:
            raise StoreError(f"cannot record the erasure in {path} ({exc.strerror}): nothing was erased",
                             hint="check that the key file's folder is writable") from exc
