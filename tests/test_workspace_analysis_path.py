"""One path into analysis: the jurisdiction profile on every path, settings in the cache key, views that read
stored results (never re-run), and the per-file input limit."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.analysis.affect import AffectAnalyzer
from reverie.cli import main
from reverie.ingest import MAX_FILE_BYTES

WRAD = "kitchen 0.9\nmorning 0.8\nfather 0.7\nstudy 0.6\nchest 0.5\n"
ROWS = [{"id": "r0", "dialogue_id": "d0", "dialogue": [{"speaker": "seeker", "text": "It was fine, really."}],
         "current_text": "It was fine, really.", "label": 0}]


def _json(capsys: pytest.CaptureFixture[str], args: list[str]) -> dict:
    capsys.readouterr()
    assert main(args + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _wrads(analysis: dict) -> list[float | None]:
    return [u["annotations"]["referential"]["wrad"] for s in analysis["sessions"] for u in s["utterances"]
            if "referential" in u["annotations"]]


def _with_answers(ws: rw.Workspace, session_file: Path) -> None:
    ws.import_transcript(session_file, "c1", date=date(2026, 1, 5))
    for number, answers in ((1, [2, 2, 2, 2, 2, 2, 2, 1, 0]), (2, [2, 1, 2, 1, 2, 1, 1, 1, 0]),
                            (3, [1, 1, 1, 1, 1, 1, 1, 0, 0])):
        ws.record_response("c1", "phq9", answers, session=number, date=date(2026, 1, number * 7))
    ws.analyze(client="c1", analyzers=["affect"])


# ----- the jurisdiction profile on every path ----------------------------------------------------------------
def test_workspace_analyze_file_applies_the_environment_profile(session_file: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REVERIE_JURISDICTION", "us-il")
    capsys.readouterr()
    assert main(["analyze", str(session_file), "--analyzers", "affect"]) == 2
    message = " ".join(capsys.readouterr().err.split())
    assert "'affect'" in message and "switched off by the jurisdiction profile us-il" in message
    data = _json(capsys, ["analyze", str(session_file), "--analyzers", "dialogue"])
    assert all("affect" not in u["annotations"] for u in data["sessions"][0]["utterances"])


def test_workspace_analyze_file_applies_the_workspace_profile(tmp_path: Path, session_file: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    rw.init(tmp_path / "il", user="ruth", jurisdiction="us-il").close()
    capsys.readouterr()
    assert main(["analyze", str(session_file), "--analyzers", "affect", "--workspace", str(tmp_path / "il")]) == 2
    assert "switched off by the jurisdiction profile us-il" in " ".join(capsys.readouterr().err.split())


def test_workspace_evaluation_applies_the_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "rows.json"
    data.write_text(json.dumps(ROWS), encoding="utf-8")
    monkeypatch.setenv("REVERIE_JURISDICTION", "us-il")
    capsys.readouterr()
    assert main(["eval", "defenses", "--data", str(data)]) == 2
    assert "'defenses'" in capsys.readouterr().err


# ----- results keyed on settings -----------------------------------------------------------------------------
def test_workspace_wrad_run_after_a_plain_run_is_recomputed(ws: rw.Workspace, session_file: Path,
                                                            tmp_path: Path) -> None:
    wrad = tmp_path / "wrad.txt"
    wrad.write_text(WRAD, encoding="utf-8")
    ws.import_transcript(session_file, "c1")
    plain = ws.analyze(client="c1", analyzers=["referential"])
    weighted = ws.analyze(client="c1", analyzers=["referential"], settings={"referential": {"wrad": str(wrad)}})
    assert set(_wrads(plain)) == {None}
    assert weighted["computed"] == plain["computed"] > 0 and weighted["reused"] == 0
    assert any(w is not None and w > 0 for w in _wrads(weighted))
    wrad.write_text(WRAD.replace("0.", "0.0"), encoding="utf-8")  # same path, other weights: recomputed again
    changed = ws.analyze(client="c1", analyzers=["referential"], settings={"referential": {"wrad": str(wrad)}})
    assert changed["reused"] == 0 and _wrads(changed) != _wrads(weighted)


def test_workspace_cli_wrad_run_after_a_plain_run_differs(tmp_path: Path, session_file: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "ws"))
    wrad = tmp_path / "wrad.txt"
    wrad.write_text(WRAD, encoding="utf-8")
    assert main(["init", "--user", "ruth"]) == 0
    assert main(["import", "transcript", str(session_file), "--client", "c1"]) == 0
    plain = _json(capsys, ["analyze", "--client", "c1", "--analyzers", "referential"])
    weighted = _json(capsys, ["analyze", "--client", "c1", "--analyzers", "referential", "--wrad", str(wrad)])
    assert set(_wrads(plain)) == {None} and any(w is not None for w in _wrads(weighted))
    file_plain = _json(capsys, ["analyze", str(session_file), "--analyzers", "referential"])
    file_weighted = _json(capsys, ["analyze", str(session_file), "--analyzers", "referential", "--wrad", str(wrad)])
    assert _wrads(file_plain) == _wrads(plain) and _wrads(file_weighted) == _wrads(weighted)


# ----- views read stored results ------------------------------------------------------------------------------
def test_workspace_views_read_stored_results_without_running(ws: rw.Workspace, session_file: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _with_answers(ws, session_file)
    analysed = ws.analyze(client="c1", analyzers=["affect"])

    def refuse(self, units):  # a view that ran an analyser would fail here
        raise AssertionError("a view ran an analyser")
    monkeypatch.setattr(AffectAnalyzer, "annotate", refuse)
    stored = ws.stored_analysis("c1")
    assert stored["missing"] is None and stored["computed"] == 0
    assert [u["annotations"] for u in stored["sessions"][0]["utterances"]] == \
        [u["annotations"] for u in analysed["sessions"][0]["utterances"]]
    progress = ws.case_progress("c1")
    assert [s["number"] for s in progress["sessions"]] == [1, 2, 3]
    # affect alone yields no process marker: shown as missing, with how to get them
    assert progress["process_markers"]["status"] == "missing"
    assert "reverie analyze --client c1" in progress["process_markers"]["reason"]


def test_workspace_withdrawn_analysis_consent_keeps_progress_and_report(ws: rw.Workspace, session_file: Path,
                                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str],
                                                                        backend: str | None) -> None:
    _with_answers(ws, session_file)
    ws.withdraw_consent("c1", "analysis")
    assert ws.stored_analysis("c1")["sessions"][0]["utterances"][1]["annotations"] == {}  # stored results hidden
    monkeypatch.setenv("REVERIE_WORKSPACE", str(ws.settings.workspace))
    if backend:  # workspace.json keeps the URL without its password
        monkeypatch.setenv("REVERIE_DATABASE_URL", backend)
    progress = _json(capsys, ["progress", "--client", "c1"])
    assert progress["instruments"]["phq9"]["baseline"] == 15 and progress["instruments"]["phq9"]["latest"] == 7
    assert [s["feeling_better"] is not None for s in progress["sessions"]] == [True, True, True]
    assert progress["process_markers"]["status"] == "missing"
    assert progress["process_markers"]["missing_sessions"] == [1, 2, 3]
    assert "no active consent to analysis" in progress["process_markers"]["reason"]
    html = ws.report("c1", tmp_path / "report.html").read_text(encoding="utf-8")
    assert "PHQ-9" in html and "Process markers missing (sessions 1, 2, 3)" in html
    assert "no active consent to analysis" in html


def test_workspace_client_user_sees_their_progress(ws: rw.Workspace, session_file: Path, backend: str | None) -> None:
    _with_answers(ws, session_file)
    ws.add_user("sam", "client", client="c1")
    sam = rw.open(ws.settings.workspace, db=backend, user="sam")
    progress = sam.case_progress("c1")
    sam.close()
    assert progress["instruments"]["phq9"]["latest"] == 7 and len(progress["sessions"]) == 3
    assert progress["process_markers"]["status"] == "missing"
    assert "client user may not read analysis results" in progress["process_markers"]["reason"]
    assert progress["instruments"]["phq9"]["baseline"] == 15  # (the command line acts for staff only: issue 13.9)


# ----- the input limit ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["analyze"], ["import", "transcript"], ["import", "entries"]])
def test_workspace_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "ws"))
    assert main(["init", "--user", "ruth"]) == 0
    big = tmp_path / "huge-session.txt"
    with big.open("wb") as fh:  # a sparse file: nothing is written, the size is what counts
        fh.truncate(MAX_FILE_BYTES + 1)
    capsys.readouterr()
    args = command + [str(big)] + (["--client", "c1"] if command[0] == "import" else [])
    assert main(args) == 2
    message = " ".join(capsys.readouterr().err.split())
    assert "huge-session.txt" in message and f"{MAX_FILE_BYTES:,} bytes" in message and "2 MB" in message
    assert "docs/formats.md" in message
    assert _json(capsys, ["clients"]) == []
