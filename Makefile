# One command for each thing people do. `make setup` first (or let the others do it).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SCHEME := schemes/socialization-to-the-model.yaml
EXPORTS := examples/alice.csv examples/ben.csv examples/chloe.csv

.PHONY: setup demo test test-fast lint typecheck check bench fuzz clean

$(BIN)/socmodel: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/socmodel ## create .venv and install socmodel with test and dev tools

demo: $(BIN)/socmodel ## the main job: validate and compute reliability on the bundled scheme and examples
	$(BIN)/socmodel scheme check $(SCHEME)
	$(BIN)/socmodel validate $(SCHEME) $(EXPORTS)
	$(BIN)/socmodel reliability $(SCHEME) $(EXPORTS) || test $$? -eq 1

# The modules that read coder files, run again with every file read column-wise (the bulk
# reader otherwise starts at 8 MiB): both readers must pass the same tests unchanged.
READING_TESTS := tests/test_validation.py tests/test_trust.py tests/test_lab_files.py \
	tests/test_bad_inputs.py tests/test_readers.py tests/test_hostile_streams.py \
	tests/test_cases.py tests/test_formula_safety.py tests/test_encoding_guess.py

test: $(BIN)/socmodel ## the whole test suite (what CI runs)
	$(BIN)/python -m pytest -n 2 -q
	SOCMODEL_BULK_MIN_BYTES=0 $(BIN)/python -m pytest -n 2 -q $(READING_TESTS)

lint: $(BIN)/socmodel
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/socmodel
	$(BIN)/mypy

check: lint typecheck test ## everything CI checks

bench: $(BIN)/socmodel ## benchmarks; figures go in benchmarks/README.md
	$(BIN)/python benchmarks/run_all.py

fuzz: $(BIN)/socmodel ## the property tests and the CLI fuzz target with a large example budget (25,000 each; 100,000 CLI invocations)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -n 2 -q tests/test_properties.py tests/test_cli_fuzz.py $(wildcard tests/test_qdc.py)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
