"""v1 never breaks: each service's public API, as its app describes it now (built
in-process, nothing running), against its committed contract `docs/api/<service>.v1.json`.

A breaking change fails with each finding named by method, path and field; make it in a
new version instead. An addition passes; record it with
`python tools/delivery/openapi_contracts.py export <service>` so that it is kept too.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_spec_validator import validate

from pos_kit.catalogue import ServiceEntry, upstreams
from tools.delivery.openapi_contracts import (
    API_DOCS,
    VERSION,
    breaking_changes,
    contract_path,
    live_document,
    load,
)

PUBLIC = upstreams()


@pytest.fixture(params=PUBLIC, ids=lambda entry: entry.name)
def service(request: pytest.FixtureRequest) -> ServiceEntry:
    entry: ServiceEntry = request.param
    return entry


def test_every_public_service_has_a_committed_contract_and_no_other_does() -> None:
    committed = {path.name for path in API_DOCS.glob(f"*.{VERSION}.json")}
    assert committed == {contract_path(entry.name).name for entry in PUBLIC}, (
        "run `python tools/delivery/openapi_contracts.py export` to write the missing ones"
    )


def test_the_committed_contract_is_valid_openapi(service: ServiceEntry) -> None:
    document = load(contract_path(service.name))
    validate(document)
    assert document["paths"], f"{service.name}: a contract without a path"


def test_the_live_api_has_no_breaking_change_to_the_committed_contract(
    service: ServiceEntry,
) -> None:
    findings = breaking_changes(load(contract_path(service.name)), live_document(service))
    assert not findings, (
        f"{service.name}: {len(findings)} breaking changes to {VERSION} "
        f"(docs/api/{service.name}.{VERSION}.json); {VERSION} never breaks, "
        "make the change in a new version:\n" + "\n".join(f"  {f}" for f in findings)
    )


def test_a_removed_response_field_or_a_newly_required_request_field_fails() -> None:
    """The acceptance of issue 13 on a real contract: pos-core's order, changed by hand."""
    committed = load(contract_path("pos-core"))
    changed: dict[str, Any] = copy.deepcopy(committed)
    schemas = changed["components"]["schemas"]
    del schemas["OrderOut"]["properties"]["total"]
    schemas["OrderOut"]["required"].remove("total")
    schemas["OrderIn"]["required"].append("table_id")
    found = [str(finding) for finding in breaking_changes(committed, changed)]
    assert "GET /api/v1/orders/{order_id}: response 200 field 'total' removed" in found
    assert "POST /api/v1/orders: request field 'table_id' became required" in found


def test_a_new_response_field_passes() -> None:
    committed = load(contract_path("pos-core"))
    changed: dict[str, Any] = copy.deepcopy(committed)
    order = changed["components"]["schemas"]["OrderOut"]
    order["properties"]["tip"] = {"type": "integer", "title": "Tip"}
    order["required"].append("tip")
    assert breaking_changes(committed, changed) == []
