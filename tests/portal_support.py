"""Shared by the portal tests: a stand-in for the risk screen's sentence encoder, so no model is loaded."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from reverie.analysis import risk_semantic


def stub_encoder(texts: list[str]) -> np.ndarray:
    """Hashed word counts, unit length: deterministic and instant (the rules still find plain risk words)."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in t.lower().split():
            out[i, sum(map(ord, w)) % 64] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture
def no_model() -> Iterator[None]:
    risk_semantic.set_encoder(stub_encoder)
    yield
    risk_semantic.set_encoder(None)
