"""The component classifier of ``relational``: which CCRT cluster a clause expresses, from its sentence embedding.

Word lists grown on one writer's phrasing did not carry to the next (``relational.v2``: kappa 0.10-0.23 on
an unseen set). This classifier reads each candidate clause (a wish, a clause whose subject is a figure, a
clause whose subject is the client) as its MiniLM sentence embedding plus the word lists' cues for that
component, and gives a probability per cluster, and per "none" for the responses (a clause that tells no
response: "she lives near the station"). One multinomial logistic regression per component, trained by
``scripts/train_relational.py`` on clauses the project wrote (``tests/data/ccrt_train_clauses.jsonl``) and
shipped as ``resources/relational/components.json``.

The encoder and the weights load on first use (never at import). Tests swap the encoder with
:func:`set_encoder` to run without the model.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import Any

import numpy as np

from reverie.analysis import relational_lexicon as lex
from reverie.errors import ModelError

Encoder = Callable[[Sequence[str]], np.ndarray]  # texts -> (n, d) unit-length rows

PARTS = ("wish", "response_of_other", "response_of_self")
NONE = "none"
NONE_AT = 0.5  # a clause at least this likely "none" tells no response ("I wanted to ask you...": no wish)
# A response the word lists do not also place counts toward finding an episode only from this probability on
# (0.5 .. 0.7 compared on the check set, holdout v2 and the demo's turns: lower finds more, higher fewer false ones)
SURE = 0.5
MODEL_FILE = "components.json"
_TABLES = {"wish": lex.WISHES, "response_of_other": lex.RESPONSES_OF_OTHER, "response_of_self": lex.RESPONSES_OF_SELF}
_CUES = {part: [(cid, re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in ((pats,) if isinstance(pats, str) else pats)) + ")", re.IGNORECASE))
                for cid, pats in sorted(table.items())] for part, table in _TABLES.items()}

_lock = threading.Lock()
_state: dict[str, Any] = {"encoder": None, "model": None}


def set_encoder(encoder: Encoder | None) -> None:
    """Use ``encoder`` instead of MiniLM (tests); None goes back to MiniLM."""
    with _lock:
        _state["encoder"] = encoder


def embed_minilm(texts: Sequence[str]) -> np.ndarray:
    """Unit-length MiniLM sentence embeddings (the encoder shared with risk, defenses and themes)."""
    from reverie.analysis.encoder import minilm
    return np.asarray(minilm().encode(list(texts), batch_size=32, normalize_embeddings=True,
                                      show_progress_bar=False), dtype=np.float64)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Embeddings of ``texts``: those ``batch`` encoded ahead are taken from it, the rest encoded now."""
    cache, collect = _batch().get("cache"), _batch().get("collect")
    if collect is not None:  # first pass of a batch: note the clauses, answer with zeros
        collect.update(texts)
        return np.zeros((len(texts), _WIDTH))
    late = _batch().get("late")
    if late is not None:  # second pass: note what the first could not foresee (it depends on the first codes)
        late.update(t for t in texts if t not in cache)
        return np.array([cache.get(t, np.zeros(_WIDTH)) for t in texts]).reshape(len(texts), -1)
    missing = [t for t in texts if cache is None or t not in cache]
    found: dict[str, np.ndarray] = dict(cache or {})
    if missing:
        encoder = _state["encoder"] or embed_minilm
        found.update(zip(missing, np.asarray(encoder(list(missing)), dtype=np.float64).reshape(len(missing), -1)))
    return np.array([found[t] for t in texts]).reshape(len(texts), -1)


_WIDTH = 384
_local = threading.local()


def _batch() -> dict[str, Any]:
    """This thread's batch: web jobs and corpus workers may analyse in parallel threads, and one thread's batch
    must never answer (or clear) another's."""
    if not hasattr(_local, "batch"):
        _local.batch = {}
    return _local.batch


