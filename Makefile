# Two commands for a fresh clone: `make run` builds the example Maracs' documents into
# output/, `make test` runs the tests. Both set up what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test serve setup system-deps bench clean

run: setup
	$(BIN)/marac check local_configs/
	$(BIN)/marac build local_configs/ -o output

test: setup
	$(BIN)/python -m pytest -q -n 2

# The coordinator's web app on http://127.0.0.1:8400/ (this computer only); Ctrl+C stops it.
serve: setup
	$(BIN)/marac serve local_configs/

setup: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

bench: setup
	$(BIN)/python bench/build.py
	$(BIN)/python bench/commands.py
	$(BIN)/python bench/reviews.py
	$(BIN)/python bench/national.py --maracs 10
	$(BIN)/python bench/web.py

clean:
	rm -rf output build dist *.egg-info .pytest_cache
