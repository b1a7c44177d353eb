# Everything installs itself: `make test` and `make demo` on a fresh clone need nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
BUNDLE ?= ../shared/taskcluster-references/references.json
export RUFF_NO_CACHE := true

.PHONY: all install test lint typecheck pytest drift docs demo generate references bench clean

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy --strict src codegen examples tests bench
	$(PY) -m pyright

drift: $(STAMP)
	$(PY) -m codegen check

pytest: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet

test: lint typecheck drift docs pytest

demo: $(STAMP)
	$(PY) examples/demo.py

generate: $(STAMP)
	$(PY) -m codegen generate

references: $(STAMP)
	$(PY) -m codegen references --bundle $(BUNDLE) --version v106.0.0

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache
