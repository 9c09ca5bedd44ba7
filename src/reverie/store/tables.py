"""The database tables (SQLAlchemy 2). Clinical text is stored only as ciphertext (``*_enc`` columns).

Columns in the clear are what scoping, ordering and integrity need: ids, codes,
numbers, dates, roles, kinds, flags. Changing a table means adding an Alembic
migration under ``store/migrations/versions``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meta(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    client_code: Mapped[str | None] = mapped_column(String(64), nullable=True)  # shown only; the binding is client_id
    # a client user's own record, by id: erasing it ends the binding, and a later client with the same code is another
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ClientRow(Base):
    __tablename__ = "clients"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    age_band: Mapped[str | None] = mapped_column(String(20), nullable=True)
    sex: Mapped[str | None] = mapped_column(String(4), nullable=True)
    locale: Mapped[str | None] = mapped_column(String(20), nullable=True)
    therapist: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    hold_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # the legal hold's reason; set = on hold
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (UniqueConstraint("client_id", "number"), UniqueConstraint("client_id", "digest"))
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    digest: Mapped[str] = mapped_column(String(64))
    source_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    label_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # may carry a name or a date
    utterance_count: Mapped[int] = mapped_column(Integer, default=0)
    client_words: Mapped[int] = mapped_column(Integer, default=0)
    therapist_words: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)


class UtteranceRow(Base):
    __tablename__ = "utterances"
    __table_args__ = (UniqueConstraint("session_id", "idx"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    speaker_enc: Mapped[bytes] = mapped_column(LargeBinary)
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    markers_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    start: Mapped[float | None] = mapped_column(Float, nullable=True)
    end: Mapped[float | None] = mapped_column(Float, nullable=True)


class EntryRow(Base):
    __tablename__ = "entries"
    __table_args__ = (UniqueConstraint("client_id", "digest"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    written_at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(32))
    title_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ResponseRow(Base):
    __tablename__ = "responses"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(32))
    session_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    answers_enc: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ProcessNoteRow(Base):
    __tablename__ = "process_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    session_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str] = mapped_column(String(120))
    written_at: Mapped[dt.datetime] = mapped_column(DateTime)
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)


class NoteDraftRow(Base):
    """A process note being written, saved as the therapist types (one per writer, client and session), sealed like
    the notes. It becomes the note when saved; nobody but its writer reads it (a log-off never loses it)."""

    __tablename__ = "note_drafts"
    __table_args__ = (UniqueConstraint("user_id", "client_id", "session_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    session_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ConsentRow(Base):
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(32))
    detail_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(120))


class AnnotationRow(Base):
    """Cached analyser results, keyed per client by a keyed digest of (content hash, analyser, version)."""

    __tablename__ = "annotations"
    __table_args__ = (UniqueConstraint("client_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    analyzer: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AnalysisRunRow(Base):
    """Which analysers, versions and filled settings produced a client's stored results."""

    __tablename__ = "analysis_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(120))
    config: Mapped[str] = mapped_column(Text)  # JSON: analyser keys, versions, settings; counts


class SafetyTaskRow(Base):
    __tablename__ = "safety_tasks"
    __table_args__ = (UniqueConstraint("client_id", "source_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    source_key: Mapped[str] = mapped_column(String(64))  # keyed digest of the source: one task per flagged text
    source: Mapped[str] = mapped_column(String(32))  # entry | utterance | questionnaire
    source_ref: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(32))  # a Columbia ladder step id or an urgency word
    evidence_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class SafetyPlanRow(Base):
    __tablename__ = "safety_plans"
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    plan_enc: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(120))


# ----- the client portal (migration 0007) --------------------------------------------------------------------------
class InvitationRow(Base):
    """A one-time link that lets a client set the password of their account: only a hash of the token is kept."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of a 256-bit random token
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class DraftRow(Base):
    """A journal entry being written, saved as the client types (one per account and kind), sealed like entries."""

    __tablename__ = "entry_drafts"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    fields_enc: Mapped[bytes] = mapped_column(LargeBinary)  # JSON {field: text}
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AssignmentRow(Base):
    """A questionnaire a therapist asked a client to complete; answers so far are sealed until it is completed."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(32))
    assigned_by: Mapped[str] = mapped_column(String(120))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime)
    answers_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # JSON list, None = not answered
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"), nullable=True)


class AuditRow(Base):
    """Append-only, hash-chained access log: who, what, which record, when in the clear; a client's detail sealed."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    resource: Mapped[str] = mapped_column(String(120))
    client_code: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    origin: Mapped[str] = mapped_column(String(120))
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)  # workspace events only (and rows before 0004)
    detail_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # under the client's key
    prev_mac: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class AccountRow(Base):
    """How a user logs in to the web app (migration 0006): one row per user who has a password."""
    __tablename__ = "accounts"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    login: Mapped[str | None] = mapped_column(String(254), unique=True, nullable=True)  # e.g. an e-mail address
    password_hash: Mapped[str] = mapped_column(String(255))  # Argon2id, in the PHC string format
    totp_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # sealed by a key derived from the workspace key
    totp_step: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the last 30 s step used: no replay
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    password_set_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LoginSessionRow(Base):
    """A web login: kept server-side so that logout and the inactivity time-out really end it."""
    __tablename__ = "login_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's token, never the token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)


def now() -> dt.datetime:
    """The time the tables keep: UTC, without a zone (the same in SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
