"""Agreement of the ``defenses`` analyser with expert DMRS coding, on files in the PsyDefConv format.

A file is a JSON array of rows ``{id, dialogue_id, dialogue: [{speaker, text}...], current_text,
label}`` whose ``dialogue`` ends with the coded seeker turn. Each row becomes one client
``TextUnit`` whose context is the turns before it (seeker -> client, supporter -> therapist),
so the analyser sees the same thing here as in a session. The ranking metric of the
PsyDefDetect shared task is macro-F1 over labels 1-8; label 0 (no defense) is left out of it
but still counts against the precision of the labels it is mistaken for.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reverie.analysis.base import ContextTurn, TextUnit, annotate_units
from reverie.errors import IngestError

LABELS: tuple[int, ...] = tuple(range(9))
RANKED_LABELS: tuple[int, ...] = tuple(range(1, 9))
SPEAKER_ROLES = {"seeker": "client", "client": "client", "supporter": "therapist", "therapist": "therapist"}
CONTEXT_TURNS = 4  # as many previous turns as a session unit carries


def load_rows(path: str | Path) -> list[dict[str, Any]]:
    """Read and check a PsyDefConv-format file; an ``IngestError`` names the row (1-based) and the field."""
    file = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(file, "file not found", hint="give the path of a JSON array in the PsyDefConv format") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(file, f"not valid UTF-8 JSON ({exc})", hint="the file must be one JSON array of rows") from None
    if not isinstance(data, list):
        raise IngestError(file, f"expected a JSON array of rows, found {type(data).__name__}")
    if not data:
        raise IngestError(file, "the array holds no rows", hint="add at least one coded row")
    for i, row in enumerate(data, start=1):
        _check_row(file, i, row)
    return data


def _check_row(file: str, i: int, row: Any) -> None:
    def bad(field: str, problem: str, hint: str | None = None) -> IngestError:
        return IngestError(file, problem, line=i, field=field, place="row", hint=hint)

    if not isinstance(row, dict):
        raise IngestError(file, f"expected an object, found {type(row).__name__}", line=i, place="row")
    for name in ("id", "dialogue_id", "current_text"):
        if not isinstance(row.get(name), str):
            raise bad(name, "missing or not a string")
    label = row.get("label")
    if isinstance(label, bool) or not isinstance(label, int) or label not in LABELS:
        raise bad("label", f"must be an integer 0-8, found {label!r}")
    dialogue = row.get("dialogue")
    if not isinstance(dialogue, list) or not dialogue:
        raise bad("dialogue", "missing or not a non-empty list of {speaker, text}")
    for j, turn in enumerate(dialogue, start=1):
        if not isinstance(turn, dict) or not isinstance(turn.get("text"), str) or not isinstance(turn.get("speaker"), str):
            raise bad("dialogue", f"turn {j} is not an object with string 'speaker' and 'text'")
    if dialogue[-1]["text"] != row["current_text"]:
        raise bad("dialogue", "the last turn is not current_text",
                  hint="'dialogue' must end with the coded turn (PsyDefConv format)")


def rows_to_units(rows: Sequence[dict[str, Any]]) -> list[TextUnit]:
    """One client unit per row, its context the previous turns with PsyDefConv speakers mapped to roles."""
    units = []
    for row in rows:
        history = [ContextTurn(SPEAKER_ROLES.get(t["speaker"].lower(), "other"), t["text"]) for t in row["dialogue"][:-1]]
        units.append(TextUnit(id=str(row["id"]), text=row["current_text"], role="client", kind="utterance",
                              position=len(history), session=str(row["dialogue_id"]),
                              context=tuple(history[-CONTEXT_TURNS:])))
    return units


def metrics(gold: Sequence[int], predicted: Sequence[int]) -> dict[str, Any]:
    """Accuracy, per-label precision/recall/F1, both macro-F1s and the confusion matrix (rows gold, columns predicted).

    A label with no gold and no predicted rows gets F1 0 and still counts in the macro averages,
    as in scikit-learn's ``f1_score(labels=..., average="macro", zero_division=0)``.
    """
    n = len(gold)
    confusion = [[0] * len(LABELS) for _ in LABELS]
    for g, p in zip(gold, predicted):
        confusion[g][p] += 1
    per_label: dict[str, dict[str, float]] = {}
    for lab in LABELS:
        tp = confusion[lab][lab]
        fp = sum(confusion[g][lab] for g in LABELS) - tp
        fn = sum(confusion[lab]) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
        per_label[str(lab)] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return {
        "n": n,
        "accuracy": sum(confusion[i][i] for i in LABELS) / n if n else 0.0,
        "macro_f1": sum(per_label[str(lab)]["f1"] for lab in RANKED_LABELS) / len(RANKED_LABELS),
        "macro_f1_all": sum(per_label[str(lab)]["f1"] for lab in LABELS) / len(LABELS),
        "per_label": per_label,
        "confusion": confusion,
        "labels": list(LABELS),
    }


def evaluate(rows: Sequence[dict[str, Any]], analyzer: Any = None) -> dict[str, Any]:
    """Run ``analyzer`` (default: the shipped ``defenses`` analyser) over the rows and score its ``level``."""
    if analyzer is None:
        from reverie.analysis.defenses import DefensesAnalyzer

        analyzer = DefensesAnalyzer()
    annotations = annotate_units(analyzer, rows_to_units(rows))
    predicted = [int(a.values["level"]) if a.values.get("level") is not None else 0 for a in annotations]
    return metrics([int(r["label"]) for r in rows], predicted)


def format_report(result: dict[str, Any]) -> str:
    """A plain-text table: headline figures, per-label precision/recall/F1/support, the confusion matrix."""
    from reverie.analysis.defenses import LEVEL_NAMES

    lines = [
        f"rows: {result['n']}   accuracy: {result['accuracy']:.3f}   "
        f"macro-F1 (labels 1-8): {result['macro_f1']:.3f}   macro-F1 (0-8): {result['macro_f1_all']:.3f}",
        "",
        f"{'label':<30}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}",
    ]
    for lab in result["labels"]:
        row = result["per_label"][str(lab)]
        name = f"{lab} {LEVEL_NAMES[lab]}"
        lines.append(f"{name:<30}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>9d}")
    lines += ["", "confusion (rows: expert label, columns: predicted)",
              "      " + "".join(f"{lab:>6}" for lab in result["labels"])]
    for lab, counts in zip(result["labels"], result["confusion"]):
        lines.append(f"{lab:>6}" + "".join(f"{c:>6}" for c in counts))
    return "\n".join(lines)
