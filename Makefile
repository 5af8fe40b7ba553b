# Two entry points for a fresh clone: `make demo` and `make test`.
# Both create .venv and install the project into it on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test eval lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/escalate demo

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

eval: $(VENV)/.installed
	$(BIN)/escalate eval evals/sets/sample-store --gate evals/gate.toml --out eval-report

lint: $(VENV)/.installed
	$(BIN)/ruff check agent knowledge evals tests
	$(BIN)/ruff format --check agent knowledge evals tests

clean:
	rm -rf $(VENV) .escalate
