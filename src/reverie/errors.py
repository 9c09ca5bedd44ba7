"""Every error Reverie raises on purpose: what went wrong, where, and what to do.

The CLI turns a ``ReverieError`` into its message and ``exit_code`` (2 for bad input).
"""

from __future__ import annotations


class ReverieError(Exception):
    """Base of all expected errors. ``hint`` says how to fix the problem."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class InputError(ReverieError):
    """The user's input (a file, an option, an answer) cannot be used. Nothing was stored."""

    exit_code = 2


class IngestError(InputError):
    """A file that cannot be read: names the file, the place (line, cue or row) and the field."""

    def __init__(self, file: str, problem: str, line: int | None = None, field: str | None = None,
                 place: str = "line", hint: str | None = None):
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        where = file
        if line is not None:
            where += f", {place} {line}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}", hint)


class ScoringError(InputError):
    """Questionnaire answers that cannot be scored (out of range, wrong count, unknown instrument)."""


class NotFoundError(InputError):
    """A client, session, entry or task that does not exist (or is not visible to this user)."""


class AccessDenied(ReverieError):
    """The acting user may not read or change this record."""

    exit_code = 3


class InvitationError(AccessDenied):
    """An invitation link that cannot open an account: unknown, already used, expired, or its record erased."""


class ConsentRequired(ReverieError):
    """The client has not consented (or has withdrawn consent) to this use of their text."""

    exit_code = 3


class WorkspaceKeyError(ReverieError):
    """The workspace key is missing or wrong. Nothing was changed."""

    exit_code = 4


class LegalHoldError(ReverieError):
    """A legal hold forbids erasing these records."""

    exit_code = 3


class StoreError(ReverieError):
    """The database is locked, full or otherwise unusable; the transaction was rolled back."""

    exit_code = 5


class ModelError(ReverieError):
    """A shipped model file is missing or corrupt."""

    exit_code = 5


class VerificationError(ReverieError):
    """A backup or audit chain failed verification."""

    exit_code = 6
