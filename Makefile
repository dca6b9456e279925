# Two commands: `make run` (the demo on the bundled sample) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUTPUT ?= out/demo
PYTEST_WORKERS ?= 2

.PHONY: install run test test-fast bench bench-throughput schemas sample-warc clean

# Installed with the Dataflow image's pins as constraints: tests run with the versions workers run.
PINS   := deploy/dataflow/requirements.txt

$(STAMP): pyproject.toml $(PINS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "wirebeam needs Python 3.10 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]' -c $(PINS)
	@# the places gazetteer's index, built once per machine (~10 s) so no run or test worker builds it
	$(BIN)/python -m pipeline.enrich.geo.gazetteer
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/wirebeam demo --output $(OUTPUT)
	@$(BIN)/wirebeam report --output $(OUTPUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not slow"

bench: $(STAMP)
	$(BIN)/python bench/extraction_eval.py
	$(BIN)/python bench/entities_bench.py
	$(BIN)/python bench/numbers_eval.py

bench-throughput: $(STAMP)
	$(BIN)/python -m bench.throughput --articles 1000

sample-warc: $(STAMP)
	$(BIN)/python -m pipeline.warc.sample

schemas: $(STAMP)
	$(BIN)/python -m pipeline.sinks.schema --write schemas/

clean:
	rm -rf $(VENV) out build *.egg-info