@contextmanager
def batch(run_rules: Callable[[], Any]) -> Iterator[None]:
    """Encode a batch of texts' clauses in one go: ``run_rules`` is run once with the encoder answering zeros
    (which notes every clause the texts will ask for), then every noted clause is encoded together (and,
    after a second run, the texts that depend on the first codes), and the body runs with those embeddings at
    hand. One encoder call for many short clauses is several times
    faster than one call per text."""
    state = _batch()
    state.clear()
    state["collect"] = set()
    try:
        run_rules()
        texts = sorted(state.pop("collect"))
        encoder = _state["encoder"] or embed_minilm
        state["cache"] = dict(zip(texts, np.asarray(encoder(texts), dtype=np.float64).reshape(len(texts), -1))) \
            if texts else {}
        # since relational.v6 an object's clauses are also read together, a text known only once the clauses
        # are coded: a second run notes those texts, and they are encoded in one more call
        state["late"] = set()
        run_rules()
        late = sorted(state.pop("late"))
        if late:
            state["cache"].update(zip(late, np.asarray(encoder(late), dtype=np.float64).reshape(len(late), -1)))
        yield
    finally:
        state.clear()


def cues(part: str, text: str) -> np.ndarray:
    """The word lists' vote for each cluster of ``part`` in a clause: 1 where a cue of that cluster is in it."""
    return np.array([1.0 if p.search(text) else 0.0 for _, p in _CUES[part]])


def features(part: str, texts: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
    """A clause's features for ``part``: its sentence embedding, then the word lists' cues."""
    emb = embed(texts) if embeddings is None else embeddings
    return np.hstack([emb, np.array([cues(part, t) for t in texts]).reshape(len(texts), -1)])


def model_path() -> Any:
    return resources.files("reverie") / "resources" / "relational" / MODEL_FILE


def load_model() -> dict[str, Any]:
    """The shipped weights, checked: ``{part: {"classes", "coef" (k x d), "intercept"}}`` plus metadata."""
    with _lock:
        if _state["model"] is None:
            path = model_path()
            try:
                raw = path.read_bytes()
                data = json.loads(raw)
                parts = {p: {"classes": list(data["parts"][p]["classes"]),
                             "coef": np.array(data["parts"][p]["coef"], dtype=np.float64),
                             "intercept": np.array(data["parts"][p]["intercept"], dtype=np.float64)} for p in PARTS}
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ModelError(f"the relational component model cannot be read: {path} ({exc})",
                                 hint="run scripts/train_relational.py") from None
            _state["model"] = {"parts": parts, "sha256": hashlib.sha256(raw).hexdigest(),
                               "trained_on": data.get("trained_on", {})}
        return _state["model"]


def probabilities(part: str, x: np.ndarray) -> list[dict[str, float]]:
    """Per row of features, the probability of each cluster (and "none") of ``part``."""
    head = load_model()["parts"][part]
    if x.shape[1] != head["coef"].shape[1]:
        raise ModelError(f"relational model expects {head['coef'].shape[1]} features, got {x.shape[1]}",
                         hint="the encoder or the word lists changed: run scripts/train_relational.py")
    logits = x @ head["coef"].T + head["intercept"]
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return [dict(zip(head["classes"], map(float, row))) for row in p]


def classify(items: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
    """Probabilities for ``(part, clause text)`` pairs, encoding every clause once."""
    if not items:
        return []
    texts = sorted({t for _, t in items})
    emb = dict(zip(texts, embed(texts)))
    out: list[dict[str, float] | None] = [None] * len(items)
    for part in PARTS:
        idx = [i for i, (p, _) in enumerate(items) if p == part]
        if idx:
            rows = [items[i][1] for i in idx]
            probs = probabilities(part, features(part, rows, np.array([emb[t] for t in rows])))
            for i, pr in zip(idx, probs):
                out[i] = pr
    return [o or {} for o in out]
