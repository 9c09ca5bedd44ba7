"""Safe output files: the one way Reverie writes a file, so that nothing is lost, leaked or left half-written.

Every file goes first to a temporary file beside its target (created exclusively, mode 0600), is synced and then
renamed into place; on any failure the temporary file (and any folder made for it) is removed. Folders made on the
way are mode 0700. A file a user names (``--out``, ``--plot``) is checked before anything is written: it may not lie
inside the workspace folder, replace the database or a key, or replace an existing file unless ``force`` is given,
and it is never a folder. See docs/security.md, "Files Reverie writes".
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from reverie.errors import InputError

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Protected:
    """What a user-named output may never replace: folders nothing is written inside, and single files by name."""

    folders: tuple[Path, ...] = ()
    files: Mapping[Path, str] | None = None  # path -> what it is ("the workspace's database")


NOTHING = Protected()


# ----- the check ----------------------------------------------------------------------------------------------
def _where(path: Path) -> list[Path]:
    """Where a write to ``path`` lands (its folder resolved) and, for a link, the file the link points to."""
    places = [path.parent.resolve() / path.name]
    if path.is_symlink():
        places.append(path.resolve())
    return places


def _precious_content(path: Path) -> str | None:
    """A database or a key file, recognised by its content wherever it lies: never overwritten, even with force."""
    try:
        with path.open("rb") as fh:
            head = fh.read(128)
    except OSError:
        return None
    if head.startswith(SQLITE_HEADER):
        return "an SQLite database"
    text = head.strip()
    if 40 <= len(text) <= 48:
        try:
            if len(base64.b64decode(text, validate=True)) == 32:
                return "a key file"
        except ValueError:
            pass
    return None


def check_target(path: str | Path, *, force: bool = False, protected: Protected = NOTHING,
                 folder: bool = False) -> Path:
    """Refuse (InputError, exit 2) a target that would lose or leak data; returns the path to write."""
    path = Path(path).expanduser()
    files = {p.resolve(): what for p, what in (protected.files or {}).items()}
    for place in _where(path):
        if place in files:
            raise InputError(f"{path} is {files[place]}: Reverie never writes an output over it",
                             hint="choose another file name, outside the workspace folder")
        for root in protected.folders:
            root = root.resolve()
            if place == root or root in place.parents:
                raise InputError(f"{path} lies inside the workspace folder {root}: outputs are never written there",
                                 hint="write it outside the workspace, e.g. in your home folder")
    if not (path.exists() or path.is_symlink()):
        return path
    if path.is_dir():
        if not folder:
            raise InputError(f"{path} is a folder", hint=f"name a file, e.g. {path / 'NAME'}")
        if (path / "workspace.json").exists() or (path / "reverie.db").exists():
            raise InputError(f"{path} holds a Reverie workspace: an export never replaces it",
                             hint="choose a new folder")
        if any(path.iterdir()) and not force:
            raise InputError(f"the folder {path} already holds files", hint="choose a new folder, or add --force")
        return path
    if folder:
        raise InputError(f"{path} is a file, and this output is a folder", hint="choose a new folder name")
    if not path.is_file():
        raise InputError(f"{path} is not a regular file", hint="choose another file name")
    what = _precious_content(path)
    if what:
        raise InputError(f"{path} holds {what}: Reverie never writes an output over it",
                         hint="choose another file name")
    if not force:
        raise InputError(f"{path} already exists", hint="choose another file name, or add --force to overwrite it")
    return path


# ----- the writes ---------------------------------------------------------------------------------------------
def _make_folders(folder: Path) -> Path | None:
    """Make ``folder`` and its missing parents (mode 0700); returns the topmost one made, to remove on failure."""
    missing = []
    for p in (folder, *folder.parents):
        if p.exists():
            break
        missing.append(p)
    for p in reversed(missing):
        p.mkdir(mode=0o700)
    return missing[-1] if missing else None


def _sync_folder(folder: Path) -> None:
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _link_or_move(tmp: Path, path: Path) -> None:
    """Put ``tmp`` at ``path`` unless a file is there: a hard link fails if it is (a rename would replace it)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if path.exists():
            raise FileExistsError(17, "File exists", str(path)) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def atomic_write(path: str | Path, data: bytes | str, *, replace: bool = True) -> Path:
    """Write ``data`` to ``path`` whole or not at all: temporary file (0600) beside it, fsync, rename.

    ``replace=False`` never replaces a file that appeared meanwhile (the rename is a hard link, which fails if the
    target exists). On any failure the temporary file and the folders made for it are removed.
    """
    path = Path(path).expanduser()
    raw = data.encode("utf-8") if isinstance(data, str) else data
    made = _make_folders(path.parent)
    tmp = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            _link_or_move(tmp, path)
        tmp = None
        _sync_folder(path.parent)
    except BaseException:
        if tmp is not None:
            with suppress(OSError):
                tmp.unlink()
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        raise
    return path


def _unwritable(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileExistsError):
        return InputError(f"{path} appeared while it was being written", hint="choose another file name")
    return InputError(f"cannot write {path}: {exc.strerror or exc}", hint="check the folder exists and is writable")


def write_output(path: str | Path, data: bytes | str, *, force: bool = False,
                 protected: Protected = NOTHING) -> Path:
    """Write a file a user named: checked (see ``check_target``), then written atomically with mode 0600."""
    path = check_target(path, force=force, protected=protected)
    try:
        return atomic_write(path, data, replace=force)
    except OSError as exc:
        raise _unwritable(path, exc) from exc


def write_folder(path: str | Path, files: Mapping[str, bytes | str], *, force: bool = False,
                 protected: Protected = NOTHING) -> Path:
    """Write a folder of files a user named (a CSV export): a new folder appears whole, by one rename."""
    path = check_target(path, force=force, protected=protected, folder=True)
    try:
        if path.exists():  # an empty folder, or one whose files --force replaces: file by file, each atomic
            for name, data in files.items():
                check_target(path / name, force=True, protected=protected)
                atomic_write(path / name, data)
            return path
        made = _make_folders(path.parent)
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
        try:
            for name, data in files.items():
                atomic_write(staging / name, data)
            staging.rename(path)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if made is not None:
                shutil.rmtree(made, ignore_errors=True)
            raise
        _sync_folder(path.parent)
        return path
    except OSError as exc:
        raise _unwritable(path, exc) from exc


__all__ = ["NOTHING", "Protected", "atomic_write", "check_target", "write_folder", "write_output"]
