# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Pinned so pip takes the local CPU wheel instead of downloading a CUDA build.
TORCH_PIN := torch==2.13.0

.PHONY: venv install demo test bench clean

$(VENV)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH_PIN)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/obliviate demo

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) benchmarks/bench_demo.py

clean:
	rm -rf $(VENV) obliviate_runs
