"""Files Reverie writes: a user's --out never replaces the database, a key, the settings or an existing file (unless
--force), never lands inside the workspace, leaves no temporary file behind, and is private (mode 0600)."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.cli import main
from reverie.errors import InputError
from reverie.outputs import atomic_write, write_folder, write_output
from reverie.spreadsheet import csv_text, neutralise, restore

TEXT = "T: What comes to mind?\nC: The kitchen, and the radio my grandmother kept on.\n"

# every command that writes a file a user names, with the option that names it
WRITERS = {
    "backup": ["backup", "--out"],
    "export-json": ["export", "--client", "c1", "--format", "json", "--out"],
    "export-fhir": ["export", "--client", "c1", "--format", "fhir", "--out"],
    "report": ["report", "--client", "c1", "--out"],
    "plot": ["progress", "--client", "c1", "--plot"],
}


@pytest.fixture
def wsdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "ws"))
    assert main(["init", "--user", "ruth"]) == 0
    (tmp_path / "s.txt").write_text(TEXT, encoding="utf-8")
    assert main(["import", "transcript", str(tmp_path / "s.txt"), "--client", "c1"]) == 0
    assert main(["measures", "record", "phq9", "--client", "c1", "--answers", "1,1,1,1,1,1,1,1,0", "--session", "1"]) == 0
    return tmp_path / "ws"


def _key_file(wsdir: Path) -> Path:
    ws = rw.open(wsdir, user="ruth")
    ws.close()
    return ws.key_path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".partial")))


def _target(kind: str, wsdir: Path, tmp_path: Path, suffix: str) -> Path:
    """A precious place to write to: an existing file is given content, so that any change to it shows."""
    if kind == "key":
        return _key_file(wsdir)
    if kind == "database":
        return wsdir / "reverie.db"
    if kind == "settings":
        return wsdir / "workspace.json"
    if kind == "inside-workspace":
        return wsdir / f"new{suffix}"
    if kind == "existing-file":
        path = tmp_path / f"mine{suffix}"
        path.write_text("a file of mine\n", encoding="utf-8")
        return path
    path = tmp_path / "a-folder"
    path.mkdir()
    (path / "inside.txt").write_text("mine\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["key", "database", "settings", "inside-workspace", "existing-file", "folder"])
@pytest.mark.parametrize("writer", list(WRITERS))
def test_outputs_precious_target_is_refused_and_unchanged(wsdir: Path, tmp_path: Path, writer: str, kind: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    suffix = ".svg" if writer == "plot" else ".out"
    target = _target(kind, wsdir, tmp_path, suffix)
    before = target.read_bytes() if target.is_file() else sorted(os.listdir(target)) if target.is_dir() else None
    capsys.readouterr()
    assert main(WRITERS[writer] + [str(target)]) == 2
    assert "error:" in capsys.readouterr().err
    after = target.read_bytes() if target.is_file() else sorted(os.listdir(target)) if target.is_dir() else None
    assert after == before
    for folder in {target.parent, tmp_path, wsdir}:
        assert _leftovers(folder) == []


@pytest.mark.parametrize("kind", ["key", "database", "settings", "existing-file"])
@pytest.mark.parametrize("writer", ["backup", "export-json", "plot"])
def test_outputs_force_overwrites_only_an_ordinary_file(wsdir: Path, tmp_path: Path, writer: str, kind: str) -> None:
    suffix = ".svg" if writer == "plot" else ".out"
    target = _target(kind, wsdir, tmp_path, suffix)
    before = target.read_bytes()
    code = main(WRITERS[writer] + [str(target), "--force"])
    if kind == "existing-file":
        assert code == 0 and target.read_bytes() != before
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    else:
        assert code == 2 and target.read_bytes() == before


def test_outputs_a_database_or_key_elsewhere_is_never_overwritten(wsdir: Path, tmp_path: Path) -> None:
    """Another workspace's database or key, wherever it lies, is recognised by its content, even with --force."""
    other_db = tmp_path / "elsewhere.sqlite"
    other_db.write_bytes((wsdir / "reverie.db").read_bytes())
    other_key = tmp_path / "spare.txt"
    other_key.write_bytes(_key_file(wsdir).read_bytes())
    for target in (other_db, other_key):
        before = target.read_bytes()
        assert main(["export", "--client", "c1", "--out", str(target), "--force"]) == 2
        assert target.read_bytes() == before


