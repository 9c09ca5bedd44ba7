"""The relational analyser (CCRT): episodes, objects, components with evidence, and the case formulation.

Every text here is written for these tests.
"""

from __future__ import annotations

import pytest

from reverie.analysis.base import REGISTRY, ContextTurn, TextUnit, run
from reverie.analysis.relational import RelationalAnalyzer, analyse_text, learn_names
from reverie.analysis.relational_case import formulate


def annotate(text: str, context: tuple[ContextTurn, ...] = (), **settings):
    unit = TextUnit(id="u0", text=text, context=context)
    return RelationalAnalyzer(**settings).annotate([unit])[0]


def codes(values) -> tuple:
    return (values["object"], *((values[p] or {}).get("cluster") for p in
                                ("wish", "response_of_other", "response_of_self")))


def test_relational_is_registered_with_its_fields() -> None:
    analyser = REGISTRY.create("relational")
    assert analyser.key == "relational.v2"
    assert {"episode", "object", "wish", "response_of_other", "response_of_self"} <= set(analyser.fields)


def test_relational_codes_an_episode_with_evidence_spans() -> None:
    text = ("I rang my dad after the interview because I wanted him to be pleased. He asked why I hadn't "
            "gone for the bigger firm. I said sorry and felt stupid all evening.")
    ann = annotate(text)
    assert ann.values["episode"] is True
    assert codes(ann.values) == ("father", "W6", "RO5", "RS8")
    quotes = [text[a:b] for a, b in ann.evidence]
    assert any(q.startswith("I wanted him to be pleased") for q in quotes)
    assert "sorry" in quotes and "stupid" in quotes
    assert ann.values["response_of_self"]["valence"] == "negative"


@pytest.mark.parametrize("text", [
    "", "   ", "My father is an engineer and he designs bridges.", "The train was late again this morning.",
    "Ich habe heute nichts zu sagen.", "I bought a new notebook for the journal, a blue one.",
])
def test_relational_no_episode_in_plain_talk(text: str) -> None:
    ann = annotate(text)
    assert ann.values["episode"] is False and ann.values["object"] is None and ann.evidence == []


def test_relational_pronoun_resolves_to_the_figure_of_its_gender() -> None:
    text = "Mum phoned because Dad was in one of his moods. She was crying and I spent an hour calming her down."
    values = annotate(text).values
    assert values["object"] == "mother"
    assert values["response_of_other"]["cluster"] == "RO3"
    assert values["response_of_self"]["cluster"] == "RS1"


def test_relational_you_is_the_therapist_in_client_speech() -> None:
    text = "When you said nothing about my promotion I thought you were unimpressed. I felt ashamed for mentioning it."
    assert codes(annotate(text).values)[:1] == ("therapist",)
    assert annotate(text).values["response_of_other"]["cluster"] == "RO5"


def test_relational_negated_help_is_a_rejection() -> None:
    values = annotate("I asked my brother for help with the move and he never helped. I felt so alone.").values
    assert values["object"] == "sibling"
    assert (values["response_of_other"]["cluster"], values["response_of_other"]["valence"]) == ("RO5", "negative")


def test_relational_names_introduced_with_a_role() -> None:
    assert learn_names("Tamsin, she's my sister, came over.") == {"Tamsin": "sibling"}
    assert learn_names("Okonkwo. He's my partner. We met at college.") == {"Okonkwo": "partner"}
    text = "Tamsin laughed at me when I told her. I wanted her to take it seriously, and I went quiet."
    before = (ContextTurn("client", "Tamsin, she's my sister, is staying with us."),)
    assert annotate(text, before).values["object"] == "sibling"
    assert annotate(text, names="Tamsin=boss").values["object"] == "boss"


def test_relational_pronoun_refers_back_to_the_previous_turn() -> None:
    before = (ContextTurn("therapist", "And your father, how was he when you were small?"),)
    values = annotate("He was never there. He missed every concert and I gave up asking.", before).values
    assert values["episode"] is True and values["object"] == "father"
    assert values["response_of_other"]["cluster"] == "RO4"


def _sessions(texts_by_session):
    return [(sid, [TextUnit(id=f"{sid}:{i}", text=t, session=sid) for i, t in enumerate(texts)])
            for sid, texts in texts_by_session]


