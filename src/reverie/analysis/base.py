"""The analyser contract, the registry and the runner.

An analyser is a small class with a ``name``, a ``version`` and one batch method,
``annotate(units) -> list[Annotation]``; session and case summaries are pure
functions of its annotations (``summarize``). The runner is the one path into
analysis: it applies the jurisdiction profile (an analyser the profile switches off
is refused, whoever calls), batches units, skips those whose (content hash,
analyser, version, settings digest) is already in the result cache the caller
hands in, and persists new results through that cache in one call, so a run that
is killed leaves no partial annotation set. ``analysis`` never imports ``store``:
the store implements :class:`ResultCache`.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol, runtime_checkable

from reverie.analysis.display import Display
from reverie.domain import Annotation
from reverie.errors import InputError, PluginError, ReverieError
from reverie.settings import JURISDICTIONS, resolve

# Modules that hold the built-in analysers; each registers its classes with @register.
BUILTIN_MODULES: tuple[str, ...] = (
    "reverie.analysis.affect",
    "reverie.analysis.abstraction",
    "reverie.analysis.cycles",
    "reverie.analysis.referential",
    "reverie.analysis.dialogue",
    "reverie.analysis.transference",
    "reverie.analysis.relational",
    "reverie.analysis.defenses",
    "reverie.analysis.risk",
    "reverie.analysis.dreams",
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
    """A declared analyser setting: name, default and help text.

    ``file``: the value is a path whose *content* shapes the results, so the cache key
    hashes the file's bytes, not its name.
    """

    name: str
    default: Any
    help: str
    file: bool = False


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
    display: ClassVar[Display] = Display()  # how views, reports and web panels show it

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
            "display": {"title": self.display.title or self.name, "explanation": self.display.explanation,
                        "evidence": self.display.evidence,
                        "chips": sorted({c.kind for c in self.display.chips}),
                        "progress_markers": [m.name for m in self.display.progress]},
        }


def _version_key(version: str) -> tuple[tuple[int, Any], ...]:
    """Order versions as people do: 2 < 10, and 2 < 2.1."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-]", str(version)))


