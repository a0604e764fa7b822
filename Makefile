# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench preview chaos clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pipeline demo --config config/demo.yaml

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/ruff format --check pipeline tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py

preview: $(STAMP)
	[ -f var/demo/data/demo-summary.xlsx ] || $(BIN)/pipeline demo --config config/demo.yaml
	sh tools/preview.sh

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache

chaos: $(STAMP)
	$(BIN)/python bench/chaos.py --seed 8 --kills 30
