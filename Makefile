# One-word targets; `make run` and `make test` are the README's contract.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format docs catalog-docs bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/fazhi run

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check warehouse flows tests
	$(BIN)/ruff format --check warehouse flows tests
	$(BIN)/mypy warehouse flows

format: install
	$(BIN)/ruff format warehouse flows tests
	$(BIN)/ruff check --fix warehouse flows tests

docs: install
	$(BIN)/fazhi docs

catalog-docs: install
	$(BIN)/python -c "from warehouse.catalog import catalog_docs_block as b; print(b(), end='')" \
		> dbt_project/models/docs/metric_catalog.md

bench: install
	$(BIN)/fazhi bench --docs 2000

clean:
	rm -rf $(VENV) data dbt_project/target dbt_project/logs
