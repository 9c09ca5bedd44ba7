"""Build src/reverie/resources/ from the shared lexicon sources (run once, by a maintainer).

- copies the DAAP09.6 dictionaries (AN AP AZ R SenS DF Neg) and their GPL-3.0 licence to ``resources/daap/``;
- writes ``resources/concreteness.tsv``: ``word<TAB>Conc.M`` from the Brysbaert et al. (2014) norms,
  words lower-cased (single words and two-word expressions), first entry kept on a lower-casing clash,
  sorted by word.

Usage: python scripts/build_resources.py [SOURCE_DIR]   (default /work/shared/data/lexicons)
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

DAAP_FILES = ("AN", "AP", "AZ", "R", "SenS", "DF", "Neg", "LICENSE.md")
TARGET = Path(__file__).resolve().parents[1] / "src" / "reverie" / "resources"


def build(source: Path, target: Path = TARGET) -> None:
    daap_out = target / "daap"
    daap_out.mkdir(parents=True, exist_ok=True)
    for name in DAAP_FILES:
        shutil.copyfile(source / "daap09.6" / name, daap_out / name)
    norms: dict[str, str] = {}
    with open(source / "brysbaert_concreteness.tsv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            word = " ".join(row["Word"].strip().lower().split())
            value = float(row["Conc.M"])
            if word and word not in norms:
                norms[word] = f"{value:g}"
    with open(target / "concreteness.tsv", "w", encoding="utf-8", newline="\n") as out:
        for word in sorted(norms):
            out.write(f"{word}\t{norms[word]}\n")
    print(f"daap: {len(DAAP_FILES)} files; concreteness.tsv: {len(norms)} entries -> {target}")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data/lexicons"))
