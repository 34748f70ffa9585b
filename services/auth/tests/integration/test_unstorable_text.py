"""Text PostgreSQL cannot store (a NUL byte, a lone surrogate) is a 422 naming the field.

Every write endpoint and every string field of its body are read from auth's OpenAPI
document, so an endpoint or field added later is tried too.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from pos_kit.testing.tokens import bearer

PROBLEM = "application/problem+json"
WRITE_METHODS = ("post", "put", "patch", "delete")
UNSTORABLE = {"a NUL byte": "Chez\u0000Test", "a lone surrogate": "Chez\ud800Test"}


def valid_bodies() -> dict[str, dict[str, Any]]:
    """A body each write endpoint would accept, by path: one field at a time is spoiled."""
    email = f"owner-{uuid.uuid4().hex[:10]}@bistro.example"
    return {
        "/api/v1/auth/signup": {
            "restaurant_name": "Chez Test",
            "email": email,
            "password": "correct horse battery",
            "full_name": "Olive Owner",
        },
        "/api/v1/auth/login": {"email": email, "password": "correct horse battery"},
        "/api/v1/auth/refresh": {"refresh_token": "a-refresh-token"},
        "/api/v1/auth/logout": {"refresh_token": "a-refresh-token"},
        "/api/v1/auth/users": {
            "email": f"waiter-{uuid.uuid4().hex[:10]}@bistro.example",
            "full_name": "Sam Waiter",
            "role": "waiter",
            "password": "a staff password",
        },
        "/api/v1/auth/token": {
            "grant_type": "client_credentials",
            "client_id": "restaurant",
            "client_secret": "a client secret",
            "scope": "users:write",
            "tenant_id": str(uuid.uuid4()),
        },
        "/api/v1/auth/guest-tokens": {"table_id": str(uuid.uuid4())},
    }


async def guest_issuer_headers(service_clients: Any, tenant_id: str) -> dict[str, str]:
    """The restaurant service's token for guest links: the only caller guest-tokens reads."""
    token = await service_clients.token(
        "restaurant-links", "links-secret-123", ["guests:issue"], tenant_id=tenant_id
    )
    return bearer(token)


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _is_text(schema: dict[str, Any], document: dict[str, Any]) -> bool:
    schema = _resolve(schema, document)
    if schema.get("type") == "string":
        return True
    return any(_is_text(option, document) for option in schema.get("anyOf", []))


def write_endpoints(document: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """(method, path) of every write endpoint with a JSON body, and its body's string fields."""
    found: dict[tuple[str, str], list[str]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method not in WRITE_METHODS or "application/json" not in content:
                continue
            body = _resolve(content["application/json"]["schema"], document)
            found[(method, path)] = [
                name
                for name, field in body.get("properties", {}).items()
                if _is_text(field, document)
            ]
    return found


async def test_every_write_endpoint_with_a_body_is_tried(app) -> None:
    endpoints = write_endpoints(app.openapi())
    assert {path for _, path in endpoints} == set(valid_bodies())
    assert all(fields for fields in endpoints.values())


@pytest.mark.parametrize("what", UNSTORABLE)
async def test_unstorable_text_in_any_field_is_422_naming_it(
    client, app, staff, service_clients, what
) -> None:
    owner = await staff.sign_up()
    callers = {
        "/api/v1/auth/guest-tokens": await guest_issuer_headers(service_clients, owner["tenant_id"])
    }
    bad = UNSTORABLE[what]
    for (method, path), fields in write_endpoints(app.openapi()).items():
        caller = callers.get(path, staff.headers(owner))
        for field in fields:
            body = valid_bodies()[path] | {field: bad}
            response = await client.request(
                method,
                path,
                # json.dumps escapes the surrogate as JSON allows ("\ud800"); a client
                # library that encodes to UTF-8 first could not send it at all.
                content=json.dumps(body).encode(),
                headers={"content-type": "application/json", **caller},
            )
            where = f"{what} in {method.upper()} {path} {field}"
            assert response.status_code == 422, f"{where}: {response.status_code} {response.text}"
            assert response.headers["content-type"] == PROBLEM, where
            assert f"body.{field}" in {e["field"] for e in response.json()["errors"]}, where