class Registry:
    """Analyser classes by name and version. Built-ins and entry-point plug-ins are loaded the same way, on first use.

    Rules: every entry point is loaded before the registry counts as loaded (a broken one raises
    :class:`PluginError` naming it, and nothing it or later ones added is kept); a plug-in never replaces a
    built-in: one with a built-in's name is refused unless it brings a new version, which is then chosen only
    by asking for it (``risk.v6``); a plain name gives the built-in, or the latest version of a plug-in.
    """

    def __init__(self) -> None:
        self._classes: dict[str, type] = {}  # name -> the class a plain name gives
        self._versions: dict[str, dict[str, type]] = {}  # name -> version -> class
        self._builtin: set[str] = set()
        self._loaded = False
        self.missing: list[str] = []

    def add(self, cls: type) -> type:
        """Register ``cls``; a class from a module outside ``BUILTIN_MODULES`` is a plug-in and may not shadow."""
        name, version = getattr(cls, "name", ""), str(getattr(cls, "version", "") or "")
        if not isinstance(cls, type) or not name or not version or not callable(getattr(cls, "annotate", None)):
            raise PluginError(f"{getattr(cls, '__name__', cls)!r} is not an analyser class",
                              hint="an analyser is a class with a name, a version and annotate(units)")
        versions = self._versions.setdefault(name, {})
        if versions.get(version) is cls:
            return cls
        builtin = cls.__module__ in BUILTIN_MODULES
        if version in versions:
            raise PluginError(f"analyser '{name}' version {version} is registered twice "
                              f"({versions[version].__module__} and {cls.__module__})",
                              hint="a plug-in may not replace a built-in or another plug-in: give it another name "
                                   "or a new version")
        versions[version] = cls
        if builtin:
            self._builtin.add(name)
            self._classes[name] = cls
        elif name not in self._builtin:
            self._classes[name] = versions[max(versions, key=_version_key)]
        return cls

    def unregister(self, cls: type) -> None:
        """Take a plug-in class out again (tests, a plug-in reloaded); built-ins stay."""
        name, version = cls.name, str(cls.version)
        if name in self._builtin and self._classes.get(name) is cls:
            raise PluginError(f"analyser '{name}' is a built-in and cannot be removed")
        versions = self._versions.get(name, {})
        if versions.get(version) is cls:
            del versions[version]
        if not versions:
            self._versions.pop(name, None)
            self._classes.pop(name, None)
        elif name not in self._builtin:
            self._classes[name] = versions[max(versions, key=_version_key)]

    def load(self) -> Registry:
        if self._loaded:
            return self
        for module in BUILTIN_MODULES:
            if module in self.missing:
                continue
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:  # a built-in left out of this install: listed, and a test fails
                if exc.name != module:
                    raise
                self.missing.append(module)
        for cls in _BUILTINS:  # registered on import; a fresh registry (tests) takes them too
            if cls.__module__ in BUILTIN_MODULES and cls.__module__ not in self.missing:
                self.add(cls)
        before = (dict(self._classes), {n: dict(v) for n, v in self._versions.items()})
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                self.add(ep.load())
            except Exception as exc:  # any failure of third-party code: named, loudly, and nothing half-kept
                self._classes, self._versions = before[0], before[1]
                dist = getattr(getattr(ep, "dist", None), "name", None)
                raise PluginError(
                    f"the analyser plug-in '{getattr(ep, 'name', ep)}' ({getattr(ep, 'value', '?')}"
                    f"{', from ' + dist if dist else ''}) could not be loaded: "
                    f"{exc.message if isinstance(exc, ReverieError) else f'{type(exc).__name__}: {exc}'}",
                    hint=f"fix or uninstall the package that provides it{' (pip uninstall ' + dist + ')' if dist else ''}"
                         f"; entry point group '{ENTRY_POINT_GROUP}'") from exc
        self._loaded = True
        return self

    def names(self) -> list[str]:
        return sorted(self.load()._classes)

    def versions(self, name: str) -> list[str]:
        return sorted((str(c.version) for c in self.load()._versions.get(name, {}).values()), key=_version_key)

    def get(self, name: str) -> type:
        """The class for ``name`` (built-in, else the latest plug-in version) or ``name.vN`` (that version)."""
        self.load()
        base, _, version = name.partition(".v")
        if base not in self._classes:
            raise InputError(f"no analyser named '{name}'", hint=f"known analysers: {', '.join(self.names())}")
        if not version:
            return self._classes[base]
        # by the classes' version now, not when they were registered (a test may bump one)
        found = next((c for c in self._versions[base].values() if str(c.version) == version), None)
        if found is None:
            raise InputError(f"analyser '{base}' has no version {version}",
                             hint=f"versions of {base}: {', '.join(self.versions(base))}")
        return found

    def create(self, name: str, **settings: Any) -> BaseAnalyzer:
        return self.get(name)(**settings)

    def display(self, name: str) -> Display:
        """How the analyser ``name`` is shown; an unknown one (results of a plug-in since removed) as raw tables."""
        try:
            cls = self.get(name)
        except InputError:
            return Display()
        found = getattr(cls, "display", None)
        return found if isinstance(found, Display) else Display()

    def ordered(self, names: Iterable[str]) -> list[str]:
        """``names`` in the order their displays ask for (``rank``, then name): how views lay analysers out."""
        return sorted(dict.fromkeys(names), key=lambda n: (self.display(n).rank, n))

    def describe(self) -> list[dict[str, Any]]:
        return [{**self.get(n)().describe(), "versions": self.versions(n)} for n in self.names()]


REGISTRY = Registry()


def select_analyzers(names: Sequence[str] | None, settings: dict[str, dict[str, Any]] | None = None,
                     jurisdiction: str = "none") -> list[BaseAnalyzer]:
    """The analysers named (default: all, less those the profile switches off; the runner refuses a named one)."""
    settings = settings or {}
    classes = [REGISTRY.get(n) for n in names] if names else \
        [c for c in map(REGISTRY.get, REGISTRY.names()) if not switched_off(c, jurisdiction)]
    return [cls(**settings.get(cls.name, {})) for cls in classes]


_BUILTINS: list[type] = []


def register(cls: type) -> type:
    """Class decorator: put an analyser in the registry under its ``name`` and ``version``."""
    if cls.__module__ in BUILTIN_MODULES:
        _BUILTINS.append(cls)
    return REGISTRY.add(cls)


ResultKey = tuple[str, str, str, str]  # (unit content hash, analyser name, version, settings digest)


class ResultCache(Protocol):
    """Where the runner finds and keeps results, keyed by :data:`ResultKey`."""

    def get_many(self, keys: Sequence[ResultKey]) -> dict[ResultKey, dict[str, Any]]: ...

    def put_many(self, items: Sequence[tuple[ResultKey, dict[str, Any]]]) -> None: ...


def _file_digest(path: Any) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                h.update(chunk)
    except OSError as exc:
        raise InputError(f"cannot read the settings file {path} ({exc.strerror or exc})",
                         hint="check the path given to the analyser setting") from None
    return h.hexdigest()


