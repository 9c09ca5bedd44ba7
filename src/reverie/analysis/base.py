"""The analyser contract, the registry and the runner.

An analyser is a small class with a ``name``, a ``version`` and one batch method,
``annotate(units) -> list[Annotation]``; session and case summaries are pure
functions of its annotations (``summarize``). The runner batches units, skips
those whose (content hash, analyser, version) is already in the result cache the
caller hands in, and persists new results through that cache in one call, so a
run that is killed leaves no partial annotation set. ``analysis`` never imports
``store``: the store implements :class:`ResultCache`.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol, runtime_checkable

from reverie.domain import Annotation
from reverie.errors import InputError

# Modules that hold the built-in analysers; each registers its classes with @register.
BUILTIN_MODULES: tuple[str, ...] = (
    "reverie.analysis.affect",
    "reverie.analysis.abstraction",
    "reverie.analysis.cycles",
    "reverie.analysis.referential",
    "reverie.analysis.dialogue",
    "reverie.analysis.transference",
    "reverie.analysis.defenses",
    "reverie.analysis.risk",
)
ENTRY_POINT_GROUP = "reverie.analyzers"


@dataclass(frozen=True)
class ContextTurn:
    """A turn before the unit being analysed (role, text and times where known)."""

    role: str
    text: str
    start: float | None = None
    end: float | None = None
    markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextUnit:
    """One utterance or one journal entry, with the turns before it.

    ``kind`` is ``"utterance"`` or an entry kind (``dream``, ``moment``...);
    ``role`` is the speaker role (entries are written by the ``client``).
    ``context`` holds up to a few previous turns of the same session, oldest first.
    """

    id: str
    text: str
    role: str = "client"
    kind: str = "utterance"
    position: int = 0
    session: str | None = None
    start: float | None = None
    end: float | None = None
    markers: tuple[str, ...] = ()
    context: tuple[ContextTurn, ...] = ()

    @cached_property  # the runner asks once per analyser; a frozen unit's hash never changes
    def content_hash(self) -> str:
        """Hash of everything an analyser may look at: re-analysis is skipped when it is unchanged."""
        payload = json.dumps(
            [self.text, self.role, self.kind, self.position, self.start, self.end, list(self.markers),
             [[c.role, c.text, c.start, c.end, list(c.markers)] for c in self.context]],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    @classmethod
    def of(cls, text: str, role: str = "client", kind: str = "utterance", unit_id: str = "u0") -> TextUnit:
        """A single raw string as a unit: analysers run the same over one sentence as over a corpus."""
        return cls(id=unit_id, text=text, role=role, kind=kind)


@dataclass(frozen=True)
class Setting:
    """A declared analyser setting: name, default and help text."""

    name: str
    default: Any
    help: str


@dataclass
class SessionUnits:
    """What ``summarize`` is handed for one session: its units and this analyser's annotations on them."""

    session_id: str
    units: list[TextUnit]
    annotations: list[Annotation]


@dataclass
class Summary:
    """Session-level summaries keyed by session id, plus one case-level summary."""

    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    case: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Analyzer(Protocol):
    name: str
    version: str

    def annotate(self, units: Sequence[TextUnit]) -> list[Annotation]: ...


class BaseAnalyzer:
    """Convenience base: declared metadata, settings handling and an empty summary.

    Subclasses set the class attributes and implement ``annotate_one`` (or
    ``annotate`` for true batching) and, where useful, ``summarize``.
    """

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    description: ClassVar[str] = ""
    level: ClassVar[str] = "utterance"  # utterance | entry | session | client
    roles: ClassVar[frozenset[str]] = frozenset({"client"})  # speaker roles it annotates
    kinds: ClassVar[frozenset[str]] = frozenset({"utterance", "free_association", "dream", "reflection", "moment"})
    fields: ClassVar[dict[str, str]] = {}  # field name -> description (every annotation has all of them)
    settings_spec: ClassVar[tuple[Setting, ...]] = ()
    infers_mental_state: ClassVar[bool] = False  # true: switched off by restrictive jurisdiction profiles
    requires: ClassVar[tuple[str, ...]] = ()  # optional Python modules it needs

    def __init__(self, **settings: Any):
        known = {s.name: s.default for s in self.settings_spec}
        unknown = set(settings) - set(known)
        if unknown:
            raise InputError(
                f"analyser '{self.name}' has no setting(s) {sorted(unknown)}",
                hint=f"its settings are: {sorted(known) or 'none'}",
            )
        known.update({k: v for k, v in settings.items() if v is not None})
        self.settings: dict[str, Any] = known

    @property
    def key(self) -> str:
        """The versioned registry name, e.g. ``affect.v1``."""
        return f"{self.name}.v{self.version}"

    def applies(self, unit: TextUnit) -> bool:
        return unit.role in self.roles and unit.kind in self.kinds

    def empty(self, unit: TextUnit) -> Annotation:
        """Same fields, no values: for empty or too-short units."""
        return Annotation(self.name, self.version, unit.id, {f: None for f in self.fields}, [])

    def annotate_one(self, unit: TextUnit) -> Annotation:  # pragma: no cover - overridden
        raise NotImplementedError

    def annotate(self, units: Sequence[TextUnit]) -> list[Annotation]:
        return [self.annotate_one(u) for u in units]

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        return Summary()

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "key": self.key,
            "description": self.description,
            "level": self.level,
            "roles": sorted(self.roles),
            "kinds": sorted(self.kinds),
            "fields": dict(self.fields),
            "settings": {s.name: {"default": s.default, "help": s.help} for s in self.settings_spec},
            "infers_mental_state": self.infers_mental_state,
        }


