# Two entry points for a fresh clone: `make demo` and `make test`.
# Both create .venv and install the project into it on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test eval eval-docs bench bench-ci docs lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/escalate demo

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

# The gate on the bundled sets; the learning set also plays its learning curve (a case a
# person must handle that the bot answers after learning breaks the gate).
eval: $(VENV)/.installed
	$(BIN)/escalate eval evals/sets/sample-store evals/sets/learning --gate evals/gate.toml \
		--out eval-report --learning-curve

# The figures in docs/evals.md: the gate's sets with the adversary and the learning curve.
eval-docs: $(VENV)/.installed
	$(BIN)/escalate eval evals/sets/sample-store evals/sets/learning --gate evals/gate.toml \
		--out eval-report --adversary --learning-curve --readme docs/evals.md

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
