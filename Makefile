# Two entry points for a fresh clone: `make demo` and `make test`.
# Both create .venv and install the project into it on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test eval eval-docs bench bench-ci docs lint clean screenshots

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/escalate demo

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

# The README's and docs/pages.md's screenshots, taken by the browser tests (needs chromium).
screenshots: $(VENV)/.installed
	ESCALATE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/e2e

# The gate on the bundled sets; the learning set also plays its learning curve (a case a
# person must handle that the bot answers after learning breaks the gate).
# The bundled sets and the sets the rules were never written on (dev and test halves).
UNSEEN_SETS = evals/sets/tau-retail-dev evals/sets/tau-retail-test \
	evals/sets/pet-store-dev evals/sets/pet-store-test \
	evals/sets/abcd-dev evals/sets/abcd-test \
	evals/sets/bike-shop-dev evals/sets/bike-shop-test
# Written by hand from how people attack and misuse support bots (dev: tuned on; test: measured only).
HOSTILE_SETS = evals/sets/hostile-dev evals/sets/hostile-test

eval: $(VENV)/.installed
	$(BIN)/escalate eval evals/sets/sample-store evals/sets/learning $(UNSEEN_SETS) $(HOSTILE_SETS) \
		--gate evals/gate.toml --out eval-report --learning-curve

# The figures in docs/evals.md and the README's headline table: the gate's sets with the adversary and the learning curve.
eval-docs: $(VENV)/.installed
	$(BIN)/escalate eval evals/sets/sample-store evals/sets/learning $(UNSEEN_SETS) $(HOSTILE_SETS) \
		--gate evals/gate.toml --out eval-report --adversary --learning-curve \
		--readme docs/evals.md --readme README.md

# The tables in docs/benchmarks.md: 1k and 10k synthetic KBs (built once, cached under .escalate/bench).
bench: $(VENV)/.installed
	$(BIN)/escalate bench --size 1k --size 10k --out bench-report --readme docs/benchmarks.md

# CI: the 1k KB only; fails when a ratio is worse than twice its target.
bench-ci: $(VENV)/.installed
	$(BIN)/escalate bench --size 1k --eval-cases 50 --check --out bench-report

# docs/configuration.md, generated from the settings model (a test fails when it is stale).
docs: $(VENV)/.installed
	$(BIN)/python -m agent.config_doc > docs/configuration.md.tmp
	mv docs/configuration.md.tmp docs/configuration.md

lint: $(VENV)/.installed
	$(BIN)/ruff check agent knowledge evals tests
	$(BIN)/ruff format --check agent knowledge evals tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .escalate
