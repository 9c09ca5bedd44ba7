"""Shared by the relational tests: a stand-in for the component classifier's sentence encoder (no model loaded)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from reverie.analysis import relational_model as rm


@pytest.fixture
def stub_encoder() -> Iterator[Callable[[list[str]], np.ndarray]]:
    """A fixed, deterministic 384-d encoder: each text hashed to a unit vector."""
    def encode(texts: list[str]) -> np.ndarray:
        rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=384)
                for t in texts]
        return np.array([r / np.linalg.norm(r) for r in rows])
    rm.set_encoder(encode)
    yield encode
    rm.set_encoder(None)
