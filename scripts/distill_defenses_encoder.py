"""Distil all-mpnet-base-v2's layer 6 into MiniLM's first four layers, the encoder of the ``defenses`` analyser.

    .venv/bin/python scripts/distill_defenses_encoder.py --teacher DIR
        [--data /work/shared/data/psydefconv/train.json] [--out src/reverie/resources/defenses] [--epochs 8]

Why: a head on the token mean of all-mpnet-base-v2's sixth layer reads DMRS levels better than one on
MiniLM's layers 3-4 (macro-F1 1-8 0.254 against 0.229, one head alone, mean of five grouped 5-fold
splits), but that teacher runs at 30-60 turns/s on 2 cores. The student keeps MiniLM's cost (four
layers, 384 wide) and learns to predict the teacher's layer-6 token mean (z-scored per dimension) from
its own layer 3-4 token means through a linear map, by mean squared error. The word embeddings stay
those of the base package; only the four layers change, and only they are shipped (float16).

Data: the PsyDefConv turns that carry no label (the supporters' turns and help-seeker turns outside the
coded set) and their sentences, never a coded turn: the heads' cross-validation on the coded turns
stays honest. Get the teacher with ``scripts/fetch_mpnet_teacher.sh DIR``. Fixed seeds, 2 threads,
about 10 minutes here.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from reverie.analysis.defenses import ENCODER_FILE, MODEL_DIR
from reverie.analysis.encoder import MAX_SEQ_LENGTH, first_layers, token_mean

STUDENT_LAYERS = [3, 4]
TEACHER_LAYER = 6
SETTINGS = {"teacher": f"sentence-transformers/all-mpnet-base-v2, token mean of layer {TEACHER_LAYER}",
            "student": f"all-MiniLM-L6-v2 cut after layer 4, token means of layers {STUDENT_LAYERS}, linear map",
            "loss": "mean squared error against the z-scored teacher", "frozen": "word embeddings",
            "epochs": 4, "batch_size": 32, "lr_layers": 5e-5, "lr_map": 1e-3, "weight_decay": 0.01,
            "warmup": 0.06, "seed": 0,
            "data": "PsyDefConv turns without a label (supporter turns, uncoded help-seeker turns) and their "
                    "sentences of 3+ words"}
SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def cut_model(n_layers: int, max_seq_length: int = MAX_SEQ_LENGTH) -> tuple[Any, Any]:
    """A fresh, trainable copy of MiniLM's first ``n_layers`` layers, with its tokenizer (for distillation)."""
    tokenizer, model = first_layers(n_layers, max_seq_length)
    return tokenizer, copy.deepcopy(model)


def layer_weights(model: Any) -> dict[str, np.ndarray]:
    """The transformer layers' weights of a cut model, as float16 arrays named as in its state dict."""
    return {k: v.detach().numpy().astype(np.float16) for k, v in model.state_dict().items()
            if k.startswith("encoder.layer.")}

def unlabelled_texts(path: Path) -> list[str]:
    """Every dialogue turn that is not a coded turn, plus the sentences of those with several, in a fixed order.

    A text equal to a coded turn up to case and spacing ("thank you.") is left out too.
    """
    raw = json.loads(path.read_text(encoding="utf-8"))
    coded = {normalised(r["current_text"]) for r in raw}
    turns = {t["text"] for r in raw for t in r["dialogue"] if normalised(t["text"]) not in coded}
    texts = set(turns)
    for t in turns:
        sentences = [s.strip() for s in SENTENCE.findall(t) if len(s.split()) >= 3]
        if len(sentences) > 1:
            texts.update(sentences)
    return sorted((t for t in texts if normalised(t) not in coded), key=lambda t: (len(t), t))


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def teacher_features(teacher_dir: Path, texts: list[str]) -> np.ndarray:
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(teacher_dir)
    model = AutoModel.from_pretrained(teacher_dir).eval()
    model.encoder.layer = model.encoder.layer[:TEACHER_LAYER]
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(texts), 64):
            enc = tokenizer(texts[start:start + 64], padding=True, truncation=True, max_length=MAX_SEQ_LENGTH,
                            return_tensors="pt")
            states = model(**enc, output_hidden_states=True).hidden_states[TEACHER_LAYER]
            out[start:start + 64] = token_mean(states, enc["attention_mask"]).numpy()
    return out


def distil(texts: list[str], target: np.ndarray, epochs: int) -> tuple[object, object]:
    """The trained student (MiniLM cut after layer 4) and its linear map onto the z-scored teacher."""
    import torch

    torch.manual_seed(SETTINGS["seed"])
    rng = np.random.default_rng(SETTINGS["seed"])
    tokenizer, student = cut_model(max(STUDENT_LAYERS))
    for p in student.embeddings.parameters():
        p.requires_grad = False
    width = student.config.hidden_size * len(STUDENT_LAYERS)
    mapping = torch.nn.Linear(width, target.shape[1])
    z = torch.tensor((target - target.mean(0)) / (target.std(0) + 1e-4))
    opt = torch.optim.AdamW([{"params": [p for p in student.parameters() if p.requires_grad],
                              "lr": SETTINGS["lr_layers"]},
                             {"params": mapping.parameters(), "lr": SETTINGS["lr_map"]}],
                            weight_decay=SETTINGS["weight_decay"])
    bs = SETTINGS["batch_size"]
    steps = epochs * -(-len(texts) // bs)
    warm = SETTINGS["warmup"] * steps
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / warm) * max(0.0, (steps - s) / steps))
    started = time.time()
    student.train()
    for epoch in range(epochs):
        order = rng.permutation(len(texts))
        # batches of similar length (less padding), visited in random order
        chunks = [sorted(order[i:i + bs * 16]) for i in range(0, len(order), bs * 16)]
        batches = [c[i:i + bs] for c in chunks for i in range(0, len(c), bs)]
        total = 0.0
        for k in rng.permutation(len(batches)):
            batch = batches[k]
            enc = tokenizer([texts[i] for i in batch], padding=True, truncation=True, max_length=MAX_SEQ_LENGTH,
                            return_tensors="pt")
            states = student(**enc, output_hidden_states=True).hidden_states
            pooled = torch.cat([token_mean(states[layer], enc["attention_mask"]) for layer in STUDENT_LAYERS], 1)
            loss = ((mapping(pooled) - z[batch]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / len(texts):.4f} ({time.time() - started:.0f}s)",
              file=sys.stderr)
    return student.eval(), mapping.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teacher", type=Path, required=True, help="folder of all-mpnet-base-v2")
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/psydefconv/train.json"))
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--epochs", type=int, default=SETTINGS["epochs"])
    args = parser.parse_args()
    import torch

    torch.set_num_threads(2)
    texts = unlabelled_texts(args.data)
    print(f"{len(texts)} unlabelled texts", file=sys.stderr)
    target = teacher_features(args.teacher, texts)
    student, _ = distil(texts, target, args.epochs)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / ENCODER_FILE, **layer_weights(student))
    print(f"wrote {args.out / ENCODER_FILE} ({(args.out / ENCODER_FILE).stat().st_size // 1024} KiB); "
          "now run scripts/train_defenses.py to fit the heads on it")


if __name__ == "__main__":
    main()