def test_relational_case_finds_the_ccrt_and_a_replay_with_the_therapist() -> None:
    sessions = _sessions([
        ("s1", ["When I was small I showed my father my report and wanted him to be proud. He said the maths "
                "was wrong. I apologised and felt ashamed.",
                "My boss dismissed the draft I'd worked on all weekend. I wanted her to notice the effort. "
                "I said sorry and redid it before breakfast."]),
        ("s2", ["When you didn't answer my question I thought you were bored with me. I wanted you to be "
                "interested. I felt embarrassed and apologised.",
                "My friend came round with soup and sat with me. I felt cared for."]),
    ])
    analyser = RelationalAnalyzer()
    case = run([analyser], sessions).summaries["relational"].case
    assert [e["object"] for e in case["episodes"]] == ["father", "boss", "therapist", "friend"]
    assert case["ccrt"]["wish"]["cluster"] == "W6"
    assert case["ccrt"]["response_of_other"]["cluster"] == "RO5"
    assert case["ccrt"]["response_of_self"]["cluster"] == "RS8"
    replay = next(r for r in case["replays"] if r["pattern"] == "RO5->RS8")
    assert replay["objects"] == ["boss", "father", "therapist"] and replay["transference"] is True
    assert "hypothesis" in replay["note"] and len(replay["episodes"]) == 3
    assert case["objects"]["friend"]["negative_share"] == 0.0 and case["objects"]["father"]["episodes"] == 1
    assert case["pervasiveness"]["response_of_self"]["RS8"] == 0.75


def test_relational_case_settles_a_guessed_name_from_an_introduction_elsewhere() -> None:
    sessions = _sessions([
        ("s1", ["Ottoline, she's the senior partner, runs the whole floor."]),
        ("s2", ["Ottoline ignored my email about the deadline. I wanted a reply. I felt anxious all night."]),
    ])
    case = run([RelationalAnalyzer()], sessions).summaries["relational"].case
    assert [e["object"] for e in case["episodes"]] == ["boss"]


def test_relational_formulation_of_no_episodes_keeps_its_keys() -> None:
    case = formulate([])
    assert case["episodes"] == [] and case["replays"] == [] and case["objects"] == {}
    assert case["ccrt"] == {"wish": None, "response_of_other": None, "response_of_self": None, "figures": {}}


def test_relational_wish_is_not_read_as_a_response() -> None:
    values = analyse_text("I wanted my sister to hug me. She walked past and ignored me. I went quiet.")
    assert values["wish"]["cluster"] == "W5"
    assert values["response_of_other"]["cluster"] == "RO5"  # "hug" inside the wish is not the other's response
    assert values["response_of_self"]["cluster"] == "RS2"


def test_relational_workspace_patterns_use_the_runner_cache(tmp_path, monkeypatch, capsys) -> None:
    import json

    import reverie.workspace as rw
    from reverie.cli import main

    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "ws"))
    assert main(["init", "--user", "ruth"]) == 0
    f = tmp_path / "s1.txt"
    f.write_text("T: Go on.\nC: My sister cancelled my birthday at the last minute. I wanted her there. I felt let "
                 "down.\nT: Mm.\nC: And when you were late today I thought you'd forgotten me. I wanted you to be "
                 "there. I felt stupid for minding.\n", encoding="utf-8")
    assert main(["import", "transcript", str(f), "--client", "c1"]) == 0
    capsys.readouterr()
    assert main(["patterns", "--client", "c1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(e["object"], e["response_of_other"]["cluster"]) for e in data["episodes"]] == [
        ("sibling", "RO4"), ("therapist", "RO4")]
    with rw.open(tmp_path / "ws", user="ruth") as ws:
        again = ws.analyze(client="c1", analyzers=["relational"])
    assert again["computed"] == 0 and again["reused"] == 2


def test_relational_from_analysis_lets_known_names_settle_guesses() -> None:
    from reverie.analysis.relational_case import from_analysis

    text = "Wilhelmina cancelled on me again. I wanted her to be there. I felt let down and went quiet."
    values = analyse_text(text)
    assert values["object_basis"] == "guess" and values["object"] == "friend"
    analysis = {"sessions": [{"id": 3, "utterances": [{"index": 0, "text": text, "annotations": {"relational": values}}]}],
                "entries": []}
    assert from_analysis(analysis)["episodes"][0]["object"] == "friend"
    case = from_analysis(analysis, {"Wilhelmina": "therapist"})
    assert case["episodes"][0]["object"] == "therapist" and case["episodes"][0]["source"] == "s3:0"
    assert case["ccrt"]["figures"] == {"therapist": {"wish": 1, "response_of_other": 1, "response_of_self": 1}}


def test_relational_a_bare_apology_is_the_speakers_response() -> None:
    values = analyse_text("My boss asked why I hadn't finished the schedule. Sorry. I stayed until ten to do it.")
    assert codes(values) == ("boss", None, "RO5", "RS8")
    assert [c["quote"] for c in values["components"] if c["component"] == "response_of_self"][0] == "Sorry"
