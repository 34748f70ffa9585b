"""The breaking-change detector of the v1 contracts (tools/delivery/openapi_contracts.py),
on small OpenAPI 3.1 documents: each kind of breaking change is found and named by
method, path and field; additions and wider inputs pass.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from openapi_spec_validator import validate

from tools.delivery.openapi_contracts import Finding, breaking_changes

JSON = "application/json"
ORDERS = "/api/v1/orders"
ORDER = "/api/v1/orders/{order_id}"

Doc = dict[str, Any]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def answer(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {JSON: {"schema": schema}}}


def base() -> Doc:
    """Orders, as a FastAPI app would describe them: $refs, `X | None`, enums, bounds."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "orders", "version": "1.0.0"},
        "paths": {
            ORDERS: {
                "get": {
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                        {
                            "name": "status",
                            "in": "query",
                            "required": False,
                            "schema": nullable(ref("OrderStatus")),
                        },
                    ],
                    "responses": {"200": answer(ref("OrderPage"))},
                },
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {JSON: {"schema": ref("OrderIn")}},
                    },
                    "responses": {"201": answer(ref("OrderOut")), "422": {"description": "bad"}},
                },
            },
            ORDER: {
                "get": {
                    "parameters": [
                        {
                            "name": "order_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "format": "uuid"},
                        }
                    ],
                    "responses": {"200": answer(ref("OrderOut"))},
                },
                "delete": {
                    "parameters": [
                        {"name": "order_id", "in": "path", "required": True, "schema": {}}
                    ],
                    "responses": {"204": {"description": "gone"}},
                },
            },
        },
        "components": {
            "schemas": {
                "OrderStatus": {"type": "string", "enum": ["open", "placed", "paid"]},
                "OrderIn": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["type"],
                    "properties": {
                        "type": {"type": "string", "enum": ["dine_in", "takeaway"]},
                        "table_id": nullable({"type": "string", "format": "uuid"}),
                        "guests": nullable({"type": "integer", "minimum": 1, "maximum": 20}),
                        "note": {"type": "string", "maxLength": 200},
                        "items": {"type": "array", "maxItems": 50, "items": ref("ItemIn")},
                    },
                },
                "ItemIn": {
                    "type": "object",
                    "required": ["product_id"],
                    "properties": {
                        "product_id": {"type": "string"},
                        "quantity": {"type": "integer", "minimum": 1, "default": 1},
                    },
                },
                "OrderOut": {
                    "type": "object",
                    "required": ["id", "status", "table_id", "total", "items"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "status": ref("OrderStatus"),
                        "table_id": nullable({"type": "string"}),
                        "total": {"type": "integer"},
                        "items": {"type": "array", "items": ref("ItemOut")},
                    },
                },
                "ItemOut": {
                    "type": "object",
                    "required": ["name", "quantity"],
                    "properties": {"name": {"type": "string"}, "quantity": {"type": "integer"}},
                },
                "OrderPage": {
                    "type": "object",
                    "required": ["items", "next_cursor"],
                    "properties": {
                        "items": {"type": "array", "items": ref("OrderOut")},
                        "next_cursor": nullable({"type": "string"}),
                    },
                },
            }
        },
    }


