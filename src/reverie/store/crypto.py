"""Field encryption at rest: AES-256-GCM with a data key per client, wrapped by the workspace key.

The workspace key lives in a key file (mode 0600, outside the workspace folder)
or is derived from a passphrase with scrypt; it is never stored beside the
database. Each client's data key is random and stored only wrapped, so erasing a
client destroys their key and with it every ciphertext (crypto-shredding).
Content digests used for idempotency and result caching are HMACs under the
client key, so they reveal nothing once the key is gone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from reverie.errors import WorkspaceKeyError

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_VERSION = b"\x01"
KEY_CHECK_PLAINTEXT = b"reverie-workspace-key-check-v1"


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def encrypt(key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """Version byte + random nonce + AES-GCM ciphertext and tag."""
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    if not blob or blob[:1] != FORMAT_VERSION:
        raise WorkspaceKeyError("an encrypted field has an unknown format", hint="the database may be damaged; restore a backup")
    try:
        return AESGCM(key).decrypt(blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:], aad)
    except InvalidTag:
        raise WorkspaceKeyError(
            "cannot decrypt: the key does not match this data",
            hint="open the workspace with the key file or passphrase it was created with",
        ) from None


def wrap_key(workspace_key: bytes, data_key: bytes, client_code: str) -> bytes:
    return encrypt(workspace_key, data_key, b"client-key:" + client_code.encode())


def unwrap_key(workspace_key: bytes, wrapped: bytes, client_code: str) -> bytes:
    return decrypt(workspace_key, wrapped, b"client-key:" + client_code.encode())


def keyed_digest(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 of the parts: a content hash that means nothing without the key."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part.encode())
        mac.update(b"\x1f")
    return mac.hexdigest()


def purpose_key(workspace_key: bytes, purpose: str) -> bytes:
    """A key for one purpose (``backup``) derived from the workspace key, which itself is never handed out."""
    return hashlib.sha256(f"reverie-{purpose}-key".encode() + b"\x00" + workspace_key).digest()


def derive_from_passphrase(passphrase: str, salt: bytes) -> bytes:
    """scrypt (n=2**15, r=8, p=1): slow enough to resist guessing, fast enough for a CLI."""
    return Scrypt(salt=salt, length=KEY_BYTES, n=2**15, r=8, p=1).derive(passphrase.encode())


def default_key_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "reverie"


def write_key_file(path: Path, key: bytes) -> None:
    """Write the key atomically with mode 0600.

    Only Reverie's own key folder (``~/.config/reverie``) is made private (0700); a key file named elsewhere
    (``--key-file ./x.key``) changes nothing but itself, so the folder it lies in keeps its mode.
    """
    from reverie.outputs import atomic_write
    atomic_write(path, base64.b64encode(key).decode() + "\n")
    if path.parent.resolve() == default_key_dir().resolve():
        try:
            os.chmod(path.parent, 0o700)
        except PermissionError:
            pass


def read_key_file(path: Path) -> bytes:
    if not path.exists():
        raise WorkspaceKeyError(
            f"key file {path} not found",
            hint="pass --key-file PATH or set REVERIE_KEY_FILE to the key file made by `reverie init`",
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise WorkspaceKeyError(
            f"key file {path} is readable by other users (mode {oct(mode)})", hint=f"run: chmod 600 {path}")
    try:
        key = base64.b64decode(path.read_text().strip(), validate=True)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise WorkspaceKeyError(f"key file {path} does not hold a Reverie key", hint="check the path")
    return key


def make_key_check(workspace_key: bytes) -> bytes:
    return encrypt(workspace_key, KEY_CHECK_PLAINTEXT, b"key-check")


def verify_key(workspace_key: bytes, check: bytes) -> None:
    try:
        ok = decrypt(workspace_key, check, b"key-check") == KEY_CHECK_PLAINTEXT
    except WorkspaceKeyError:
        ok = False
    if not ok:
        raise WorkspaceKeyError(
            "wrong key for this workspace: nothing was read or changed",
            hint="use the key file or passphrase this workspace was created with (--key-file / REVERIE_KEY_FILE)",
        )


class Cipher:
    """Encrypts and decrypts the text fields of one client, bound to table and column by the AAD."""

    def __init__(self, data_key: bytes):
        self._key = data_key

    def seal(self, value: str | None, where: str) -> bytes | None:
        if value is None:
            return None
        return encrypt(self._key, value.encode(), where.encode())

    def open(self, blob: bytes | None, where: str) -> str | None:
        if blob is None:
            return None
        return decrypt(self._key, bytes(blob), where.encode()).decode()

    def digest(self, *parts: str) -> str:
        return keyed_digest(self._key, *parts)
