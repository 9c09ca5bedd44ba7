# The two commands: `make demo` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WORKSPACE ?= reverie-demo

.PHONY: demo test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned to the CPU build first, so that no multi-GB CUDA build is pulled in.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/reverie demo --workspace $(WORKSPACE) $(if $(PASSWORD),--password "$(PASSWORD)")

test: install-test
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/bench_lexical.py
	$(BIN)/python benchmarks/bench_defenses.py
	$(BIN)/python benchmarks/corpus.py

# removes the demo's folder only when the demo built it (its marker file is there): never a real workspace
clean:
	rm -rf $(VENV) .pytest_cache
	if [ -f "$(WORKSPACE)/reverie-demo.txt" ]; then rm -rf "$(WORKSPACE)"; fi