def schema(doc: Doc, name: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["components"]["schemas"][name]
    return found


def prop(doc: Doc, model: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = schema(doc, model)["properties"][name]
    return found


def param(doc: Doc, path: str, method: str, name: str) -> dict[str, Any]:
    (found,) = [p for p in doc["paths"][path][method]["parameters"] if p["name"] == name]
    return found


def drop(doc: Doc, model: str, name: str) -> None:
    del schema(doc, model)["properties"][name]
    required = schema(doc, model).get("required", [])
    if name in required:
        required.remove(name)


def changed(change: Callable[[Doc], object]) -> list[str]:
    """The breaking changes of the base document changed by `change`, as printed."""
    new = base()
    change(new)
    return [str(finding) for finding in breaking_changes(base(), new)]


def test_the_base_document_is_valid_openapi_and_unchanged_breaks_nothing() -> None:
    validate(base())
    assert breaking_changes(base(), base()) == []


BREAKING: list[tuple[str, Callable[[Doc], object], list[str]]] = [
    ("path-removed", lambda d: d["paths"].pop(ORDER), [f"{ORDER}: path removed"]),
    (
        "operation-removed",
        lambda d: d["paths"][ORDER].pop("delete"),
        [f"DELETE {ORDER}: operation removed"],
    ),
    (
        "response-removed",
        lambda d: d["paths"][ORDERS]["post"]["responses"].pop("201"),
        [f"POST {ORDERS}: response 201 removed"],
    ),
    (
        "response-media-type-removed",
        lambda d: d["paths"][ORDER]["get"]["responses"]["200"].update(
            content={"text/plain": {"schema": {"type": "string"}}}
        ),
        [f"GET {ORDER}: response 200 no longer answers application/json"],
    ),
    (
        "response-field-removed",
        lambda d: drop(d, "OrderOut", "total"),
        [
            f"POST {ORDERS}: response 201 field 'total' removed",
            f"GET {ORDER}: response 200 field 'total' removed",
            f"GET {ORDERS}: response 200 field 'items[].total' removed",
        ],
    ),
    (
        "nested-response-field-removed",
        lambda d: drop(d, "ItemOut", "quantity"),
        [f"GET {ORDER}: response 200 field 'items[].quantity' removed"],
    ),
    (
        "response-field-no-longer-required",
        lambda d: schema(d, "OrderOut")["required"].remove("id"),
        [f"GET {ORDER}: response 200 field 'id' may now be absent"],
    ),
    (
        "enum-value-removed",
        lambda d: schema(d, "OrderStatus")["enum"].remove("paid"),
        [
            f"GET {ORDER}: response 200 field 'status': enum value 'paid' removed",
            f"GET {ORDERS}: query parameter 'status': enum value 'paid' removed",
        ],
    ),
    (
        "request-enum-value-removed",
        lambda d: prop(d, "OrderIn", "type")["enum"].remove("takeaway"),
        [f"POST {ORDERS}: request field 'type': enum value 'takeaway' removed"],
    ),
    (
        "response-type-changed",
        lambda d: prop(d, "OrderOut", "total").update(type="string"),
        [f"POST {ORDERS}: response 201 field 'total' changed type from integer to string"],
    ),
    (
        "response-may-now-be-null",
        lambda d: schema(d, "OrderOut")["properties"].update(total=nullable({"type": "integer"})),
        [f"GET {ORDER}: response 200 field 'total' may now be null"],
    ),
    (
        "request-type-changed",
        lambda d: prop(d, "OrderIn", "guests")["anyOf"][0].update(type="string"),
        [f"POST {ORDERS}: request field 'guests' changed type from integer to string"],
    ),
    (
        "request-no-longer-accepts-null",
        lambda d: schema(d, "OrderIn")["properties"].update(table_id={"type": "string"}),
        [f"POST {ORDERS}: request field 'table_id' no longer accepts null"],
    ),
    (
        "parameter-type-changed",
        lambda d: param(d, ORDERS, "get", "limit")["schema"].update(type="string"),
        [f"GET {ORDERS}: query parameter 'limit' changed type from integer to string"],
    ),
    (
        "request-field-removed",
        lambda d: drop(d, "OrderIn", "note"),
        [f"POST {ORDERS}: request field 'note' removed"],
    ),
    (
        "new-required-request-field",
        lambda d: (
            schema(d, "OrderIn")["properties"].update(reason={"type": "string"}),
            schema(d, "OrderIn")["required"].append("reason"),
        ),
        [f"POST {ORDERS}: new required request field 'reason'"],
    ),
    (
        "request-field-became-required",
        lambda d: schema(d, "OrderIn")["required"].append("table_id"),
        [f"POST {ORDERS}: request field 'table_id' became required"],
    ),
    (
        "nested-request-field-became-required",
        lambda d: schema(d, "ItemIn")["required"].append("quantity"),
        [f"POST {ORDERS}: request field 'items[].quantity' became required"],
    ),
    (
        "new-required-request-body",
        lambda d: d["paths"][ORDER]["delete"].update(
            requestBody={"required": True, "content": {JSON: {"schema": ref("ItemIn")}}}
        ),
        [f"DELETE {ORDER}: new required request body"],
    ),
    (
        "new-required-parameter",
        lambda d: d["paths"][ORDERS]["get"]["parameters"].append(
            {"name": "floor", "in": "query", "required": True, "schema": {"type": "string"}}
        ),
        [f"GET {ORDERS}: new required query parameter 'floor'"],
    ),
    (
        "parameter-became-required",
        lambda d: param(d, ORDERS, "get", "limit").update(required=True),
        [f"GET {ORDERS}: query parameter 'limit' became required"],
    ),
    (
        "parameter-removed",
        lambda d: d["paths"][ORDERS]["get"]["parameters"].pop(0),
        [f"GET {ORDERS}: query parameter 'limit' removed"],
    ),
    (
        "max-length-lowered",
        lambda d: prop(d, "OrderIn", "note").update(maxLength=100),
        [f"POST {ORDERS}: request field 'note' maxLength lowered from 200 to 100"],
    ),
    (
        "maximum-lowered",
        lambda d: prop(d, "OrderIn", "guests")["anyOf"][0].update(maximum=10),
        [f"POST {ORDERS}: request field 'guests' maximum lowered from 20 to 10"],
    ),
    (
        "max-items-lowered",
        lambda d: prop(d, "OrderIn", "items").update(maxItems=10),
        [f"POST {ORDERS}: request field 'items' maxItems lowered from 50 to 10"],
    ),
    (
        "min-length-added",
        lambda d: prop(d, "OrderIn", "note").update(minLength=3),
        [f"POST {ORDERS}: request field 'note' minLength 3 added"],
    ),
    (
        "parameter-minimum-raised",
        lambda d: param(d, ORDERS, "get", "limit")["schema"].update(minimum=10),
        [f"GET {ORDERS}: query parameter 'limit' minimum raised from 1 to 10"],
    ),
    (
        "pattern-added",
        lambda d: prop(d, "OrderIn", "note").update(pattern="^[a-z ]*$"),
        [f"POST {ORDERS}: request field 'note' pattern '^[a-z ]*$' added"],
    ),
    (
        "nested-request-minimum-raised",
        lambda d: prop(d, "ItemIn", "quantity").update(minimum=2),
        [f"POST {ORDERS}: request field 'items[].quantity' minimum raised from 1 to 2"],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=name) for name, change, expected in BREAKING],
)
def test_a_breaking_change_is_found_and_named(
    change: Callable[[Doc], object], expected: list[str]
) -> None:
    found = changed(change)
    missing = [message for message in expected if message not in found]
    assert not missing, f"missing {missing} among the findings:\n" + "\n".join(found)


COMPATIBLE: list[tuple[str, Callable[[Doc], object]]] = [
    ("new-path", lambda d: d["paths"].update({"/api/v1/tabs": d["paths"][ORDERS]})),
    ("new-operation", lambda d: d["paths"][ORDER].update(put=d["paths"][ORDERS]["post"])),
    (
        "new-optional-request-field",
        lambda d: schema(d, "OrderIn")["properties"].update(source={"type": "string"}),
    ),
    (
        "new-response-field",
        lambda d: (
            schema(d, "OrderOut")["properties"].update(currency={"type": "string"}),
            schema(d, "OrderOut")["required"].append("currency"),
        ),
    ),
    ("new-enum-value", lambda d: schema(d, "OrderStatus")["enum"].append("closed")),
    (
        "new-optional-parameter",
        lambda d: d["paths"][ORDERS]["get"]["parameters"].append(
            {"name": "table", "in": "query", "required": False, "schema": {"type": "string"}}
        ),
    ),
    (
        "new-response-status",
        lambda d: d["paths"][ORDERS]["post"]["responses"].update({"409": answer({})}),
    ),
    ("request-field-no-longer-required", lambda d: schema(d, "OrderIn")["required"].clear()),
    ("wider-max-length", lambda d: prop(d, "OrderIn", "note").update(maxLength=500)),
    ("lower-minimum", lambda d: param(d, ORDERS, "get", "limit")["schema"].update(minimum=0)),
    (
        "request-type-widened",
        lambda d: prop(d, "OrderIn", "guests")["anyOf"][0].update(type="number"),
    ),
    (
        "response-no-longer-null",
        lambda d: schema(d, "OrderOut")["properties"].update(table_id={"type": "string"}),
    ),
    ("descriptions", lambda d: prop(d, "OrderOut", "total").update(description="In cents.")),
    (
        "path-parameter-renamed",
        lambda d: (
            d["paths"].update({"/api/v1/orders/{id}": d["paths"].pop(ORDER)}),
            param(d, "/api/v1/orders/{id}", "get", "order_id").update(name="id"),
            param(d, "/api/v1/orders/{id}", "delete", "order_id").update(name="id"),
        ),
    ),
    (
        "schema-inlined",
        lambda d: d["paths"][ORDER]["get"]["responses"].update(
            {"200": answer(copy.deepcopy(schema(d, "OrderOut")))}
        ),
    ),
]


@pytest.mark.parametrize("change", [pytest.param(change, id=name) for name, change in COMPATIBLE])
def test_an_addition_or_a_wider_input_passes(change: Callable[[Doc], object]) -> None:
    assert changed(change) == []


def test_a_recursive_schema_is_compared_once_per_level() -> None:
    def with_tree(doc: Doc) -> Doc:
        schema(doc, "OrderOut")["properties"]["tree"] = ref("Node")
        doc["components"]["schemas"]["Node"] = {
            "type": "object",
            "required": ["name", "children"],
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": ref("Node")},
            },
        }
        return doc

    old, new = with_tree(base()), with_tree(base())
    assert breaking_changes(old, new) == []
    drop(new, "Node", "name")
    assert f"GET {ORDER}: response 200 field 'tree.name' removed" in [
        str(finding) for finding in breaking_changes(old, new)
    ]


def test_a_finding_names_the_method_and_path() -> None:
    assert str(Finding(ORDERS, "post", "response 201 removed")) == (
        f"POST {ORDERS}: response 201 removed"
    )
    assert str(Finding(ORDER, "", "path removed")) == f"{ORDER}: path removed"