class Registry:
    """Analyser classes by name. Built-ins and entry-point plug-ins are loaded the same way, on first use."""

    def __init__(self) -> None:
        self._classes: dict[str, type] = {}
        self._loaded = False
        self.missing: list[str] = []

    def add(self, cls: type) -> type:
        name = getattr(cls, "name", "")
        if not name:
            raise TypeError(f"{cls.__name__} has no analyser name")
        self._classes[name] = cls
        return cls

    def load(self) -> Registry:
        if self._loaded:
            return self
        for module in BUILTIN_MODULES:
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:  # a built-in left out of this install: listed, and a test fails
                if exc.name != module:
                    raise
                self.missing.append(module)
        self._loaded = True
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            obj = ep.load()
            if isinstance(obj, type) and obj.__name__ not in {c.__name__ for c in self._classes.values()}:
                self.add(obj)
        return self

    def names(self) -> list[str]:
        return sorted(self.load()._classes)

    def get(self, name: str) -> type:
        self.load()
        base = name.split(".v")[0]
        if base not in self._classes:
            raise InputError(f"no analyser named '{name}'", hint=f"known analysers: {', '.join(self.names())}")
        return self._classes[base]

    def create(self, name: str, **settings: Any) -> BaseAnalyzer:
        return self.get(name)(**settings)

    def describe(self) -> list[dict[str, Any]]:
        return [self.get(n)().describe() for n in self.names()]


REGISTRY = Registry()


def register(cls: type) -> type:
    """Class decorator: put an analyser in the registry under its ``name``."""
    return REGISTRY.add(cls)


class ResultCache(Protocol):
    """Where the runner finds and keeps results, keyed by (content hash, analyser name, version)."""

    def get_many(self, keys: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str, str], dict[str, Any]]: ...

    def put_many(self, items: Sequence[tuple[tuple[str, str, str], dict[str, Any]]]) -> None: ...


@dataclass
class RunResult:
    """Annotations per unit id and analyser name, summaries per analyser, and how much was computed."""

    annotations: dict[str, dict[str, Annotation]]
    summaries: dict[str, Summary]
    computed: int
    reused: int


def run(
    analyzers: Sequence[BaseAnalyzer],
    sessions: Sequence[tuple[str, Sequence[TextUnit]]],
    cache: ResultCache | None = None,
    batch_size: int = 512,
    progress: Callable[[str, int, int], None] | None = None,
) -> RunResult:
    """Annotate every applicable unit of every session with every analyser, then summarise.

    New results are written to ``cache`` in a single ``put_many`` call after all
    analysers have finished, so a run stops either with all of its results stored or none.
    """
    annotations: dict[str, dict[str, Annotation]] = {}
    new_items: list[tuple[tuple[str, str, str], dict[str, Any]]] = []
    computed = reused = 0
    all_units = [u for _, units in sessions for u in units]
    for analyzer in analyzers:
        todo = [u for u in all_units if analyzer.applies(u)]
        keys = [(u.content_hash, analyzer.name, analyzer.version) for u in todo]
        cached = cache.get_many(keys) if cache is not None and keys else {}
        missing = [u for u, k in zip(todo, keys) if k not in cached]
        for u, k in zip(todo, keys):
            if k in cached:
                annotations.setdefault(u.id, {})[analyzer.name] = Annotation.from_dict(
                    analyzer.name, analyzer.version, u.id, cached[k])
                reused += 1
        for start in range(0, len(missing), batch_size):
            batch = missing[start:start + batch_size]
            for u, ann in zip(batch, analyzer.annotate(batch)):
                ann.unit_id = u.id
                annotations.setdefault(u.id, {})[analyzer.name] = ann
                new_items.append(((u.content_hash, analyzer.name, analyzer.version), ann.to_dict()))
                computed += 1
            if progress is not None:
                progress(analyzer.name, min(start + batch_size, len(missing)), len(missing))
    summaries: dict[str, Summary] = {}
    for analyzer in analyzers:
        per_session = [
            SessionUnits(sid, list(units), [annotations[u.id][analyzer.name] for u in units
                                            if analyzer.name in annotations.get(u.id, {})])
            for sid, units in sessions
        ]
        summaries[analyzer.name] = analyzer.summarize(per_session)
    if cache is not None and new_items:
        cache.put_many(new_items)
    return RunResult(annotations, summaries, computed, reused)


def units_from_session(session_id: str, utterances: Iterable[Any], context_turns: int = 4) -> list[TextUnit]:
    """Text units for a session's utterances (domain ``Utterance`` objects), each with its previous turns."""
    units: list[TextUnit] = []
    history: list[ContextTurn] = []
    for u in utterances:
        units.append(TextUnit(
            id=f"{session_id}:{u.index}", text=u.text, role=u.role, kind="utterance", position=u.index,
            session=session_id, start=u.start, end=u.end, markers=tuple(u.markers),
            context=tuple(history[-context_turns:]) if context_turns else (),
        ))
        history.append(ContextTurn(u.role, u.text, u.start, u.end, tuple(u.markers)))
    return units


def unit_from_entry(entry: Any) -> TextUnit:
    """A text unit for a journal entry (domain ``Entry``); entries are written by the client."""
    return TextUnit(id=f"e{entry.id}", text=entry.text, role="client", kind=entry.kind, session=None)
