"""No traceback reaches a user who did not ask for one: usage errors exit 2, a held lock is named, bugs are one line."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from reverie.cli import main
from reverie.domain import Session, Utterance

TEXT = "T: What comes to mind?\nC: The kitchen and the radio.\n"  # one short session: two turns


@pytest.mark.parametrize("args, says", [
    (["dream"], "No such command 'dream'"),
    (["clients", "--bogus"], "No such option: --bogus"),
    (["import", "transcript", "s.txt", "--client", "c1", "--number", "99999999999999999999"], "--number"),
    (["show", "session", "99999999999999999999"], "session_id"),
    (["safety", "ack", "x", "--by", "me"], "'task'"),
])
def test_cli_usage_error_prints_usage_and_exits_2(args: list[str], says: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(args) == 2
    message = capsys.readouterr().err
    assert says in message and "Usage: reverie" in message
    assert "Traceback" not in message


def test_cli_unexpected_error_is_one_line_unless_debug(wsdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    def broken(self: object) -> list[dict[str, object]]:
        raise RuntimeError("a bug written for the test")

    monkeypatch.setattr("reverie.workspace.Workspace.clients", broken)
    capsys.readouterr()
    assert main(["clients"]) == 1
    assert capsys.readouterr().err.strip() == ("internal error: RuntimeError: a bug written for the test "
                                               "(run with --debug for the trace)")
    assert main(["--debug", "clients"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "a bug written for the test" in err


def test_cli_database_locked_past_the_retry_time_is_named(wsdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from reverie.store import db
    monkeypatch.setattr(db, "RETRY_SECONDS", 0.3)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.05, raising=False)
    database = wsdir / "reverie.db"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer that does not let go
    try:
        capsys.readouterr()
        assert main(["clients"]) == 5
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"the database {database} stayed locked by another writer" in " ".join(err.split())
    assert main(["clients"]) == 0  # and once the lock is gone, all is as before


def test_cli_safety_plan_set_then_shows_it(wsdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s1.txt"
    f.write_text(TEXT, encoding="utf-8")
    assert main(["import", "transcript", str(f), "--client", "c1"]) == 0
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"warning_signs": ["I stop answering messages"], "people_to_ask": ["my sister"]}),
                    encoding="utf-8")
    capsys.readouterr()
    assert main(["safety", "plan", "--client", "c1", "--set", str(plan)]) == 0
    shown = capsys.readouterr().out
    assert "I stop answering messages" in shown and "my sister" in shown and "by ruth" in shown


def test_cli_progress_markers_from_a_two_turn_session() -> None:
    from reverie.analysis.cycles import CyclesAnalyzer
    from reverie.analysis.markers import markers_from_analysis
    from reverie.analysis.results import analyse
    session = Session(client="c1", number=1, id=1, utterances=[
        Utterance(index=0, role="therapist", speaker="T", text="What comes to mind?"),
        Utterance(index=1, role="client", speaker="C", text="The kitchen and the radio.")])
    analysis, _ = analyse([CyclesAnalyzer()], [session])
    assert analysis["sessions"][0]["summary"]["cycles"]["shares"]["connecting"] is None  # too short for a block
    assert markers_from_analysis(analysis) == {}


@pytest.mark.slow
def test_cli_progress_and_report_on_a_short_session(wsdir: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s1.txt"
    f.write_text(TEXT, encoding="utf-8")
    assert main(["import", "transcript", str(f), "--client", "c1"]) == 0
    assert main(["analyze", "--client", "c1"]) == 0
    capsys.readouterr()
    assert main(["progress", "--client", "c1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["client"] == "c1"
    assert main(["report", "--client", "c1", "--out", str(tmp_path / "r.html")]) == 0
    assert "c1" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_cli_exit_codes_documented() -> None:
    import reverie.errors as errors
    from reverie.cli import EXIT_CODES
    codes = {cls.exit_code for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.ReverieError)} | {0, 1, 2}
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    paragraph = readme.split("**Exit codes.**", 1)[1].split("\n\n", 1)[0]
    for code in codes:
        assert re.search(rf"\b{code} ", EXIT_CODES), f"exit code {code} missing from `reverie --help`"
        assert f"{code}:" in paragraph, f"exit code {code} missing from the README"
