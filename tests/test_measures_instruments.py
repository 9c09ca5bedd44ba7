"""Instrument definitions: the shipped set, their required fields, licensed item text."""

from __future__ import annotations

import pytest

from reverie.errors import IngestError, ScoringError
from reverie.measures.instruments import get_instrument, list_instruments, load_item_text

IDS = ["phq9", "gad7", "scs_sf", "rfq8", "core10", "wai_sr", "dsq40", "lpfs_bf", "depth_checkin"]
LICENSED = {"core10", "wai_sr", "dsq40", "lpfs_bf"}


def test_instruments_list_has_every_id_in_order():
    assert [i.id for i in list_instruments()] == IDS


def test_instruments_unknown_id_hint_lists_ids():
    with pytest.raises(ScoringError) as info:
        get_instrument("bdi2")
    assert "phq9" in info.value.hint and "depth_checkin" in info.value.hint


@pytest.mark.parametrize("inst_id,n_items,low,high", [
    ("phq9", 9, 0, 3), ("gad7", 7, 0, 3), ("scs_sf", 12, 1, 5), ("rfq8", 8, 1, 7), ("core10", 10, 0, 4),
    ("wai_sr", 12, 1, 5), ("dsq40", 40, 1, 9), ("lpfs_bf", 12, 1, 4), ("depth_checkin", 4, 1, 5),
])
def test_instruments_shape_matches_the_published_forms(inst_id, n_items, low, high):
    inst = get_instrument(inst_id)
    assert (inst.n_items, inst.min_value, inst.max_value) == (n_items, low, high)
    assert inst.citation and inst.licence


@pytest.mark.parametrize("inst_id", IDS)
def test_instruments_item_text_only_where_the_licence_allows(inst_id):
    inst = get_instrument(inst_id)
    if inst_id in LICENSED:
        assert inst.items == [None] * inst.n_items and inst.item_text_notice
    else:
        assert inst.has_item_text


def test_instruments_dsq40_factors_cover_each_item_once():
    subs = get_instrument("dsq40").subscales
    items = subs["mature"].items + subs["neurotic"].items + subs["immature"].items
    assert sorted(items) == list(range(1, 41))


def test_instruments_structural_directions():
    assert get_instrument("scs_sf").score_direction("total") == 1
    assert get_instrument("rfq8").score_direction("certainty") == 1
    assert get_instrument("rfq8").score_direction("uncertainty") == -1
    assert get_instrument("lpfs_bf").score_direction("total") == -1
    assert get_instrument("dsq40").score_direction("immature") == -1
    assert get_instrument("wai_sr").score_direction("total") == 1


def test_instruments_load_item_text_from_a_text_file(tmp_path):
    path = tmp_path / "wai.txt"
    path.write_text("\n".join(f"Statement number {n} about our work together" for n in range(1, 13)) + "\n")
    inst = load_item_text("wai_sr", path)
    assert inst.items[11] == "Statement number 12 about our work together" and inst.item_text_notice is None
    assert get_instrument("wai_sr").items[0] is None  # the shipped definition is untouched


def test_instruments_load_item_text_from_yaml(tmp_path):
    path = tmp_path / "core.yaml"
    path.write_text("items:\n" + "".join(f"  - Item {n} wording\n" for n in range(1, 11)))
    assert load_item_text("core10", path).items[0] == "Item 1 wording"


def test_instruments_load_item_text_rejects_a_wrong_count(tmp_path):
    path = tmp_path / "wai.txt"
    path.write_text("\n".join(f"Statement {n}" for n in range(1, 12)))
    with pytest.raises(IngestError, match="12 items but the file holds 11"):
        load_item_text("wai_sr", path)
