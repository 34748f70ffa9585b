"""Guest tokens: issued to a restaurant's service account for one table; a guest is no staff."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import FastAPI

from pos_kit.testing.tokens import bearer

GUEST_TOKENS = "/api/v1/auth/guest-tokens"
CLIENT = {"client_id": "restaurant-guests", "secret": "guest-links-secret-1"}


async def service_token(service_clients: Any, *, scopes: list[str], **extra: Any) -> str:
    """The restaurant service's token, the client registered with `scopes` and asking them."""
    token: str = await service_clients.token(
        CLIENT["client_id"], CLIENT["secret"], scopes, scope=" ".join(scopes), **extra
    )
    return token


async def guest_link(
    service_clients: Any, tenant_id: str, table_id: str, **body: Any
) -> dict[str, Any]:
    token = await service_token(service_clients, scopes=["guests:issue"], tenant_id=tenant_id)
    response = await service_clients.client.post(
        GUEST_TOKENS, json={"table_id": table_id, **body}, headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    answer: dict[str, Any] = response.json()
    return answer


async def test_a_restaurants_service_account_gets_a_short_lived_token_for_a_new_guest(
    client, app, staff, service_clients
) -> None:
    owner = await staff.sign_up()
    table = str(uuid.uuid4())

    first = await guest_link(service_clients, owner["tenant_id"], table)
    second = await guest_link(service_clients, owner["tenant_id"], table)

    guest = await app.state.token_verifier.verify(first["access_token"])
    assert guest.role == "guest"
    assert guest.tenant_id == owner["tenant_id"]
    assert guest.claims["table_id"] == table
    assert re.fullmatch(r"guest:[0-9a-f-]{36}", guest.subject)
    assert not guest.scopes
    assert guest.claims["exp"] - guest.claims["iat"] == 3 * 3600 == first["expires_in"]
    assert first["table_id"] == table
    assert first["token_type"] == "Bearer"
    next_party = await app.state.token_verifier.verify(second["access_token"])
    assert next_party.subject != guest.subject, "a new link is a new guest"


async def test_a_guest_link_lasts_what_is_asked_up_to_twelve_hours(
    client, app, staff, service_clients
) -> None:
    owner = await staff.sign_up()
    token = await service_token(
        service_clients, scopes=["guests:issue"], tenant_id=owner["tenant_id"]
    )
    table = str(uuid.uuid4())

    short = await guest_link(service_clients, owner["tenant_id"], table, ttl_seconds=900)
    longest = await guest_link(service_clients, owner["tenant_id"], table, ttl_seconds=12 * 3600)
    too_long = await client.post(
        GUEST_TOKENS, json={"table_id": table, "ttl_seconds": 12 * 3600 + 1}, headers=bearer(token)
    )
    too_short = await client.post(
        GUEST_TOKENS, json={"table_id": table, "ttl_seconds": 0}, headers=bearer(token)
    )

    claims = (await app.state.token_verifier.verify(short["access_token"])).claims
    assert claims["exp"] - claims["iat"] == 900
    assert longest["expires_in"] == 12 * 3600
    assert (too_long.status_code, too_short.status_code) == (422, 422)


async def test_only_a_restaurants_service_account_with_the_scope_issues_guest_tokens(
    client, app, staff, service_clients
) -> None:
    owner = await staff.sign_up()
    tenant = owner["tenant_id"]
    table = str(uuid.uuid4())
    guest = (await guest_link(service_clients, tenant, table))["access_token"]
    callers = {
        "a service token without the scope": await service_token(
            service_clients, scopes=["users:write"], tenant_id=tenant
        ),
        "a service token for no restaurant": await service_token(
            service_clients, scopes=["guests:issue"]
        ),
        "the owner": owner["access_token"],
        "a guest": guest,
    }

    for who, token in callers.items():
        refused = await client.post(GUEST_TOKENS, json={"table_id": table}, headers=bearer(token))
        assert refused.status_code == 403, who
    anonymous = await client.post(GUEST_TOKENS, json={"table_id": table})
    assert anonymous.status_code == 401


# Endpoints anyone may call: they take credentials in the body, or publish keys.
PUBLIC = {
    "/api/v1/auth/signup",
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/logout",
    "/api/v1/auth/token",
    "/.well-known/jwks.json",
}


def guarded_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every method and path of auth's API that needs a token (as its OpenAPI document
    lists them), path ids filled in."""
    found = []
    for template, operations in app.openapi()["paths"].items():
        if template in PUBLIC or not template.startswith("/api/"):
            continue
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template)
        found += [(method.upper(), path) for method in sorted(operations)]
    return found


async def test_a_guest_token_opens_no_staff_endpoint(client, app, staff, service_clients) -> None:
    owner = await staff.sign_up()
    guest = (await guest_link(service_clients, owner["tenant_id"], str(uuid.uuid4())))[
        "access_token"
    ]
    routes = guarded_routes(app)
    assert ("GET", "/api/v1/auth/users") in routes  # the walk sees the staff endpoints

    for method, path in routes:
        answer = await client.request(method, path, json={}, headers=bearer(guest))
        expected = 404 if path == "/api/v1/auth/me" else 403
        assert answer.status_code == expected, f"{method} {path}: {answer.text}"
    listed = await client.get("/api/v1/auth/users", headers=bearer(owner["access_token"]))
    assert [u["email"] for u in listed.json()["items"]] == [owner["user"]["email"]]
