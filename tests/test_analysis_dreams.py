"""The dream coder, family by family, on short dreams written for the tests; the indicators and Cohen's h
on codes worked out by hand; the analyser in the registry and through a workspace."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from reverie.analysis.base import REGISTRY, TextUnit
from reverie.analysis.dream_coder import code_dream
from reverie.analysis.dream_indicators import cohens_h, counts, h_profile, indicators, presence, sampling_bound
from reverie.analysis.dreams import DreamsAnalyzer
from reverie.domain import Entry


def _codes(items, key="code"):
    return sorted(i[key] for i in items)


def _spans_match(text, items):
    return all(text[i["span"][0]:i["span"][1]] == i["text"] for i in items)


# ----- the code families ---------------------------------------------------------------------------------
def test_dreams_characters_dreamer_excluded_family_named_animals():
    text = "I was at home with my mother and a tall man. My friend Anna came in with her dog."
    c = code_dream(text)
    assert _codes(c["characters"]) == ["1ANI", "1FKA", "1FMA", "1MSA"]  # no code for the dreamer ("I")
    anna = next(i for i in c["characters"] if i["code"] == "1FKA")
    assert anna["text"] == "friend Anna"
    assert _spans_match(text, c["characters"])


@pytest.mark.parametrize("text, code", [
    ("His mother was there.", "1FKA"),  # someone else's mother: known, not the dreamer's family
    ("Some people were dancing.", "2JSA"),
    ("A ghost floated by.", "1CZZ"),
    ("The lifeguard waved from the tower.", "1IOA"),  # an occupation (added in dreams.v3)
    ("A man came in, then another man.", None),  # "another" makes a second character
])
def test_dreams_character_codes(text, code):
    chars = code_dream(text)["characters"]
    if code is None:
        assert len(chars) == 2
    else:
        assert _codes(chars) == [code]


def test_dreams_clergy_title_is_not_family():
    # "Father Tobin" is a priest known by name (as names are coded), "my father" stays the dreamer's father
    assert _codes(code_dream("Father Tobin blessed the boat.")["characters"]) == ["1MKA"]
    assert _codes(code_dream("Later my father Tobin laughed.")["characters"]) == ["1MFA"]


def test_dreams_a_name_after_a_sentence_end_is_another_character():
    # the name opens the next sentence: two characters, not "my father" named Anna
    assert len(code_dream("I saw my father. Anna ran to the car.")["characters"]) == 2
    assert len(code_dream("I saw my friend Anna at the car.")["characters"]) == 1


def test_dreams_the_dreamers_father_named_twice_is_one_character():
    # "my father … my dad": one father (and one mother, husband, wife); someone else's dad is another person
    assert _codes(code_dream("My father was there, and later my dad drove off.")["characters"]) == ["1MFA"]
    assert len(code_dream("My father waved. His dad shouted.")["characters"]) == 2
    assert len(code_dream("My brother came, then my older brother Tom.")["characters"]) >= 2  # brothers: many


def test_dreams_a_surname_and_a_bare_dad_are_no_new_characters():
    # dreams.v5: "Paul Robeson" is one person; "Dad" with a capital and no owner is the dreamer's father
    chars = code_dream("We went to hear Paul Robeson sing.")["characters"]
    assert _codes(chars) == ["1MKA"] and chars[0]["text"] == "Paul"
    assert len(code_dream("I saw Anna and Paul at the lake.")["characters"]) == 2  # two names, "and" between
    assert len(code_dream("We saw Milton Berle on stage. Later Berle waved.")["characters"]) == 1  # the surname again
    assert code_dream("I drove a red Jaguar to work.")["characters"] == []  # a make of car
    assert _codes(code_dream("My father was fishing. Dad waved at me.")["characters"]) == ["1MFA"]
    assert len(code_dream("My father waved. Her dad shouted.")["characters"]) == 2  # someone else's dad


def test_dreams_the_person_named_again_with_the_is_no_new_character():
    # dreams.v5: "someone … the man", "a woman … the lady": the one already there
    assert _codes(code_dream("Someone knocked. I opened and the man walked in.")["characters"]) == ["1IUA"]
    assert _codes(code_dream("A woman sat down. Then the lady sang.")["characters"]) == ["1FSA"]
    # another sex, or an indefinite article, is someone new
    assert len(code_dream("A woman sat down. Then the man sang.")["characters"]) == 2
    assert len(code_dream("A woman sat down. Then a lady sang.")["characters"]) == 2


def test_dreams_your_father_said_to_the_dreamer_is_the_dreamers_father():
    # dreams.v5: in speech someone else says to the dreamer, "your" is the dreamer's
    assert _codes(code_dream('The nurse said, "Your father is here."')["characters"]) == ["1FOA", "1MFA"]
    assert _codes(code_dream('"Your mother is here," the nurse said.')["characters"]) == ["1FMA", "1FOA"]
    # the dreamer speaking, or "your" outside speech: someone else's mother, known
    assert _codes(code_dream('I asked the boy, "Where is your mother?"')["characters"]) == ["1FKA", "1MSC"]
    assert _codes(code_dream('"Your mother is here," I told him.')["characters"]) == ["1FKA"]


def test_dreams_a_proper_name_that_is_not_a_person_is_no_character():
    # "Haydn Hall" is a building: its second word is not a person's name (a known first name still is)
    assert code_dream("We met in the snack bar of Haydn Hall with nobody.")["characters"] == []
    assert _codes(code_dream("Later Aunt Mary Anne came by.")["characters"]) != []
    # a first name before a place word names the place (dreams.v4): "Marshall Field", "Lincoln Park"
    assert code_dream("We went shopping at Marshall Field and then to Lincoln Park.")["characters"] == []
    assert _codes(code_dream("We went shopping with Marshall at the mall.")["characters"]) == ["1MKA"]


def test_dreams_a_group_of_people_is_one_group_character():
    # "a group of girls": one plural character with the girls' sex (dreams.v4), not a group and the girls
    assert _codes(code_dream("A group of girls stood by the gate.")["characters"]) == ["2FSC"]
    assert _codes(code_dream("A crowd of men and a dog ran past.")["characters"]) == ["1ANI", "2MSA"]
    # "of" after something that is not a group keeps both characters
    assert len(code_dream("The mother of the boy waved.")["characters"]) == 2


def test_dreams_an_animal_word_used_as_a_verb_is_no_animal():
    # "to fly", "I duck": verbs, no animal character (dreams.v4); "a fly", "the bear": animals
    assert code_dream("I wanted to fly over the hills, and I duck under a branch.")["characters"] == []
    assert _codes(code_dream("A fly landed on the table and the bear watched it.")["characters"]) == ["1ANI", "1ANI"]


def test_dreams_aggression_initiator_recipient_and_intensity():
    text = "A man chased me down the street. Then I yelled at him."
    agg = code_dream(text)["aggression"]
    assert [(a["code"], a["init"], a["rec"]) for a in agg] == [("7>", "1MSA", "D"), ("2>", "D", "1MSA")]
    assert _spans_match(text, agg)


def test_dreams_friendliness_and_sexuality_roles():
    c = code_dream("I hugged my sister. Later a boy kissed me.")
    assert [(a["code"], a["init"], a["rec"]) for a in c["friendliness"]] == [("6>", "D", "1FTA")]
    assert [(a["code"], a["init"], a["rec"]) for a in c["sexuality"]] == [("3>", "1MSC", "D")]


def test_dreams_sexuality_and_friendliness_need_no_recipient_but_a_physical_attack_does():
    # dreams.v4: being naked or attracted, waving or helping, is coded with whoever is there or not
    assert code_dream("I was naked in the hall.")["sexuality"]
    assert code_dream("I was attracted to him at once.")["sexuality"]
    assert [a["init"] for a in code_dream("I helped out at the party.")["friendliness"]] == ["D"]
    assert code_dream("I pushed the curtain aside.")["aggression"] == []  # nobody it is done to
    assert code_dream("I walked along the shore.")["sexuality"] == []


def test_dreams_more_aggression_and_friendliness_cues():
    # dreams.v4: verbal aggression (mocked), an attack (punched), a capture (kidnap); affection (held hands)
    c = code_dream("My brother mocked me. The men tried to kidnap me. We held hands.")
    assert [(a["code"], a["init"], a["rec"]) for a in c["aggression"]] == [("2>", "1MBA", "D"), ("7>", "2MSA", "D")]
    assert [a["code"] for a in c["friendliness"]] == ["6>"]
    # rejection and coercion (3): hanging up on someone, insisting
    agg = code_dream("I hung up on my sister. The teacher insisted that I stay.")["aggression"]
    assert [(a["code"], a["init"], a["rec"]) for a in agg] == [("3>", "D", "1FTA"), ("3>", "1IOA", "D")]


def test_dreams_more_emotion_and_misfortune_cues():
    # dreams.v4: anger (pissed), apprehension (frantic), sadness (felt hurt); an illness, a painful foot
    c = code_dream("I was pissed. Later I was frantic. Then I felt hurt.")
    assert [e["code"] for e in c["emotions"]] == ["AN", "AP", "SD"]
    mf = code_dream("I had a fever and my foot was painful.")["misfortunes"]
    assert [(m["code"], m["char"]) for m in mf] == [("5", "D"), ("5", "D")]
    # a forced act and mockery are aggression, with their initiator
    agg = code_dream("The teacher forced me to leave. My sister made fun of me.")["aggression"]
    assert [(a["code"], a["init"], a["rec"]) for a in agg] == [("3>", "1IOA", "D"), ("2>", "1FTA", "D")]


def test_dreams_a_death_someone_causes_or_a_hospital_is_no_misfortune():
    # dreams.v4, as HVdC codes them: killing is aggression (8), a hospital is a place, a death in the dream and
    # a mishap (a mistake, spilled milk: 1) are misfortunes
    c = code_dream("A man killed my dog. I visited my aunt in the hospital.")
    assert c["misfortunes"] == [] and [a["code"] for a in c["aggression"]] == ["8>"]
    assert [(m["code"], m["char"]) for m in code_dream("My grandmother died.")["misfortunes"]] == [("6", "1FRA")]
    mf = code_dream("I made a mistake and spilled the milk.")["misfortunes"]
    assert [(m["code"], m["char"]) for m in mf] == [("1", "D"), ("1", "D")]


def test_dreams_a_pronoun_after_the_verb_is_not_its_own_subject():
    # "a man punched him": "him" is the brother named before, not the man himself (dreams.v4)
    agg = code_dream("My brother was there and then a man punched him.")["aggression"]
    assert [(a["code"], a["init"], a["rec"]) for a in agg] == [("6>", "1MSA", "1MBA")]
    agg = code_dream("A man hurt himself.")["aggression"]
    assert [(a["code"], a["init"]) for a in agg] == [("6*", "1MSA")]  # a reflexive stays reflexive


def test_dreams_a_relative_clause_of_the_dreamer_does_not_make_the_dreamer_the_subject():
    # dreams.v5: "a man I knew yelled at me": the man yells (was coded as the dreamer yelling at the dreamer)
    agg = code_dream("A man I knew yelled at me.")["aggression"]
    assert [(a["code"], a["init"], a["rec"]) for a in agg] == [("2>", "1MSA", "D")]
    agg = code_dream("The woman that I had met at work slapped me.")["aggression"]
    assert [(a["init"], a["rec"]) for a in agg] == [("1FSA", "D")]
    # a negation inside the relative clause does not negate the main verb; one before the main verb does
    agg = code_dream("A man I didn't know yelled at me.")["aggression"]
    assert [(a["code"], a["init"], a["rec"]) for a in agg] == [("2>", "1MSA", "D")]
    assert code_dream("A man I knew didn't yell at me.")["aggression"] == []
    # "he" with no one named before is someone unknown, never the "I" further back (was "2*": the dreamer at himself)
    agg = code_dream("I didn't know why he yelled at me.")["aggression"]
    assert [(a["init"], a["rec"]) for a in agg] == [("Q", "D")]
    assert [(e["code"], e["char"]) for e in code_dream("He was angry. I was sad.")["emotions"]] == [("AN", "Q"), ("SD", "D")]
    # the cue is the relative clause's own verb, or only an adverb comes between: the dreamer acts
    agg = code_dream("When I saw my brother I quickly hit him.")["aggression"]
    assert [(a["init"], a["rec"]) for a in agg] == [("D", "1MBA")]


def test_dreams_passive_voice_makes_the_dreamer_the_victim():
    agg = code_dream("I was attacked by a dog.")["aggression"]
    assert agg[0]["rec"] == "D" and agg[0]["init"] == "1ANI"


def test_dreams_emotions_whose_and_negation():
    c = code_dream("I was scared. My father was angry. I was not sad at all.")
    assert [(e["code"], e["char"]) for e in c["emotions"]] == [("AP", "D"), ("AN", "1MFA")]


def test_dreams_misfortune_codes_and_owner():
    mf = code_dream("I fell down the stairs and was hurt.")["misfortunes"]
    assert [(m["code"], m["char"]) for m in mf] == [("4", "D"), ("5", "D")]
    # dreams.v4: a slip (4), spilled soup (a mishap, 1), a burn (5)
    mf = code_dream("My sister slipped on the ice. The soup spilled. My hand was burned.")["misfortunes"]
    assert [(m["code"], m["char"]) for m in mf] == [("4", "1FTA"), ("1", "D"), ("5", "D")]


def test_dreams_success_and_failure_from_effort():
    assert code_dream("I tried to open the door but couldn't.")["failures"][0]["char"] == "D"
    assert code_dream("I finally managed to climb out of the pit.")["successes"]
    assert not code_dream("I walked to the shop.")["failures"]
    # not finding what one looks for, not solving it (dreams.v4); a negated success word is no success
    assert code_dream("I looked everywhere but I can't find my keys.")["failures"][0]["char"] == "D"
    assert code_dream("She couldn't figure out the code.")["failures"]
    assert code_dream("I pulled at him but didn't succeed.")["failures"]
    assert not code_dream("I pulled at him but didn't succeed.")["successes"]


def test_dreams_settings_indoor_outdoor_familiarity():
    assert _codes(code_dream("We were in my kitchen.")["settings"]) == ["IF"]
    assert _codes(code_dream("I was walking on a strange beach.")["settings"]) == ["OU"]
    assert _codes(code_dream("I was in a big building.")["settings"]) == ["IQ"]
    # one indoor and one outdoor setting at most (dreams.v4): the kitchen is a room of the same house
    text = "I was in my house, then in the kitchen, then out in the garden and on the street."
    assert [s["text"] for s in code_dream(text)["settings"]] == ["house", "garden"]


def test_dreams_a_place_the_dreamer_says_they_never_saw_is_unfamiliar():
    # dreams.v5: the words after the place say it ("never seen" was only read before it, where it never stands)
    assert _codes(code_dream("We were in a house I had never seen.")["settings"]) == ["IU"]
    assert _codes(code_dream("We were in a house that I didn't recognize.")["settings"]) == ["IU"]
    assert _codes(code_dream("We were in a house. I didn't know why.")["settings"]) == ["IQ"]  # another sentence


def test_dreams_objects_by_class():
    objs = code_dream("I held a knife in my hand and looked at the tree.")["objects"]
    assert _codes(objs) == ["BE", "IW", "NA"]


# ----- indicators and h, by hand -------------------------------------------------------------------------
D1 = {"characters": [{"code": "1MKA"}, {"code": "1FSA"}, {"code": "2JSA"}, {"code": "1ANI"}],
      "aggression": [{"code": "7>", "init": "1MSA", "rec": "D"}],
      "friendliness": [{"code": "4>", "init": "D", "rec": "1FKA"}], "sexuality": [],
      "emotions": [{"code": "AP", "char": "D"}, {"code": "HA", "char": "D"}],
      "misfortunes": [{"code": "5", "char": "D"}], "good_fortunes": [], "successes": [{"char": "D"}], "failures": [],
      "settings": [{"code": "IF"}], "objects": [{"code": "BH"}, {"code": "BT"}]}
D2 = {"characters": [{"code": "1MFA"}, {"code": "1MSA"}],
      "aggression": [{"code": "2>", "init": "D", "rec": "1MFA"}],
      "friendliness": [{"code": "6=", "init": "1MKA", "rec": "D"}], "sexuality": [],
      "emotions": [{"code": "SD", "char": "D"}], "misfortunes": [], "good_fortunes": [], "successes": [],
      "failures": [{"char": "D"}], "settings": [{"code": "OU"}], "objects": [{"code": "BE"}]}


def test_dream_indicators_worked_by_hand():
    ind = indicators([D1, D2])
    # humans: 1MKA 1FSA 2JSA 1MFA 1MSA (5); one animal; 6 characters
    assert ind["Male/Female %"] == pytest.approx(3 / 4)
    assert ind["Familiarity %"] == pytest.approx(2 / 5)  # K, F familiar; S, S, S not
    assert ind["Friends %"] == pytest.approx(1 / 5)
    assert ind["Family %"] == pytest.approx(1 / 5)
    assert ind["Group %"] == pytest.approx(1 / 5)
    assert ind["Animal %"] == pytest.approx(1 / 6)
    assert ind["Aggression/Friendliness %"] == pytest.approx(2 / 4)
    assert ind["Aggressor %"] == pytest.approx(1 / 2)  # victim in D1, aggressor in D2
    assert ind["Befriender %"] == 1.0  # the mutual (=) act counts for neither side
    assert ind["Physical Aggression %"] == pytest.approx(1 / 2)
    assert ind["A/C Index"] == pytest.approx(2 / 6) and ind["F/C Index"] == pytest.approx(2 / 6)
    assert ind["S/C Index"] == 0.0
    assert ind["Indoor Setting %"] == 0.5 and ind["Familiar Setting %"] == 0.5
    assert ind["Dreamer-Involved Success %"] == 0.5
    assert ind["Bodily Misfortunes %"] == 1.0
    assert ind["Torso/Anatomy %"] == pytest.approx(1 / 3)
    assert ind["Negative Emotions %"] == pytest.approx(2 / 3)
    assert ind["Self-Negativity %"] == pytest.approx(3 / 4)  # victim + misfortune + failure vs + success
    assert ind["Dreams with ≥ 1 aggression %"] == 1.0 and ind["Dreams with ≥ 1 failure %"] == 0.5


def test_dream_indicators_empty_denominators_are_none():
    ind = indicators([{"characters": []}])
    assert ind["Male/Female %"] is None and ind["A/C Index"] is None
    assert counts([])["dreams"] == 0


def test_dream_presence_per_category():
    p = presence(D2)
    assert p["aggression"] and p["friendliness"] and not p["sexuality"]
    assert p["sadness"] and not p["anger"] and p["failure"] and not p["success"]


def test_dream_cohens_h_by_hand():
    # 2·asin√0.75 − 2·asin√0.48 = 2.0944 − 1.5308
    assert cohens_h(0.75, 0.48) == pytest.approx(0.5636, abs=1e-3)
    assert cohens_h(0.3, 0.3) == 0.0
    assert cohens_h(1.0, 0.0) == pytest.approx(math.pi)
    assert cohens_h(1.4, 0.0) == pytest.approx(math.pi)  # an index above 1 is capped


def test_dream_sampling_bound_takes_the_smaller_tabled_size():
    assert sampling_bound("Male/Female %", 110) == pytest.approx(0.044)  # tabled at 100
    assert sampling_bound("Male/Female %", 300) == pytest.approx(0.016)
    assert sampling_bound("Male/Female %", 24) is None
    assert sampling_bound("Torso/Anatomy %", 300) is None


def test_dream_h_profile_small_sample_gives_no_verdict():
    prof = h_profile([D1, D2], "F")
    assert prof["norms"] == "female" and prof["dreams"] == 2 and prof["warning"]
    row = next(r for r in prof["profile"] if r["indicator"] == "Male/Female %")
    assert row["value"] == 0.75 and row["norm"] == 0.48 and row["h"] == pytest.approx(0.564, abs=1e-3)
    assert row["beyond_chance"] is None


def test_dream_h_profile_verdicts_with_enough_dreams():
    prof = h_profile([D1, D2] * 15, "M")  # 30 dreams: the 25-dream row of the table applies
    rows = {r["indicator"]: r for r in prof["profile"]}
    assert prof["warning"] is None
    mf = rows["Male/Female %"]  # 0.75 vs 0.68, bound 0.136 -> within chance
    assert mf["beyond_chance"] is False and mf["basis"] == "Domhoff sampling deviation"
    fam = rows["Family %"]  # 0.20 vs 0.12 on 75 humans: z bound 1.96·√(.12·.88/75) = 0.074 -> beyond
    assert fam["n"] == 75 and fam["beyond_chance"] is True and fam["basis"].startswith("z-test")


# ----- the analyser ---------------------------------------------------------------------------------------
def test_dreams_analyser_registered_for_dream_entries_only():
    a = REGISTRY.create("dreams")
    assert isinstance(a, DreamsAnalyzer) and a.level == "entry"
    assert a.applies(TextUnit.of("x", kind="dream")) and not a.applies(TextUnit.of("x", kind="reflection"))
    assert not a.applies(TextUnit.of("x"))


def test_dreams_analyser_annotation_fields_and_evidence():
    text = "A man chased me through the woods and I was terrified."
    ann = DreamsAnalyzer(use_model=False).annotate([TextUnit.of(text, kind="dream")])[0]
    v = ann.values
    assert v["characters_count"] == 1 and v["presence"]["aggression"] and v["presence"]["apprehension"]
    assert not v["presence"]["happiness"] and v["presence_score"] is None
    assert (text.index("chased"), text.index("chased") + len("chased")) in ann.evidence
    assert set(DreamsAnalyzer.fields) <= set(v)


def test_dreams_analyser_model_presence_has_scores_and_evidence():
    text = "I was so happy and relieved when my sister hugged me at the party."
    ann = DreamsAnalyzer().annotate([TextUnit.of(text, kind="dream")])[0]
    if ann.values["presence_score"] is None:
        pytest.skip("no presence model shipped in this checkout")
    assert ann.values["presence"]["happiness"] and 0 <= ann.values["presence_score"]["happiness"] <= 1
    for cat, spans in ann.values["presence_evidence"].items():
        assert ann.values["presence"][cat] and spans


def test_dreams_presence_model_refuses_features_it_was_not_trained_on():
    from collections import Counter

    from reverie.analysis.dreams import PresenceModel
    from reverie.errors import ModelError
    n = 11
    model = PresenceModel({"fell": 0}, [1.0], [[1.0]] * n, [[0.5] * 3] * n, [0.0] * n, [0.5] * n, ["model"] * n,
                          [0.5] * n)
    probs, _ = model.scores(Counter({"fell": 1}), [0.0, 0.0, 0.0])
    assert probs[0] == pytest.approx(1 / (1 + math.exp(-1.0)))  # one word, l2-normalised to 1, weight 1
    with pytest.raises(ModelError):
        model.scores(Counter({"fell": 1}), [0.0] * 4)


def test_dreams_analyser_empty_text_gives_empty_values():
    ann = DreamsAnalyzer().annotate([TextUnit.of("   ", kind="dream")])[0]
    assert ann.values["characters"] is None and ann.evidence == []


def test_workspace_dreams_codes_profiles_and_reuses_stored_results(ws):
    ws.add_client("c9", sex="M")
    ws.grant_consent("c9", "analysis")
    ws.add_entries("c9", [
        Entry("c9", datetime(2026, 1, 5, 7, 0), "dream", "A woman chased me across a field and I was afraid.", "Chase",
              shared_with_therapist=True),
        Entry("c9", datetime(2026, 1, 6, 7, 0), "dream", "I was in my kitchen with my brother. We laughed.", "Kitchen",
              shared_with_therapist=True),
        Entry("c9", datetime(2026, 1, 7, 7, 0), "reflection", "Not a dream at all.", "Note", shared_with_therapist=True),
        Entry("c9", datetime(2026, 1, 8, 7, 0), "dream", "A private dream about my uncle.", "Kept", ),
    ])
    first = ws.dreams("c9")
    assert first["dreams"] == 2 and first["norms"] == "male" and first["computed"] == 2
    assert [d["title"] for d in first["coded"]] == ["Chase", "Kitchen"]  # the therapist sees shared dreams only
    assert first["indicators"]["Male/Female %"] == pytest.approx(1 / 2)  # the woman and the brother
    assert first["warning"]
    again = ws.dreams("c9")
    assert again["computed"] == 0 and again["reused"] == 2
    assert again["profile"] == first["profile"]


def test_cli_dreams_json_and_chart(tmp_path, monkeypatch, capsys):
    import json as _json

    import reverie.workspace as rw
    from reverie.cli import main
    monkeypatch.setenv("REVERIE_WORKSPACE", str(tmp_path / "ws"))
    assert main(["init", "--user", "ruth"]) == 0
    with rw.open(tmp_path / "ws", user="ruth") as w:
        w.add_client("k1", sex="F")
        w.grant_consent("k1", "analysis")
        w.add_entries("k1", [Entry("k1", datetime(2026, 2, 1, 6, 0), "dream", "My sister hugged me in a garden.",
                                   "Garden", shared_with_therapist=True)])
    capsys.readouterr()
    chart = tmp_path / "profile.png"
    assert main(["dreams", "--client", "k1", "--json", "--plot", str(chart)]) == 0
    out = _json.loads(capsys.readouterr().out)
    assert out["norms"] == "female" and out["dreams"] == 1
    codes = out["coded"][0]["codes"]
    assert [(f["code"], f["init"], f["rec"]) for f in codes["friendliness"]] == [("6>", "1FTA", "D")]
    assert {r["indicator"] for r in out["profile"]} >= {"Male/Female %", "A/C Index", "Negative Emotions %"}
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["dreams", "--client", "k1", "--plot", str(tmp_path / "profile.txt")]) == 2
    before = chart.read_bytes()
    assert main(["dreams", "--client", "k1", "--plot", str(chart)]) == 2  # an existing file needs --force
    assert main(["dreams", "--client", "k1", "--plot", str(tmp_path / "ws" / "reverie.db.png")]) == 2  # in the workspace
    assert chart.read_bytes() == before and not (tmp_path / "ws" / "reverie.db.png").exists()
    assert main(["dreams", "--client", "k1", "--plot", str(chart), "--force"]) == 0


def test_dream_links_figures_themes_and_relational_pattern_with_both_evidences():
    from reverie.analysis.dream_links import links
    dream = "My mother was shouting at me in a flooded kitchen. I was scared of the water."
    other = "I think of my mom. She yelled at me when I spilled water on the floor."
    found = links(code_dream(dream), [("s1:4", other)])
    by_kind = {(o["kind"], o["label"]): o for o in found}
    fig = by_kind[("figure", "mother")]  # "mom" and "mother" are one figure
    assert dream[slice(*fig["dream_span"])] == "mother" and [other[slice(*s)] for s in fig["other_spans"]] == ["mom"]
    theme = by_kind[("theme", "water")]
    assert other[slice(*theme["other_spans"][0])] == "water" and theme["source"] == "s1:4"
    pattern = by_kind[("relational pattern", "aggression: mother → dreamer")]
    assert dream[slice(*pattern["dream_span"])] == "shouting at"  # the cue phrase (dreams.v4)
    assert "yelled" in [other[slice(*s)] for s in pattern["other_spans"]]
    assert links(code_dream(dream), [("e2", "We drove to the coast on Sunday.")]) == []


def test_dream_links_name_each_side_of_an_interaction_by_its_own_character():
    from reverie.analysis.dream_links import links
    dream = "Someone in a white coat was shouting at my father in a corridor."
    other = "I think of my dad at the factory. The foreman yelled at him every day."
    labels = {o["label"] for o in links(code_dream(dream), [("s2:7", other)]) if o["kind"] == "relational pattern"}
    assert labels == {"aggression: someone → father"}  # not "father → father": the shouter is not the father


def test_dreams_view_lists_each_link_once_with_its_places():
    from reverie.cli.views import _link_lines
    found = [{"kind": "theme", "label": "door", "source": s} for s in ("s1:5", "s2:9", "s2:9")]
    found += [{"kind": "figure", "label": "mother", "source": s} for s in ("s1:1", "s1:2", "s1:3", "s1:4", "s1:5", "e3")]
    found += [{"kind": "relational pattern", "label": "aggression: mother → dreamer", "source": "e3"}]
    assert _link_lines(found) == ["relational pattern aggression: mother → dreamer in e3",
                                  "figure mother in s1:1, s1:2, s1:3, s1:4 and 2 more", "theme door in s1:5, s2:9"]


def test_workspace_dreams_links_to_nearby_entries_only(ws):
    ws.add_client("c7", sex="F")
    ws.grant_consent("c7", "analysis")
    ws.add_entries("c7", [
        Entry("c7", datetime(2026, 3, 1, 7, 0), "dream", "My father chased me through a forest.", "Forest",
              shared_with_therapist=True),
        Entry("c7", datetime(2026, 3, 3, 21, 0), "reflection", "My dad called and we argued again.", "Call",
              shared_with_therapist=True),
        Entry("c7", datetime(2026, 6, 1, 21, 0), "reflection", "My dad visited the forest with me.", "Later",
              shared_with_therapist=True),
    ])
    dream = ws.dreams("c7")["coded"][0]
    sources = {(o["kind"], o["source"]) for o in dream["links"]}
    near_id = ws.entries("c7")[1].id
    assert ("figure", f"e{near_id}") in sources and ("relational pattern", f"e{near_id}") in sources
    assert all(o["source"] == f"e{near_id}" for o in dream["links"])  # three months later is not nearby


def test_dreams_weak_cue_words_are_taken_out_before_presence_and_items():
    from reverie.analysis.dreams import PresenceModel, drop_weak
    text = "I was shocked at the party, then afraid of the dog."
    codes = code_dream(text)
    assert _codes(codes["emotions"]) == ["AP", "AP"]  # the rules read both words as apprehension
    weak = [[] for _ in range(11)]
    weak[4] = ["shocked"]  # apprehension
    drop_weak(codes, weak)
    assert [i["text"] for i in codes["emotions"]] == ["afraid of"]  # only the weak word's item goes
    n = 11
    model = PresenceModel({"zz": 0}, [1.0], [[0.0]] * n, [[0.0] * 14] * n, [-5.0] * n, [0.5] * n, ["rules"] * n,
                          [0.5] * n, weak)
    shocked_only = DreamsAnalyzer().annotate_with(TextUnit.of("I was shocked.", kind="dream"), model).values
    assert not shocked_only["presence"]["apprehension"] and shocked_only["emotions"] == []
    both = DreamsAnalyzer().annotate_with(TextUnit.of(text, kind="dream"), model).values
    assert both["presence"]["apprehension"] and [i["text"] for i in both["emotions"]] == ["afraid of"]
    assert PresenceModel.from_dict(model.to_dict()).weak_cues == weak  # saved and read back with the model
