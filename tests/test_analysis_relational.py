"""The relational analyser (CCRT): episodes, objects, components with evidence, and the case formulation.

Every text here is written for these tests. The rules (objects, clauses, names, the case formulation) are
tested on the word-list coding (``model=False``, no encoder); the classifier's coding of the components is
tested in ``test_analysis_relational_model.py`` (slow: it loads the encoder).
"""

from __future__ import annotations

import pytest

from reverie.analysis.base import REGISTRY, ContextTurn, TextUnit, run
from reverie.analysis.relational import RelationalAnalyzer, learn_names
from reverie.analysis.relational import analyse_text as _analyse_text
from reverie.analysis.relational_case import formulate


def annotate(text: str, context: tuple[ContextTurn, ...] = (), **settings):
    unit = TextUnit(id="u0", text=text, context=context)
    return RelationalAnalyzer(**{"model": False, **settings}).annotate([unit])[0]


def analyse_text(text: str, *args, **kwargs):
    """The word-list coding of one text (``relational.v2``'s components)."""
    return _analyse_text(text, *args, model=kwargs.pop("model", False), **kwargs)


def codes(values) -> tuple:
    return (values["object"], *((values[p] or {}).get("cluster") for p in
                                ("wish", "response_of_other", "response_of_self")))


def test_relational_is_registered_with_its_fields() -> None:
    analyser = REGISTRY.create("relational")
    assert analyser.key == "relational.v7"
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
    analyser = RelationalAnalyzer(model=False)
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
    case = run([RelationalAnalyzer(model=False)], sessions).summaries["relational"].case
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


@pytest.mark.slow
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


# ----- objects: general rules (issue 17) ---------------------------------------------------------------------
@pytest.mark.parametrize("text, obj, names", [
    ("There's a man called Owen who runs our team. On Friday he said my report was wrong. I apologised and "
     "stayed late.", "boss", {"Owen": "boss"}),
    ("Rosa, who I've known since school, cancelled on me again. I wanted her to make time for me. I felt let down.",
     "friend", {"Rosa": "friend"}),
    ("Dev's been my partner for ten years. Yesterday he laughed at my plan and I went quiet.",
     "partner", {"Dev": "partner"}),
])
def test_relational_names_introduced_by_a_role_phrase_in_the_turn(text, obj, names) -> None:
    values = analyse_text(text)
    assert values["episode"] is True and values["object"] == obj and values["object_basis"] == "name"
    assert values["names"] == names


def test_relational_someone_elses_relative_is_not_the_clients() -> None:
    values = analyse_text("My husband was away, and his sister came round and criticised the way I fold towels. "
                          "I just said sorry.")
    assert values["object"] == "other"  # his sister: the client's sister-in-law, not a sibling
    assert analyse_text("I told her my boss had shouted at me and I felt stupid.")["object"] == "boss"


def test_relational_here_and_now_you_is_the_therapist() -> None:
    values = annotate("Just now you yawned while I was talking. I wanted you to care. I went quiet.").values
    assert values["object"] == "therapist" and values["object_basis"] == "you"


def test_relational_pronoun_prefers_a_figure_of_its_gender_to_a_role_word() -> None:
    values = analyse_text("My father was at his desk and the receptionist kept typing. He didn't look up once. "
                          "I felt stupid.")
    assert values["object"] == "father" and values["response_of_other"]["cluster"] == "RO5"


def test_relational_a_name_that_visits_is_guessed_a_friend() -> None:
    values = analyse_text("After the operation Imogen came round with soup and sat with me. I felt cared for.")
    assert values["object"] == "friend" and values["name_guesses"] == {"Imogen": "friend"}


# ----- several episodes in one turn --------------------------------------------------------------------------
TWO = ("My mother criticised my dress and I felt ashamed all through lunch. Then at work my boss ignored my "
       "report in the meeting, and I went quiet for the rest of the day.")


def test_relational_a_turn_telling_two_interactions_gives_two_episodes() -> None:
    annotation = annotate(TWO)
    values, parts = annotation.values, annotation.values["episodes"]
    assert {tuple(c["span"]) for p in parts for c in p["components"]} <= set(map(tuple, annotation.evidence))
    assert [p["object"] for p in parts] == ["mother", "boss"]
    assert [codes(p)[2:] for p in parts] == [("RO5", "RS8"), ("RO5", "RS2")]
    assert parts[0]["span"][1] == parts[1]["span"][0] == TWO.index("Then")
    for p in parts:  # spans are the whole text's, inside the part they belong to
        for c in p["components"]:
            assert TWO[c["span"][0]:c["span"][1]] == c["quote"] and p["span"][0] <= c["span"][0] < p["span"][1]
    assert values["episode"] is True and values["object"] in ("mother", "boss")  # the turn as a whole, as before


@pytest.mark.parametrize("text", [
    "My mother criticised my hair. My father said nothing. I felt ashamed.",  # no transition: one story
    "My mother criticised my hair and I felt ashamed. Then my mother laughed at me and I went quiet.",  # one figure
    "My mother criticised my hair and I felt ashamed. Then I went to work.",  # the second stretch is no episode
])
def test_relational_one_episode_unless_the_text_clearly_separates_two(text: str) -> None:
    assert analyse_text(text)["episodes"] == []


def test_relational_case_counts_each_episode_of_a_turn() -> None:
    case = run([RelationalAnalyzer(model=False)], _sessions([("s1", [TWO])])).summaries["relational"].case
    assert [(e["object"], e["source"], e["part"]) for e in case["episodes"]] == [("mother", "s1:0", 1),
                                                                                 ("boss", "s1:0", 2)]
    assert case["objects"]["mother"]["episodes"] == case["objects"]["boss"]["episodes"] == 1


# ----- display: the CCRT panel and replays as key moments ----------------------------------------------------
def _replay_case():
    sessions = _sessions([
        ("s1", ["My father laughed at my drawing. I felt ashamed.",
                "My boss ignored my email about the deadline. I wanted a reply. I felt anxious all night."]),
        ("s2", ["When you looked at the clock I thought you were bored with me. I felt embarrassed."]),
    ])
    return run([RelationalAnalyzer(model=False)], sessions).summaries["relational"]


def test_relational_session_summary_holds_its_ccrt_and_its_replays() -> None:
    summary = _replay_case()
    s2 = summary.sessions["s2"]
    assert s2["episodes"] == 1 and s2["ccrt"]["response_of_self"]["cluster"] == "RS8"
    replay = next(r for r in s2["replays"] if r["pattern"] == "RO5->RS8")
    assert replay["objects"] == ["boss", "father", "therapist"] and replay["transference"] is True
    assert [b["source"] for b in replay["episodes"]] == ["s2:0"]  # only this session's episodes, quoted


def test_relational_display_gives_the_case_report_and_web_a_panel_and_moments() -> None:
    from reverie.reports.case_report import render_case_report
    from reverie.reports.context import key_moments
    from reverie.reports.context import declared_panels

    summary = _replay_case()
    units = {"s1": ["My father laughed at my drawing. I felt ashamed."], "s2": ["x"]}
    analysis = {"sessions": [{"number": i + 1, "id": i + 1, "summary": {"relational": summary.sessions[sid]},
                              "utterances": [{"annotations": {}, "text": t} for t in units[sid]]}
                             for i, sid in enumerate(("s1", "s2"))]}
    moments = key_moments(analysis)
    hypothesis = [m for m in moments if m["session"] == 2 and m["kind"] == "transference hypothesis"]
    assert hypothesis and "\u201cbored\u201d" in hypothesis[0]["text"] and "therapist" in hypothesis[0]["text"]
    panels = declared_panels(analysis["sessions"])
    panel = next(p for p in panels if p["title"].startswith("Relational patterns"))
    assert [r["session"] for r in panel["rows"]] == [1, 2]
    assert panel["rows"][1]["cells"][1] == "therapist" and "RO5->RS8 with boss, father, therapist" in \
        panel["rows"][1]["cells"][5]
    html = render_case_report({"client": "t1", "sessions": [{"number": s["number"], "summaries": s["summary"]}
                                                            for s in analysis["sessions"]], "key_moments": moments})
    assert "Relational patterns (CCRT) by session" in html and "transference hypothesis" in html


def test_relational_chip_shows_both_figures_of_a_turn() -> None:
    chip = REGISTRY.display("relational").chip_texts(annotate(TWO).values)
    assert chip == [("episodes: mother, boss", "relational")]


def test_relational_a_name_the_client_speaks_to_is_the_therapist() -> None:
    assert learn_names("Thank you, Imelda. It helped.") == {"Imelda": "therapist"}
    assert learn_names('My mother said, "Look, Imelda, you never listen."') == {}  # reported speech
    case = run([RelationalAnalyzer(model=False)], _sessions([
        ("s1", ["Sorry, Imelda, I know it's late."]),
        ("s2", ["Imelda ignored my email last week and I felt stupid."]),
    ])).summaries["relational"].case
    assert [e["object"] for e in case["episodes"]] == ["therapist"]
