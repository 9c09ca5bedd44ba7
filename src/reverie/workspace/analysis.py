"""Analysis through the one runner: stored (with consent, the jurisdiction profile and the result cache) and
read back for views, plus the researcher's quick path over a file, which stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie import ingest
from reverie.analysis.base import REGISTRY, BaseAnalyzer, select_analyzers, settings_digest, switched_off
from reverie.analysis.results import analyse
from reverie.errors import AccessDenied, InputError, NotFoundError
from reverie.settings import resolve

if TYPE_CHECKING:
    from reverie.workspace.core import Workspace

ProgressFn = Callable[[str, int, int], None]


def analyzers(ws: Workspace, names: Sequence[str] | None = None, settings: dict[str, dict[str, Any]] | None = None
              ) -> list[BaseAnalyzer]:
    """The analysers to run: those named (default all), less those the jurisdiction profile switches off."""
    return select_analyzers(names, settings, ws.settings.jurisdiction)


def analyze(ws: Workspace, client: str | None = None, session_id: int | None = None,
            analyzers: Sequence[str] | None = None, settings: dict[str, dict[str, Any]] | None = None,
            progress: ProgressFn | None = None, include_entries: bool = True) -> dict[str, Any]:
    """Analyse a client's sessions (and the journal entries this user may read) and store the results."""
    from reverie.safety.tasks import screen_analysis
    if session_id is not None:
        session = ws.store.session(session_id)
        client, sessions, entries = session.client, [session], []
    elif client is not None:
        sessions = ws.store.client_sessions(client)
        entries = ws.store.entries(client) if include_entries else []
    else:
        raise InputError("name a client (--client CODE) or a session (--session ID)")
    ws.require_consent(client, "analysis")
    chosen = ws.analyzers(analyzers, settings)
    out, result = analyse(chosen, sessions, entries, cache=ws.store.result_cache(client), progress=progress,
                          jurisdiction=ws.settings.jurisdiction)
    ws.store.record_run(client, {"analyzers": {a.name: {"version": a.version, "settings": a.settings,
                                                        "digest": settings_digest(a)} for a in chosen},
                                 "settings": ws.settings.public(), "computed": result.computed,
                                 "reused": result.reused})
    out["safety"] = screen_analysis(ws, client, out)
    out["client"] = client
    return out


def stored_analysis(ws: Workspace, client: str, session_id: int | None = None) -> dict[str, Any]:
    """The client's stored results in ``analyze``'s shape, read without running an analyser (what views show).

    With ``session_id``, only that session of the client's (no journal entries): one page's worth.

    Each analyser's results are those of the newest run that included it; a unit without a
    stored result has no annotation. ``missing`` says why there is nothing at all: no active
    consent to analysis (withdrawal hides results already stored), a role that may not read
    results, or no run yet.
    """
    if session_id is not None:
        sessions, entries = [ws.store.session(session_id)], []
        if sessions[0].client != client:
            raise NotFoundError(f"no session {session_id} for client '{client}'")
    else:
        sessions, entries = ws.store.client_sessions(client), ws.store.entries(client)
    chosen: list[BaseAnalyzer] = []
    digests: dict[str, str] = {}
    missing = None
    if not ws.store.has_consent(client, "analysis"):
        missing = f"client '{client}' has no active consent to analysis"
    else:
        try:
            runs = ws.store.analysis_runs(client)
        except AccessDenied:
            runs, missing = [], f"a {ws.user.role} user may not read analysis results"
        for config in runs:
            for name, spec in config.get("analyzers", {}).items():
                analyzer = None if name in digests else _stored_analyzer(name, spec, ws.settings.jurisdiction)
                if analyzer is not None:
                    chosen.append(analyzer)
                    digests[name] = spec["digest"]
        if not runs and missing is None:
            missing = f"client '{client}' has not been analysed: run `reverie analyze --client {client}`"
    cache = ws.store.result_cache(client) if chosen else None
    out, _ = analyse(chosen, sessions, entries, cache=cache, jurisdiction=ws.settings.jurisdiction,
                     compute=False, digests=digests)
    out["client"], out["missing"] = client, missing
    return out


def has_analysis(ws: Workspace, client: str) -> bool:
    """Whether any analysis run was ever stored for the client."""
    return ws.store.has_analysis_run(client)


def _stored_analyzer(name: str, spec: dict[str, Any], jurisdiction: str) -> BaseAnalyzer | None:
    """The analyser a stored run recorded, to read its results by; None when they can no longer be matched.

    File settings are left out (their content is in the recorded digest), so a moved WRAD file
    does not hide results made with it.
    """
    try:
        cls = REGISTRY.get(f"{name}.v{spec.get('version')}")  # the version that made them, built-in or plug-in
        if spec.get("digest") is None or switched_off(cls, jurisdiction):
            return None
        files = {s.name for s in cls.settings_spec if s.file}
        return cls(**{k: v for k, v in (spec.get("settings") or {}).items() if k not in files})
    except (InputError, TypeError):
        return None


def analyze_file(path: str | Path, fmt: str = "auto", analyzers: Sequence[str] | None = None,
                 therapist_label: str | None = None, client_label: str | None = None,
                 settings: dict[str, dict[str, Any]] | None = None, progress: ProgressFn | None = None,
                 jurisdiction: str | None = None) -> dict[str, Any]:
    """The researcher's quick path: a transcript file straight in, nothing stored.

    ``jurisdiction`` None: the profile of the settings layers (environment, workspace file).
    """
    jurisdiction = resolve().jurisdiction if jurisdiction is None else jurisdiction
    transcript = ingest.read_transcript(path, fmt=fmt, therapist_label=therapist_label, client_label=client_label)
    out, _ = analyse(select_analyzers(analyzers, settings, jurisdiction), transcript.sessions, progress=progress,
                     jurisdiction=jurisdiction)
    out["notes"] = transcript.notes
    return out
