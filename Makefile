# The two set-up commands are `make run` and `make test`; the rest are conveniences.
# Tools are bootstrapped locally: an installed `uv` is used, otherwise one is put
# into ./.tools (a plain virtualenv made with the machine's python3).

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
VENV_PY := .venv/bin/python

.PHONY: run test test-unit test-integration test-e2e lint typecheck layering sync bench clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

sync: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	@$(UV) sync --frozen --quiet || $(UV) sync --quiet

## The whole system on this machine: nats-server, every service, the gateway.
run: sync
	@exec $(VENV_PY) -m pos_launcher

## Every test: lint, types, layering, unit, integration and end-to-end.
test: sync lint typecheck layering
	$(VENV_PY) -m pytest -q libs services tools tests

test-unit: sync
	$(VENV_PY) -m pytest -q -m "not integration and not e2e" libs services tools

test-integration: sync
	$(VENV_PY) -m pytest -q -m integration libs services tools

test-e2e: sync
	$(VENV_PY) -m pytest -q tests/e2e

lint: sync
	$(VENV_PY) -m ruff check .
	$(VENV_PY) -m ruff format --check .

typecheck: sync
	$(VENV_PY) -m mypy libs/pos-kit/src services/*/src tools/*/src tools/layering/check.py

layering: sync
	$(VENV_PY) tools/layering/check.py

## The benchmark suite of issue 10 (docs/benchmarks.md, JSON in bench/results/): the whole
## system on PostgreSQL (POS_BENCH_DATABASE_URL), open-loop load. SCENARIO=orders,edge runs
## some scenarios only; SQLITE=1 runs on make run's SQLite default.
bench: sync
	$(VENV_PY) -m pos_bench $(if $(SCENARIO),--scenario $(SCENARIO)) $(if $(SQLITE),--sqlite)

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache .pytest_cache
