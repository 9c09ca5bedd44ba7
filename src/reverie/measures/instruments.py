"""Questionnaire definitions, one YAML file each in ``measures/instruments/``.

The YAML is the single source of truth for scoring, bands, change statistics and licensing, so a
clinician can read exactly what Reverie does with the answers. Files are read lazily and cached.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from reverie.errors import IngestError, ScoringError

INSTRUMENT_IDS: tuple[str, ...] = (
    "phq9", "gad7", "scs_sf", "rfq8", "core10", "wai_sr", "dsq40", "lpfs_bf", "depth_checkin",
)


@dataclass
class Subscale:
    """A named group of items, optionally recoded item by item (RFQ-8) and with its own statistics."""

    name: str
    items: list[int]
    recode: dict[int, dict[int, int]] = field(default_factory=dict)  # item -> {answer: value}, else 0
    direction: str = "higher_is_better"
    reliability: float | None = None
    reference_sd: float | None = None


@dataclass
class Instrument:
    """One questionnaire: items, options, scoring rule and the figures change statistics need."""

    id: str
    name: str
    domain: str
    direction: str
    citation: str
    licence: str
    n_items: int
    items: list[str | None]
    item_text_notice: str | None
    options: list[dict[str, Any]]
    reverse_items: list[int]
    subscales: dict[str, Subscale]
    scoring: str
    has_total: bool
    max_missing: int
    missing_method: str
    bands: list[dict[str, Any]]
    clinical_cutoff: float | None
    reliability: float | None
    reference_sd: float | None
    functional_norms: dict[str, float] | None
    change_criterion: str
    points_threshold: float | None
    critical_items: list[dict[str, Any]]
    index_scores: dict[str, float]
    primary: str
    loinc: dict[str, Any] | None
    stem: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def values(self) -> list[int]:
        return [int(o["value"]) for o in self.options]

    @property
    def min_value(self) -> int:
        return min(self.values)

    @property
    def max_value(self) -> int:
        return max(self.values)

    @property
    def has_item_text(self) -> bool:
        return all(t for t in self.items)

    def score_direction(self, score_name: str) -> int:
        """+1 when a higher value of this score is better, -1 when it is worse."""
        if score_name != "total" and score_name in self.subscales:
            direction = self.subscales[score_name].direction
        else:
            direction = self.direction
        return -1 if direction == "lower_is_better" else 1

    def stats(self, score_name: str) -> tuple[float | None, float | None]:
        """(reference SD, reliability) for a score: the subscale's own if declared, else the instrument's."""
        sub = self.subscales.get(score_name)
        if sub is not None and sub.reference_sd is not None:
            return sub.reference_sd, sub.reliability
        return self.reference_sd, self.reliability

    def to_dict(self) -> dict[str, Any]:
        """A summary for listings (``reverie measures list --json``)."""
        return {
            "id": self.id, "name": self.name, "domain": self.domain, "items": self.n_items,
            "options": [f"{o['value']}={o['label']}" for o in self.options],
            "scoring": self.scoring, "subscales": list(self.subscales),
            "item_text": "shipped" if self.has_item_text else "licensed - supply with a file",
            "licence": self.licence, "citation": self.citation,
        }


def _subscale(name: str, spec: dict[str, Any], recodes: dict[str, dict[int, int]]) -> Subscale:
    recode = {int(item): {int(k): int(v) for k, v in recodes[table].items()}
              for item, table in (spec.get("recode") or {}).items()}
    rel = spec.get("reliability") or {}
    sd = spec.get("reference_sd") or {}
    return Subscale(name, [int(i) for i in spec["items"]], recode, spec.get("direction", "higher_is_better"),
                    rel.get("value"), sd.get("value"))


def _build(raw: dict[str, Any]) -> Instrument:
    items = raw.get("items")
    n_items = len(items) if items else int(raw["item_count"])
    recodes = raw.get("recodes") or {}
    change = raw.get("change") or {}
    cutoff = raw.get("clinical_cutoff") or {}
    rel = raw.get("reliability") or {}
    sd = raw.get("reference_sd") or {}
    return Instrument(
        id=raw["id"], name=raw["name"], domain=raw["domain"], direction=raw["direction"],
        citation=" ".join(str(raw["citation"]).split()), licence=" ".join(str(raw["licence"]).split()),
        n_items=n_items, items=list(items) if items else [None] * n_items,
        item_text_notice=raw.get("item_text_notice"), options=list(raw["options"]),
        reverse_items=[int(i) for i in raw.get("reverse_items") or []],
        subscales={name: _subscale(name, spec, recodes) for name, spec in (raw.get("subscales") or {}).items()},
        scoring=raw["scoring"], has_total=raw.get("total", True) is not False,
        max_missing=int(raw["missing"]["max_missing"]), missing_method=raw["missing"]["method"],
        bands=list(raw.get("bands") or []), clinical_cutoff=cutoff.get("value"),
        reliability=rel.get("value"), reference_sd=sd.get("value"),
        functional_norms=raw.get("functional_norms"),
        change_criterion=change.get("criterion", "rci"), points_threshold=change.get("points_threshold"),
        critical_items=list(raw.get("critical_items") or []),
        index_scores={k: float(v) for k, v in (raw.get("index_scores") or {}).items()},
        primary=raw.get("primary", "total"), loinc=raw.get("loinc"), stem=raw.get("stem"), raw=raw,
    )


@lru_cache(maxsize=None)
def _load(instrument_id: str) -> Instrument:
    text = resources.files("reverie.measures").joinpath("instruments", f"{instrument_id}.yaml").read_text("utf-8")
    return _build(yaml.safe_load(text))


def get_instrument(instrument_id: str) -> Instrument:
    """The instrument with this id (a copy: callers may fill in item text without touching the cache)."""
    key = (instrument_id or "").strip().lower().replace("-", "_")
    if key not in INSTRUMENT_IDS:
        raise ScoringError(f"unknown instrument '{instrument_id}'",
                           hint="choose one of: " + ", ".join(INSTRUMENT_IDS))
    return copy.deepcopy(_load(key))


def list_instruments() -> list[Instrument]:
    """Every shipped instrument, in the order of ``INSTRUMENT_IDS``."""
    return [get_instrument(i) for i in INSTRUMENT_IDS]


def _read_item_lines(path: Path, data: str) -> list[str]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        try:
            parsed = json.loads(data) if suffix == ".json" else yaml.safe_load(data)
        except (ValueError, yaml.YAMLError) as exc:
            raise IngestError(str(path), f"cannot parse the file: {exc}",
                              hint="give a list of item texts, or a mapping with an 'items' list") from None
        if isinstance(parsed, dict):
            parsed = parsed.get("items")
        if not isinstance(parsed, list) or not all(isinstance(t, str) for t in parsed):
            raise IngestError(str(path), "expected a list of item texts", field="items",
                              hint="write `items:` followed by one '- text' line per item")
        return [t.strip() for t in parsed]
    return [line.strip() for line in data.splitlines() if line.strip()]


def kept_item_file(workspace: Path, instrument_id: str) -> Path | None:
    """The licensed item text a workspace keeps for an instrument (``instruments/ID.*``), if any."""
    folder = Path(workspace) / "instruments"
    return next(iter(sorted(folder.glob(f"{instrument_id}.*"))), None) if folder.exists() else None


def workspace_instrument(workspace: Path, instrument_id: str) -> Instrument:
    """The instrument with the item text the workspace holds (shipped text, or the practice's licensed copy)."""
    kept = kept_item_file(workspace, get_instrument(instrument_id).id)
    return load_item_text(instrument_id, kept) if kept else get_instrument(instrument_id)


def load_item_text(instrument_id: str, path: str | Path) -> Instrument:
    """The instrument with practice-supplied licensed item text (YAML/JSON list, or a text file one item a line).

    The file must hold exactly one text per item, so a mis-ordered or truncated copy is caught here.
    """
    instrument = get_instrument(instrument_id)
    path = Path(path)
    try:
        data = path.read_text("utf-8")
    except OSError as exc:
        raise IngestError(str(path), f"cannot read the file: {exc.strerror}", hint="check the path") from None
    texts = _read_item_lines(path, data)
    if len(texts) != instrument.n_items:
        raise IngestError(str(path), f"{instrument.name} has {instrument.n_items} items but the file holds {len(texts)}",
                          field="items", hint="one item text per item, in the published order")
    for number, text in enumerate(texts, start=1):
        if not text:
            raise IngestError(str(path), f"item {number} is empty", line=number, field="items")
    instrument.items = texts
    instrument.item_text_notice = None
    return instrument
