"""The records Reverie works with: plain dataclasses, no I/O.

Every stage (ingest, store, analysis, measures, views) speaks in these types,
so they stay small and serialisable (``to_dict`` / ``from_dict``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from collections.abc import Mapping
from typing import Any, Literal

from reverie.errors import InputError

Role = Literal["therapist", "client", "other"]
ROLES: tuple[str, ...] = ("therapist", "client", "other")

EntryKind = Literal["free_association", "dream", "reflection", "moment"]
ENTRY_KINDS: tuple[str, ...] = ("free_association", "dream", "reflection", "moment")

ConsentScope = Literal["transcription", "analysis", "sharing"]
CONSENT_SCOPES: tuple[str, ...] = ("transcription", "analysis", "sharing")

UserRole = Literal["admin", "therapist", "client", "researcher"]
USER_ROLES: tuple[str, ...] = ("admin", "therapist", "client", "researcher")


def _iso(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _asdict(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, list):
            value = [_asdict(v) if dataclasses.is_dataclass(v) else _iso(v) for v in value]
        elif isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else _iso(v) for v in value]
        elif dataclasses.is_dataclass(value):
            value = _asdict(value)
        out[f.name] = _iso(value)
    return out


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    text = str(value).strip()
    if len(text) == 10:
        return datetime.fromisoformat(text + "T00:00:00")
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


_COUNTED_TOKEN = re.compile(r"\S*[^\W_]\S*")


def word_count(text: str) -> int:
    """Words as a clinician would count them: whitespace-separated tokens with a letter or digit."""
    return len(_COUNTED_TOKEN.findall(text))


@dataclass
class Client:
    """A person in therapy, known only by a pseudonymous code."""

    code: str
    age_band: str | None = None  # e.g. "30-39"
    sex: str | None = None  # "F" / "M" / None: only used to pick dream norms
    therapist: str | None = None  # the user name of the treating therapist
    locale: str | None = None  # e.g. "en-GB": picks crisis contacts

    def to_dict(self) -> dict[str, Any]:
        return _asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Client:
        return cls(**{k: d.get(k) for k in ("code", "age_band", "sex", "therapist", "locale") if k in d})


@dataclass
class Utterance:
    """One speaker turn. ``markers`` holds stage directions such as ``(pause)``, kept apart from the words."""

    index: int
    role: str
    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    markers: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return word_count(self.text)

    def to_dict(self) -> dict[str, Any]:
        return _asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Utterance:
        return cls(
            index=int(d["index"]),
            role=d["role"],
            speaker=d.get("speaker") or d["role"],
            text=d.get("text", ""),
            start=None if d.get("start") is None else float(d["start"]),
            end=None if d.get("end") is None else float(d["end"]),
            markers=list(d.get("markers") or []),
        )


@dataclass
class Session:
    """One therapy session: its number within the case and its utterances in order."""

    client: str
    number: int | None = None
    date: date | None = None
    duration: float | None = None  # seconds, where known
    utterances: list[Utterance] = field(default_factory=list)
    id: int | None = None
    source: str | None = None  # the file it was imported from (name only)
    label: str | None = None  # what the file called it (a CSV ``session`` value such as ``P01-S03``)

    def words_by(self, role: str) -> int:
        return sum(u.words for u in self.utterances if u.role == role)

    @property
    def client_words(self) -> int:
        return self.words_by("client")

    @property
    def therapist_words(self) -> int:
        return self.words_by("therapist")

    def content_digest(self) -> str:
        """A digest of what was said (roles, speakers, words, times): equal sessions give equal digests."""
        h = hashlib.sha256()
        for u in self.utterances:
            h.update(f"{u.role}\x1f{u.speaker}\x1f{u.text}\x1f{u.start}\x1f{u.end}\x1f{'|'.join(u.markers)}\x1e".encode())
        return h.hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return _asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Session:
        return cls(
            client=d.get("client", ""),
            number=d.get("number"),
            date=_parse_date(d.get("date")),
            duration=d.get("duration"),
            utterances=[Utterance.from_dict(u) for u in d.get("utterances", [])],
            id=d.get("id"),
            source=d.get("source"),
            label=d.get("label"),
        )


@dataclass
class Entry:
    """A client's journal entry: free association, dream, reflection or a charged moment."""

    client: str
    written_at: datetime
    kind: str
    text: str
    title: str = ""
    shared_with_therapist: bool = False
    id: int | None = None

    @property
    def words(self) -> int:
        return word_count(self.text)

    def content_digest(self) -> str:
        return hashlib.sha256(f"{self.written_at.isoformat()}\x1f{self.kind}\x1f{self.title}\x1f{self.text}".encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return _asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entry:
        return cls(
            client=d.get("client", ""),
            written_at=_parse_datetime(d["written_at"]),
            kind=d["kind"],
            text=d["text"],
            title=d.get("title") or "",
            shared_with_therapist=bool(d.get("shared_with_therapist", False)),
            id=d.get("id"),
        )


@dataclass
class Response:
    """Answers to one questionnaire at one time point. ``None`` marks an unanswered item."""

    client: str
    instrument: str
    answers: list[int | None]
    session: int | None = None
    date: date | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return _asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Response:
        return cls(
            client=d.get("client", ""),
            instrument=d["instrument"],
            answers=[None if a is None else int(a) for a in d["answers"]],
            session=d.get("session"),
            date=_parse_date(d.get("date")),
            id=d.get("id"),
        )


@dataclass
class Annotation:
    """One analyser's markers on one text unit, with the evidence spans (character offsets) behind them."""

    analyzer: str
    version: str
    unit_id: str
    values: dict[str, Any] = field(default_factory=dict)
    evidence: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.values, "evidence": [list(span) for span in self.evidence]}

    @classmethod
    def from_dict(cls, analyzer: str, version: str, unit_id: str, d: dict[str, Any]) -> Annotation:
        values = {k: v for k, v in d.items() if k != "evidence"}
        return cls(analyzer, version, unit_id, values, [tuple(s) for s in d.get("evidence", [])])


