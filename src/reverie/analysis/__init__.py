"""Analysers: the contract and runner in ``base``, one module per analyser."""

from reverie.analysis.base import (
    REGISTRY,
    Analyzer,
    BaseAnalyzer,
    ContextTurn,
    ResultCache,
    RunResult,
    SessionUnits,
    Setting,
    Summary,
    TextUnit,
    register,
    run,
)
from reverie.analysis.display import Chip, Column, Display, Panel, ProgressMarker

__all__ = [
    "REGISTRY", "Analyzer", "BaseAnalyzer", "ContextTurn", "ResultCache", "RunResult", "SessionUnits",
    "Setting", "Summary", "TextUnit", "register", "run", "Chip", "Column", "Display", "Panel", "ProgressMarker",
]
