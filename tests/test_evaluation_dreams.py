"""Scoring the dream coder against human HVdC codes: a tiny DreamBank XML written for the test, metrics by hand."""

from __future__ import annotations

import json

import pytest

from reverie.cli import main
from reverie.domain import Annotation
from reverie.errors import IngestError
from reverie.evaluation import dreams as ev

TINY = """<?xml version='1.0' encoding='utf-8'?>
<dreambank>
<collection><id>col-a</id><name>A</name><sex>F</sex><age>A</age>
 <dream><number>1</number><codings>
   <char>1MKA</char><char>1FSA</char>
   <agg><code>2&gt;</code><init>D</init><rec>1MKA</rec></agg>
   <emot><code>AP</code><char>D</char></emot>
  </codings><report>My friend Tom shouted at me in a shop and a woman watched. I was scared.</report></dream>
 <dream><number>2</number><codings>
   <char>1FMA</char>
   <fri><code>4&gt;</code><init>D</init><rec>1FMA</rec></fri>
   <emot><code>HA</code><char>D</char></emot>
   <succ><char>D</char></succ>
  </codings><report>I gave my mother a present and finally managed to fix her clock. I was happy.</report></dream>
</collection>
<collection><id>col-b</id><name>B</name><sex>M</sex><age>A</age>
 <dream><number>3</number><codings>
   <char>1MSA</char><char>2JSA</char><char>1ANI</char>
   <mf><code>5</code><char>D</char></mf>
   <fail><char>D</char></fail>
  </codings><report>A man and some people watched as a dog bit my leg. I tried to run but couldn't.</report></dream>
 <dream><number>4</number><codings><char>1MSA</char></codings></dream>
</collection>
</dreambank>
"""

# what the stub coder "finds" in dreams 1-3
PRED = [
    {"characters": [{"code": "1MKA"}], "aggression": [{"code": "2>", "init": "D", "rec": "1MKA"}],
     "emotions": [{"code": "AP", "char": "D"}, {"code": "AN", "char": "D"}]},
    {"characters": [{"code": "1FMA"}, {"code": "1MSA"}], "emotions": [{"code": "HA", "char": "D"}],
     "successes": [{"char": "D"}]},
    {"characters": [{"code": "1MSA"}, {"code": "2JSA"}, {"code": "1ANI"}], "misfortunes": [{"code": "5", "char": "D"}],
     "aggression": [{"code": "6>", "init": "1MSA", "rec": "D"}]},
]


class StubCoder:
    def annotate(self, units):
        return [Annotation("dreams", "1", u.id, {f: [] for f in ev.FAMILIES} | PRED[i], []) for i, u in enumerate(units)]


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.xml"
    path.write_text(TINY, encoding="utf-8")
    return path


def test_evaluation_dreams_loads_codes_and_skips_dreams_without_report(tiny):
    dreams = ev.load_dreams(tiny)
    assert [(d.collection, d.sex, d.number) for d in dreams] == [("col-a", "F", "1"), ("col-a", "F", "2"), ("col-b", "M", "3")]
    assert dreams[0].codes["aggression"] == [{"code": "2>", "init": "D", "rec": "1MKA"}]
    assert dreams[2].codes["misfortunes"] == [{"char": "D", "code": "5"}] and dreams[2].codes["failures"] == [{"char": "D"}]


def test_evaluation_dreams_metrics_worked_by_hand(tiny):
    r = ev.evaluate(ev.load_dreams(tiny), analyzer=StubCoder())
    assert r["n"] == 3
    p = r["presence"]
    # aggression gold T F F, predicted T F T: P 1/2, R 1, F1 2/3
    assert p["aggression"]["precision"] == 0.5 and p["aggression"]["recall"] == 1.0
    assert p["aggression"]["f1"] == pytest.approx(2 / 3)
    assert p["friendliness"]["f1"] == 0.0 and p["anger"]["f1"] == 0.0  # one missed, one false alarm
    for cat in ("apprehension", "happiness", "misfortune", "success"):
        assert p[cat]["f1"] == 1.0
    assert p["failure"]["recall"] == 0.0
    # categories never present on either side score 0 and count in the macro average (as scikit-learn does)
    assert r["presence_macro_f1"] == pytest.approx((2 / 3 + 4) / 11)
    # characters gold 2 1 3, predicted 1 2 3: r = 1 / sqrt(2 * 2) = 0.5, MAE = 2/3
    assert r["characters"]["r"] == pytest.approx(0.5) and r["characters"]["mae"] == pytest.approx(2 / 3)
    # per collection: col-a gold 2 1, predicted 1 2 (r -1, MAE 1); col-b one dream (r undefined)
    assert r["characters_by_collection"]["col-a"]["r"] == pytest.approx(-1.0)
    assert r["characters_by_collection"]["col-a"]["mae"] == 1.0
    assert r["characters_by_collection"]["col-b"]["r"] is None and r["characters_by_collection"]["col-b"]["mae"] == 0.0
    # only col-a's human counts vary: the comparable figures are col-a's
    assert r["characters_comparable"]["collections"] == ["col-a"]
    assert r["characters_comparable"]["r"] == pytest.approx(-1.0)
    mf = r["indicators"]["col-a"]["Male/Female %"]
    assert mf["human"] == pytest.approx(1 / 3) and mf["reverie"] == pytest.approx(2 / 3)
    assert mf["abs_error"] == pytest.approx(1 / 3)
    assert r["indicators"]["col-b"]["Animal %"]["abs_error"] == 0.0


def test_evaluation_dreams_pearson_undefined_for_constant_counts():
    assert ev.pearson([1, 1, 1], [1, 2, 3]) is None
    assert ev.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)


def test_cli_eval_dreams_json_contract(tiny, capsys):
    assert main(["eval", "dreams", "--data", str(tiny), "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["n"] == 3
    assert set(r["presence"]) == {"aggression", "friendliness", "sexuality", "anger", "apprehension", "sadness",
                                  "confusion", "happiness", "misfortune", "success", "failure"}
    assert {"precision", "recall", "f1"} <= set(r["presence"]["aggression"])
    assert 0.0 <= r["presence_macro_f1"] <= 1.0 and set(r["characters"]) >= {"r", "mae"}
    assert set(r["indicators"]) == {"col-a", "col-b"}
    assert set(r["indicators"]["col-a"]["Male/Female %"]) == {"human", "reverie", "abs_error"}
    # the real coder finds the scared dreamer of dream 1 (apprehension is right there in the text)
    assert r["presence"]["apprehension"]["recall"] == 1.0


def test_cli_eval_dreams_bad_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.xml"
    bad.write_text("<dreambank><collection>", encoding="utf-8")
    assert main(["eval", "dreams", "--data", str(bad)]) == 2
    assert "bad.xml" in capsys.readouterr().err
    with pytest.raises(IngestError):
        ev.load_dreams(tmp_path / "missing.xml")