SOURCE_KINDS: tuple[str, ...] = ("entry", "utterance", "answer", "questionnaire")


@dataclass
class RiskFlag:
    """A risk that needs a clinician's attention: where it came from, what kind, how severe, and why.

    The one risk-flag type from the screen to every surface: the risk analyser's annotation becomes one
    (``safety.flags_from_annotation``), so does a questionnaire's critical item (``safety.flag_from_questionnaire``),
    and the safety service opens a therapist's task from it.
    """

    source_kind: str
    source_id: str
    category: str
    severity: str
    evidence: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    reason: str = ""
    urgency: str = ""  # how soon a clinician must look (orders the task list); "" = the ladder step's own
    discounted: list[str] = field(default_factory=list)  # hard-negative frames found and set aside

    def __post_init__(self) -> None:
        if self.source_kind not in SOURCE_KINDS:
            raise InputError(f"unknown risk source kind '{self.source_kind}'", hint=f"use one of {SOURCE_KINDS}")

    def to_dict(self) -> dict[str, Any]:
        return {"source_kind": self.source_kind, "source_id": self.source_id, "category": self.category,
                "severity": self.severity, "evidence": list(self.evidence),
                "spans": [list(s) for s in self.spans], "reason": self.reason, "urgency": self.urgency,
                "discounted": list(self.discounted)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RiskFlag:
        return cls(d["source_kind"], str(d["source_id"]), d["category"], d["severity"], list(d.get("evidence") or []),
                   [(int(a), int(b)) for a, b in d.get("spans") or []], d.get("reason", ""), d.get("urgency", ""),
                   list(d.get("discounted") or []))


@dataclass
class Consent:
    """What a client agreed to, when, and its withdrawal. ``detail`` narrows a scope (e.g. one entry id)."""

    client: str
    scope: str
    granted_at: datetime
    withdrawn_at: datetime | None = None
    detail: str | None = None
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    def to_dict(self) -> dict[str, Any]:
        return _asdict(self)


@dataclass
class ProcessNote:
    """A therapist's psychotherapy note: kept apart, never in the portal, exports or analysis unless chosen."""

    client: str
    text: str
    written_at: datetime
    author: str
    session: int | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return _asdict(self)


@dataclass
class User:
    """Someone who acts on the workspace. A client user is bound to one client record (by id; the code is shown)."""

    name: str
    role: str
    client_code: str | None = None
    is_admin: bool = False  # a therapist who also keeps the workspace (users, keys, backups)
    id: int | None = None
    client_id: int | None = None  # None for staff, and for a client user whose record was erased

    def to_dict(self) -> dict[str, Any]:
        return _asdict(self)