def settings_digest(analyzer: Any) -> str:
    """Hash of the canonical JSON of an analyser's filled settings, a file setting by its content.

    Part of the cache key: results made with other settings (or another WRAD file) are never reused.
    """
    files = {s.name for s in getattr(analyzer, "settings_spec", ()) if getattr(s, "file", False)}
    values = {name: {"sha256": _file_digest(v)} if name in files and v is not None else v
              for name, v in getattr(analyzer, "settings", {}).items()}
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def environment_jurisdiction() -> str:
    """The profile the settings layers give when the caller names none (environment, then workspace file)."""
    return resolve().jurisdiction


def switched_off(analyzer: Any, jurisdiction: str) -> bool:
    """Whether a jurisdiction profile switches this analyser (class or instance) off.

    ``us-il`` switches off analysers that infer emotions or mental states; safety-critical
    ones (risk screening) stay on in every profile.
    """
    if jurisdiction not in JURISDICTIONS:
        raise InputError(f"unknown jurisdiction profile '{jurisdiction}'", hint=f"profiles: {', '.join(JURISDICTIONS)}")
    return (jurisdiction == "us-il" and getattr(analyzer, "infers_mental_state", False)
            and not getattr(analyzer, "safety_critical", False))


def check_profile(analyzers: Sequence[Any], jurisdiction: str) -> None:
    """Refuse a run that includes an analyser the profile switches off (exit 2, naming it and the profile)."""
    for a in analyzers:
        if switched_off(a, jurisdiction):
            raise InputError(f"analyser '{a.name}' infers emotions or mental states and is switched off by the "
                             f"jurisdiction profile {jurisdiction}",
                             hint="choose another analyser, or another profile (REVERIE_JURISDICTION, workspace.json)")


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
    jurisdiction: str | None = None,
    compute: bool = True,
    digests: dict[str, str] | None = None,
) -> RunResult:
    """Annotate every applicable unit of every session with every analyser, then summarise.

    ``jurisdiction``: the profile to apply; None takes it from the settings layers, so a caller
    that forgets it still gets the environment's profile. With ``compute=False`` nothing is
    annotated: only results already in ``cache`` are read (views), a unit without one is left
    out, and ``digests`` (analyser name -> settings digest recorded with an earlier run) may
    stand in for settings that cannot be rebuilt (a file since moved).
    New results are written to ``cache`` in a single ``put_many`` call after all
    analysers have finished, so a run stops either with all of its results stored or none.
    """
    check_profile(analyzers, environment_jurisdiction() if jurisdiction is None else jurisdiction)
    annotations: dict[str, dict[str, Annotation]] = {}
    new_items: list[tuple[ResultKey, dict[str, Any]]] = []
    computed = reused = 0
    all_units = [u for _, units in sessions for u in units]
    for analyzer in analyzers:
        digest = (digests or {}).get(analyzer.name) or settings_digest(analyzer)
        todo = [u for u in all_units if analyzer.applies(u)]
        keys = [(u.content_hash, analyzer.name, analyzer.version, digest) for u in todo]
        cached = cache.get_many(keys) if cache is not None and keys else {}
        missing = [(u, k) for u, k in zip(todo, keys) if k not in cached] if compute else []
        for u, k in zip(todo, keys):
            if k in cached:
                annotations.setdefault(u.id, {})[analyzer.name] = Annotation.from_dict(
                    analyzer.name, analyzer.version, u.id, cached[k])
                reused += 1
        del cached
        new = _batches(analyzer, [u for u, _ in missing], batch_size, progress)
        for (u, k), ann in zip(missing, new):
            annotations.setdefault(u.id, {})[analyzer.name] = ann
            new_items.append((k, ann.to_dict()))
        computed += len(new)
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


def _batches(analyzer: Any, units: Sequence[TextUnit], batch_size: int,
             progress: Callable[[str, int, int], None] | None) -> list[Annotation]:
    """``annotate`` over ``batch_size`` units at a time, so an analyser never holds more than one batch."""
    out: list[Annotation] = []
    name = getattr(analyzer, "name", type(analyzer).__name__)
    for start in range(0, len(units), batch_size):
        batch = units[start:start + batch_size]
        for u, ann in zip(batch, analyzer.annotate(batch)):
            ann.unit_id = u.id
            out.append(ann)
        if progress is not None:
            progress(name, min(start + batch_size, len(units)), len(units))
    return out


def annotate_units(analyzer: Any, units: Sequence[TextUnit], jurisdiction: str | None = None,
                   batch_size: int = 512) -> list[Annotation]:
    """The runner for a flat list of units (evaluation, safety screening): the profile applied, in batches,
    one annotation per unit in order; nothing cached or summarised."""
    check_profile([analyzer], environment_jurisdiction() if jurisdiction is None else jurisdiction)
    return _batches(analyzer, units, batch_size, None)


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
