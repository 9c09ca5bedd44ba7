"""The terminal rendering of relationship episodes says which components the analyser is sure of."""

from __future__ import annotations

from rich.console import Console

from reverie.reports.terminal import render_patterns


def _part(cluster: str, label: str, quote: str, grounded: bool) -> dict:
    return {"cluster": cluster, "label": label, "valence": "negative", "quote": quote, "grounded": grounded}


def test_terminal_patterns_mark_a_component_the_analyser_is_not_sure_of_as_tentative() -> None:
    episode = {"source": "s2:4", "part": None, "object": "boss", "wish": None,
               "response_of_other": _part("RO5", "rejecting and opposing", "she ignored my email", True),
               "response_of_self": _part("RS8", "anxious and ashamed", "I had over-prepared", False)}
    console = Console(width=400, record=True)
    render_patterns(console, {"episodes": [episode], "ccrt": {}, "replays": []})
    out = console.export_text()
    assert "RO5 rejecting and opposing (n): “she ignored my email”" in out
    assert "RS8 anxious and ashamed (n, tentative): “I had over-prepared”" in out
