# Everything installs itself: `make test` and `make demo` on a fresh clone need nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
BUNDLE ?= ../shared/taskcluster-references/references.json
export RUFF_NO_CACHE := true

.PHONY: all install test test-offline lint typecheck pytest pytest-offline drift docs demo generate references bench bench-real clean real-up real-down

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

# The package claims Python 3.10 to 3.13; these machines run 3.11: check the claim statically.
typecheck: $(STAMP)
	$(PY) -m mypy --strict src codegen examples tests bench
	$(PY) -m mypy --strict --python-version 3.10 src
	$(PY) -m mypy --strict --python-version 3.13 src
	$(PY) -m pyright

drift: $(STAMP)
	$(PY) -m codegen check

# The whole suite, including tests/real against the real Taskcluster services, which it
# installs (once per machine), starts and stops itself (see tests/real/deployment.py).
pytest: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

# Everything but the real services: the quick inner loop.
pytest-offline: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m "not real"

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet

test: lint typecheck drift docs pytest

test-offline: lint typecheck drift docs pytest-offline

# The real services for people: started once, reused by the suite, stopped by real-down.
real-up: $(STAMP)
	$(PY) -m tests.real.deployment up

real-down: $(STAMP)
	$(PY) -m tests.real.deployment down

# `make demo REAL=1`: the same story against the real services (started if not running, left
# running for `make real-down`), as a client the demo makes with the root credentials.
demo: $(STAMP)
ifeq ($(REAL),1)
	@eval "$$($(PY) -m tests.real.deployment up | tee /dev/stderr | grep '^export ')" \
		&& $(PY) examples/demo.py --real
else
	$(PY) examples/demo.py
endif

generate: $(STAMP)
	$(PY) -m codegen generate

references: $(STAMP)
	$(PY) -m codegen references --bundle $(BUNDLE) --version v106.0.0

# bench/RESULTS.md (the loopback bench, Node's http server: node_modules for its Hawk checks).
bench: $(STAMP) $(NODE_STAMP)
	$(PY) bench/run.py

# bench/RESULTS-real.md: 500 tasks on the real services (reused if running, else started and
# stopped, like tests/real).
bench-real: $(STAMP)
	@running=0; $(PY) -m tests.real.deployment status >/dev/null && running=1; \
	$(PY) -m tests.real.deployment up && $(PY) bench/real.py && $(PY) bench/pulse.py; \
	status=$$?; [ $$running = 1 ] || $(PY) -m tests.real.deployment down; exit $$status

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache
