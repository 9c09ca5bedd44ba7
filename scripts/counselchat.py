"""CounselChat questions as risk-evaluation rows: labels kept by question id in tests/data, texts read from the
shared data folder (never copied). Used only by ``risk_eval_all.py`` and the slow CounselChat test.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from reverie.errors import InputError


def counselchat_rows(labels: str | Path, questions: str | Path) -> list[dict[str, Any]]:
    """Rows for :func:`evaluate` from labels kept by question id and the CounselChat CSV (texts never copied).

    ``labels`` is a CSV ``question_id,label,reason`` (label 0, 1 or ``unsure``, which is left out).
    """
    try:
        with open(questions, encoding="utf-8", newline="") as f:
            texts = {}
            for row in csv.DictReader(f):
                texts.setdefault(row["questionID"], f"{row['questionTitle'].strip()}\n{row['questionText'].strip()}")
        with open(labels, encoding="utf-8", newline="") as f:
            marks = list(csv.DictReader(f))
    except (OSError, KeyError) as exc:
        raise InputError(f"cannot read CounselChat data: {exc}",
                         hint="give the labels CSV (question_id,label,reason) and counsel_chat.csv") from exc
    return [{"text": texts[m["question_id"]], "label": int(m["label"]), "question_id": m["question_id"]}
            for m in marks if m["label"] in ("0", "1") and m["question_id"] in texts]