def test_outputs_failed_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("the old report\n", encoding="utf-8")

    def no_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", no_disk)
    with pytest.raises(InputError, match="No space left"):
        write_output(target, "<html>new</html>", force=True)
    with pytest.raises(InputError, match="No space left"):
        write_output(tmp_path / "sub" / "deeper" / "new.html", "<html>new</html>")
    with pytest.raises(InputError, match="No space left"):
        write_folder(tmp_path / "csv", {"a.csv": "x\n", "b.csv": "y\n"})
    assert target.read_text(encoding="utf-8") == "the old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temp file, folder or staging left


def test_outputs_atomic_write_is_private_and_can_refuse_to_replace(tmp_path: Path) -> None:
    path = atomic_write(tmp_path / "new" / "file.txt", "hello\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with pytest.raises(FileExistsError):
        atomic_write(path, "other\n", replace=False)
    assert path.read_text() == "hello\n" and os.listdir(path.parent) == ["file.txt"]


def test_outputs_csv_export_to_a_folder_with_files_needs_force(wsdir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    assert main(["export", "--client", "c1", "--format", "csv", "--out", str(folder)]) == 0
    first = (folder / "transcripts.csv").read_bytes()
    (folder / "transcripts.csv").write_text("edited\n", encoding="utf-8")
    assert main(["export", "--client", "c1", "--format", "csv", "--out", str(folder)]) == 2
    assert (folder / "transcripts.csv").read_text() == "edited\n"
    assert main(["export", "--client", "c1", "--format", "csv", "--out", str(folder), "--force"]) == 0
    assert (folder / "transcripts.csv").read_bytes() == first
    assert main(["export", "--client", "c1", "--format", "csv", "--out", str(wsdir / "csv")]) == 2
    assert not (wsdir / "csv").exists() and _leftovers(tmp_path) == []


def test_outputs_exports_reports_and_backups_are_private(wsdir: Path, tmp_path: Path) -> None:
    assert main(["export", "--client", "c1", "--out", str(tmp_path / "c1.json")]) == 0
    assert main(["export", "--client", "c1", "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert main(["backup", "--out", str(tmp_path / "b.rvb")]) == 0
    assert main(["progress", "--client", "c1", "--plot", str(tmp_path / "p.svg")]) == 0
    written = [tmp_path / "c1.json", tmp_path / "b.rvb", tmp_path / "p.svg", *(tmp_path / "csv").iterdir()]
    assert len(written) >= 6
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((tmp_path / "csv").stat().st_mode) == 0o700


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\uff1d1+1", "'=1", "'tis"])
def test_spreadsheet_formula_cells_are_neutralised_and_restored(cell: str) -> None:
    safe = neutralise(cell)
    assert safe.startswith("'") and safe[1:] == cell
    assert restore(safe) == cell
    assert neutralise("plain words") == "plain words" and neutralise(-3) == -3


def test_spreadsheet_csv_quotes_every_cell() -> None:
    text = csv_text(["text"], [["=HYPERLINK(\"http://x\";\"y\")"], ["a;=1+1"], [None]])
    assert text.splitlines() == ['"text"', '"\'=HYPERLINK(""http://x"";""y"")"', '"a;=1+1"', '""']


def test_outputs_csv_export_has_no_formula_cells_and_reimports_the_words(wsdir: Path, tmp_path: Path) -> None:
    said = ["=HYPERLINK(\"http://example.invalid\",\"more\")", "+ and then the tram", "-- I stopped there",
            "@home, I mean"]
    (tmp_path / "f.txt").write_text("".join(f"T: Go on.\nC: {s}\n" for s in said), encoding="utf-8")
    assert main(["import", "transcript", str(tmp_path / "f.txt"), "--client", "c2"]) == 0
    assert main(["export", "--client", "c2", "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    with (tmp_path / "csv" / "transcripts.csv").open(encoding="utf-8", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    ws = rw.open(wsdir, user="ruth")
    try:
        ws.import_transcript(tmp_path / "csv" / "transcripts.csv", "c3")
        texts = [u.text for u in ws.session(ws.sessions("c3")[0]["id"]).utterances if u.role == "client"]
    finally:
        ws.close()
    assert texts == said


@pytest.mark.parametrize("command", ["progress", "dreams"])
def test_outputs_a_chart_with_an_unknown_suffix_is_refused_before_any_work(
        wsdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    from reverie.workspace.core import Workspace

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the work ran before the chart's file was checked")
    monkeypatch.setattr(Workspace, "case_progress", never)
    monkeypatch.setattr(Workspace, "dreams", never)
    assert main([command, "--client", "c1", "--plot", str(tmp_path / "chart.txt")]) == 2
    assert not (tmp_path / "chart.txt").exists()
