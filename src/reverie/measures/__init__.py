"""Questionnaires, change statistics and the feeling-better vs getting-better picture (pure functions).

Reading questionnaire files is in ``ingest.questionnaires``; the progress plot is in ``reports.charts``.
"""

from reverie.measures.change import (
    Event,
    ReliableChange,
    classify,
    clinical_significance,
    rc_cutoff,
    reliable_change,
    s_diff,
    sudden_gains,
)
from reverie.measures.fhir import to_fhir_bundle, validate_fhir
from reverie.measures.instruments import INSTRUMENT_IDS, Instrument, get_instrument, list_instruments, load_item_text
from reverie.measures.progress import CLASSES, MARKER_WEIGHTS, progress
from reverie.measures.scoring import Score, parse_answers, score

__all__ = [
    "CLASSES", "Event", "INSTRUMENT_IDS", "Instrument", "MARKER_WEIGHTS", "ReliableChange", "Score", "classify",
    "clinical_significance", "get_instrument", "list_instruments", "load_item_text", "parse_answers", "progress",
    "rc_cutoff", "reliable_change", "s_diff", "score", "sudden_gains", "to_fhir_bundle",
    "validate_fhir",
]
