"""The demo case, built end to end, carries the clinical arc it was written for (DEMO_CASE.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import reverie.workspace as rw
from reverie.analysis.markers import markers_from_analysis
from reverie.demo.build import build_demo, load_manifest


def test_demo_manifest_lists_fictional_sessions_in_every_format() -> None:
    manifest = load_manifest()
    assert "Fictional" in manifest["notice"]
    formats = [s["format"] for s in manifest["sessions"]]
    assert len(formats) >= 12 and formats.count("vtt") >= 4 and "csv" in formats
    assert manifest["client"]["code"] == "demo"


def test_markers_from_analysis_takes_only_stated_markers() -> None:
    analysis = {"sessions": [
        {"number": 3, "summary": {"defenses": {"odf": 5.5, "odf_n": 12}, "cycles": {"shares": {"connecting": 0.25}},
                                  "referential": {"mean_ra": 0.4}, "affect": {"client": {}}}},
        {"number": 4, "summary": {"defenses": {"odf": 6.0, "odf_n": 2}}},  # too few coded utterances for an ODF
    ]}
    assert markers_from_analysis(analysis) == {3: {"odf": 5.5, "connecting_share": 0.25, "referential_activity": 0.4}}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("demo")
    key = folder / "keys" / "demo.key"
    result = build_demo(folder / "ws", key_file=key)
    ws = rw.open(folder / "ws", key_file=key, user="ruth.adler")
    result["analysis"] = ws.analyze(client="demo")
    result["tasks"] = ws.safety_tasks()
    ws.close()
    result["workspace"], result["key"] = folder / "ws", key
    return result


@pytest.mark.slow
def test_demo_progress_shows_relief_then_worse_before_better_then_change(demo: dict) -> None:
    classes = {s["number"]: s["class"] for s in demo["progress"]["sessions"]}
    assert {classes[n] for n in (4, 5, 6)} == {"relief_without_change"}
    assert "worse_before_better" in {classes[n] for n in (10, 11)}
    assert classes[16] == "getting_better" and demo["progress"]["case"]["class"] == "getting_better"
    phq = demo["progress"]["instruments"]["phq9"]
    assert [g["session"] for g in phq["sudden_gains"]] == [4]
    assert Path(demo["report"]).read_text(encoding="utf-8").count("<svg") >= 1


@pytest.mark.slow
def test_demo_longest_silence_is_after_the_link_in_session_ten(demo: dict) -> None:
    s10 = next(s for s in demo["analysis"]["sessions"] if s["number"] == 10)
    longest = s10["summary"]["dialogue"]["longest_silences"][0]
    assert 35 <= longest["seconds"] <= 45
    before = next(u for u in s10["utterances"] if f"s{s10['id']}:{u['index']}" == longest["before"]["id"])
    assert before["role"] == "therapist" and "study" in before["text"] and "Nana Ilse" in before["text"]


@pytest.mark.slow
def test_demo_transference_appears_from_the_break(demo: dict) -> None:
    counts = {s["number"]: s["summary"]["transference"]["counts"] for s in demo["analysis"]["sessions"]}
    links = [n for n, c in counts.items() if c.get("therapist_link")]
    assert 8 in links and min(links) >= 8


@pytest.mark.slow
def test_demo_disappear_entry_raises_a_safety_task_and_idioms_do_not(demo: dict) -> None:
    entry_tasks = [t for t in demo["tasks"] if t["source"] == "entry"]
    assert any("disappear" in q for t in entry_tasks for q in t["evidence"]["quotes"])
    quotes = " ".join(q for t in demo["tasks"] for q in t["evidence"]["quotes"])
    assert "killing me" not in quotes and "kill for a coffee" not in quotes


@pytest.mark.slow
def test_demo_deepening_sessions_have_connecting_key_moments(demo: dict) -> None:
    for s in demo["analysis"]["sessions"]:
        if s["number"] in (9, 10, 11):
            moments = s["summary"]["cycles"]["key_moments"]
            assert moments and len(moments[0]["text"].split()) >= 75


def test_demo_refuses_a_workspace_it_did_not_build(tmp_path: Path, session_file: Path) -> None:
    from reverie.cli import main
    from tests.conftest import workspace_bytes
    ws = rw.init(tmp_path / "reverie-workspace", user="ruth")
    ws.import_transcript(session_file, "c1")
    ws.close()
    before = workspace_bytes(tmp_path / "reverie-workspace")
    assert main(["demo", "--workspace", str(tmp_path / "reverie-workspace"), "--no-serve"]) == 2
    assert workspace_bytes(tmp_path / "reverie-workspace") == before
    again = rw.open(tmp_path / "reverie-workspace", user="ruth")
    assert [c["code"] for c in again.clients()] == ["c1"]
    again.close()


def test_demo_default_folder_is_not_the_init_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reverie.demo.build
    from reverie.cli import main
    built: list[Path] = []

    def record(workspace: Path, **_kw: object) -> dict:
        built.append(Path(workspace))
        return {"summary": "built", "report": "r.html"}
    monkeypatch.setattr(reverie.demo.build, "build_demo", record)
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--no-serve"]) == 0
    assert built == [Path("reverie-demo")]
    from reverie.settings import resolve
    assert resolve().workspace != built[0]  # `reverie init`'s folder is another one


def test_demo_clears_only_a_folder_it_built(tmp_path: Path) -> None:
    from reverie.demo.build import MARKER, clear_demo_folder
    from reverie.errors import InputError
    own = tmp_path / "own"
    (own / "reports").mkdir(parents=True)
    (own / MARKER).write_text("built by the demo\n", encoding="utf-8")
    (own / "reverie.db").write_bytes(b"")
    clear_demo_folder(own)
    assert not own.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    clear_demo_folder(empty)
    assert empty.is_dir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="never deletes"):
        clear_demo_folder(other)
    assert (other / "thesis.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.slow
def test_demo_folder_carries_its_marker_and_a_private_report(demo: dict) -> None:
    import stat

    from reverie.demo.build import MARKER
    assert (Path(demo["workspace"]) / MARKER).is_file()
    assert Path(demo["report"]).parent == Path(demo["workspace"]) / "reports"
    assert stat.S_IMODE(Path(demo["report"]).stat().st_mode) == 0o600


@pytest.mark.slow
def test_demo_opens_only_tasks_that_carry_real_risk(demo: dict) -> None:
    # issue 15: the demo's ordinary talk ("So I can plan around it.", "I was cutting my fish.", "I sleep most
    # nights.") opens no task; what is left is the April entry, PHQ-9 item 9 and session 10's passive ideation.
    tasks = demo["tasks"]
    assert 1 <= len(tasks) <= 6
    real = ("disappear", "not to wake up", "PHQ-9 item 9")
    for t in tasks:
        assert any(r in q for q in t["evidence"]["quotes"] for r in real), t["evidence"]["quotes"]
    utterances = [t for t in tasks if t["source"] == "utterance"]
    assert utterances and all(t["evidence"]["session_date"] == "2026-04-06" and isinstance(t["evidence"]["turn"], int)
                              for t in utterances)
    assert {t["severity"] for t in tasks if t["source"] != "questionnaire"} == {"wish_to_be_dead"}


@pytest.mark.slow
def test_demo_case_report_shows_each_sessions_intervention_profile(demo: dict) -> None:
    html = Path(demo["report"]).read_text(encoding="utf-8")
    table = html.split("continuum</h3>")[1].split("</table>")[0]
    numbers = [int(n) for n in re.findall(r"<tr><td>(\d+)</td>", table)]
    assert numbers == sorted(s["number"] for s in demo["analysis"]["sessions"])
    positions = re.findall(r"<tr><td>\d+</td><td>(\w+)</td>", table)
    assert set(positions) <= {"expressive", "intermediate", "supportive"} and positions


@pytest.mark.slow
def test_demo_patterns_replay_the_case_pattern_with_the_therapist(demo: dict) -> None:
    """The CCRT the case was written around (DEMO_CASE.md), and its replay with the therapist among the figures."""
    from reverie.analysis.relational_case import from_analysis
    case = from_analysis(demo["analysis"], {"Ruth": "therapist", "Adler": "therapist"})
    assert [case["ccrt"][p]["cluster"] for p in ("wish", "response_of_other", "response_of_self")] == \
        ["W6", "RO5", "RS8"]
    replay = next(r for r in case["replays"] if r["pattern"] == "RO5->RS8")
    assert {"boss", "therapist"} <= set(replay["objects"]) and replay["transference"] is True
    assert {"father", "boss", "partner", "therapist"} <= set(case["ccrt"]["figures"])


@pytest.mark.slow
def test_demo_themes_show_returning_and_journal_only_themes(demo: dict) -> None:
    """Beth's baby is written of three times in the journal and never spoken of in a session."""
    with rw.open(demo["workspace"], key_file=demo["key"], user="ruth.adler") as ws:
        found = ws.themes("demo")["themes"]
    assert any(t["returning"] for t in found)
    (only,) = [t for t in found if t["journal_only"]]
    assert "baby" in only["words"] and {o["source"] for o in only["occurrences"]} == {"entry"}
