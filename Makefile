# The two set-up commands are `make run` and `make test`; the rest are conveniences.
# Tools are bootstrapped locally: an installed `uv` is used, otherwise one is put
# into ./.tools (a plain virtualenv made with the machine's python3).

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
VENV_PY := .venv/bin/python

.PHONY: run test test-unit test-integration test-e2e lint typecheck layering sync bench clean affected contract

# SERVICE=<name> (a folder under services/) narrows test, lint, typecheck, test-unit and
# test-integration to that service: `make test SERVICE=pos-core` runs what its pipeline
# (.github/workflows/pos-core.yml) runs. Without SERVICE every target covers everything.
SERVICE ?=
ifneq ($(SERVICE),)
ifeq ($(wildcard services/$(SERVICE)/pyproject.toml),)
$(error SERVICE=$(SERVICE): no such folder under services/ (the guest edge is the gateway's role: SERVICE=gateway))
endif
endif
LINTED := $(if $(SERVICE),services/$(SERVICE),.)
TYPED := $(if $(SERVICE),services/$(SERVICE)/src,libs/pos-kit/src services/*/src tools/*/src tools/layering/check.py tools/delivery/affected.py tools/delivery/openapi_contracts.py)
TESTED := $(if $(SERVICE),services/$(SERVICE),libs services tools)

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

sync: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	@$(UV) sync --frozen --quiet || $(UV) sync --quiet

## The whole system on this machine: nats-server, every service, the gateway.
run: sync
	@exec $(VENV_PY) -m pos_launcher

## Every test: lint, types, layering, unit, integration and end-to-end. SERVICE=<name>:
## that service's pipeline (its lint, types, unit and integration tests; layering).
test: sync lint typecheck layering
	$(VENV_PY) -m pytest -q $(if $(SERVICE),$(TESTED),libs services tools tests)
	$(if $(SERVICE),@$(MAKE) --no-print-directory contract SERVICE=$(SERVICE))

test-unit: sync
	$(VENV_PY) -m pytest -q -m "not integration and not e2e" $(TESTED)

test-integration: sync
	$(VENV_PY) -m pytest -q -m integration $(TESTED)

test-e2e: sync
	$(VENV_PY) -m pytest -q tests/e2e

lint: sync
	$(VENV_PY) -m ruff check $(LINTED)
	$(VENV_PY) -m ruff format --check $(LINTED)

typecheck: sync
	$(VENV_PY) -m mypy $(TYPED)

layering: sync
	$(VENV_PY) tools/layering/check.py

## The v1 API contract (docs/api/<service>.v1.json) against the live app: a breaking change
## fails, naming path and field. SERVICE=<name>: that service's only (none for the gateway).
## Without SERVICE, tests/api_contracts in make test covers every service.
contract: sync
	$(if $(SERVICE),$(if $(wildcard docs/api/$(SERVICE).v1.json),$(VENV_PY) tools/delivery/openapi_contracts.py check $(SERVICE),@echo "$(SERVICE): no v1 API contract"),$(VENV_PY) tools/delivery/openapi_contracts.py check)

## The services a change since BASE touches (one a line: a change under services/<name>/
## touches it; pos-kit, uv.lock, pyproject.toml or the shared pipeline touch all), then
## their tests. The same rules as the workflows' path filters (tools/delivery/affected.py).
affected: sync
	@test -n "$(BASE)" || { echo "usage: make affected BASE=<git ref>, e.g. BASE=origin/main" >&2; exit 2; }
	$(VENV_PY) tools/delivery/affected.py --test $(BASE)

## The benchmark suite of issue 10 (docs/benchmarks.md, JSON in bench/results/): the whole
## system on PostgreSQL (POS_BENCH_DATABASE_URL), open-loop load. SCENARIO=orders,edge runs
## some scenarios only; SQLITE=1 runs on make run's SQLite default.
bench: sync
	$(VENV_PY) -m pos_bench $(if $(SCENARIO),--scenario $(SCENARIO)) $(if $(SQLITE),--sqlite)

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache .pytest_cache
