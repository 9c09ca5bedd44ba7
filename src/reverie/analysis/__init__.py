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

__all__ = [
    "REGISTRY", "Analyzer", "BaseAnalyzer", "ContextTurn", "ResultCache", "RunResult", "SessionUnits",
    "Setting", "Summary", "TextUnit", "register", "run",
]
