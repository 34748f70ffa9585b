"""Who is calling: the tenant is a UUID checked at verification, the role-or-scope rule and
the service-only rule."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI

from pos_kit.errors import Unauthorized
from pos_kit.problem_details import install_problem_handlers
from pos_kit.security import CurrentPrincipal, require_role_or_scope, require_service_scope
from pos_kit.testing.tokens import TestTokens, bearer
from pos_kit.tokens import Principal

RESTAURANT = str(uuid.uuid4())


@pytest.fixture
def tokens() -> TestTokens:
    return TestTokens()


async def test_a_verified_principal_carries_its_tenant_as_a_uuid_and_its_token(
    tokens: TestTokens,
) -> None:
    token = tokens.staff(tenant_id=RESTAURANT.upper(), role="waiter")

    principal = await tokens.verifier().verify(token)

    assert principal.tenant == uuid.UUID(RESTAURANT)
    assert principal.tenant_id == RESTAURANT, "one spelling of the id, whatever the token's"
    assert principal.token == token
    assert token not in repr(principal)


@pytest.mark.parametrize("tenant", ["restaurant-4", "1234", "{not-a-uuid}"])
async def test_a_tenant_that_is_not_a_uuid_is_refused_at_verification(
    tokens: TestTokens, tenant: str
) -> None:
    for token in (
        tokens.staff(tenant_id=tenant, role="owner"),
        tokens.service("pos-core", ["inventory:reserve"], tenant_id=tenant),
    ):
        with pytest.raises(Unauthorized, match="not a valid restaurant id") as refused:
            await tokens.verifier().verify(token)
        assert refused.value.status == 401


async def test_a_service_acting_for_no_restaurant_has_no_tenant(tokens: TestTokens) -> None:
    principal = await tokens.verifier().verify(tokens.service("pos-core", ["events:replay"]))

    assert principal.is_service
    assert principal.tenant_id is None
    with pytest.raises(Unauthorized, match="names no restaurant"):
        _ = principal.tenant


def test_the_token_does_not_make_two_principals_different() -> None:
    first = Principal(subject="u", tenant_id=RESTAURANT, role="waiter", token="a")

    assert first == Principal(subject="u", tenant_id=RESTAURANT, role="waiter", token="b")
    assert first == Principal(
        subject="u", tenant_id=RESTAURANT, role="waiter", claims={"jti": "another"}
    )


async def test_a_principal_carries_the_verified_claims_read_only(tokens: TestTokens) -> None:
    table = str(uuid.uuid4())
    token = tokens.guest(tenant_id=RESTAURANT, table_id=table, subject="guest:link-1")

    principal = await tokens.verifier().verify(token)

    assert (principal.role, principal.subject, principal.tenant_id) == (
        "guest",
        "guest:link-1",
        RESTAURANT,
    )
    assert principal.claims["table_id"] == table
    assert principal.claims["aud"] == tokens.audience
    assert not principal.is_service
    assert table not in repr(principal)
    with pytest.raises(TypeError):
        principal.claims["table_id"] = str(uuid.uuid4())  # type: ignore[index]


StockReserver = Annotated[
    Principal, Depends(require_role_or_scope("owner", "manager", scope="inventory:reserve"))
]


@pytest.fixture
async def inventory(tokens: TestTokens) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = tokens.verifier()

    @app.post("/reservations")
    async def reserve(who: StockReserver) -> dict[str, str]:
        return {"tenant": str(who.tenant), "subject": who.subject}

    @app.get("/me")
    async def me(who: CurrentPrincipal) -> dict[str, str]:
        return {"tenant": str(who.tenant)}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://inventory") as client:
        yield client


async def test_staff_in_a_role_or_a_service_with_the_scope_for_one_restaurant(
    inventory: httpx.AsyncClient, tokens: TestTokens
) -> None:
    allowed = {
        "manager": tokens.staff(tenant_id=RESTAURANT, role="manager"),
        "pos-core for the restaurant": tokens.service(
            "pos-core", ["inventory:reserve"], tenant_id=RESTAURANT
        ),
    }
    refused = {
        "waiter": tokens.staff(tenant_id=RESTAURANT, role="waiter"),
        "pos-core for no restaurant": tokens.service("pos-core", ["inventory:reserve"]),
        "pos-core without the scope": tokens.service(
            "pos-core", ["orders:read"], tenant_id=RESTAURANT
        ),
        "a guest at a table": tokens.guest(tenant_id=RESTAURANT, table_id=str(uuid.uuid4())),
    }

    for who, token in allowed.items():
        answer = await inventory.post("/reservations", headers=bearer(token))
        assert (answer.status_code, answer.json()["tenant"]) == (200, RESTAURANT), who
    for who, token in refused.items():
        answer = await inventory.post("/reservations", headers=bearer(token))
        assert answer.status_code == 403, who
        assert answer.headers["content-type"] == "application/problem+json"


async def test_a_token_naming_no_valid_restaurant_is_a_401(
    inventory: httpx.AsyncClient, tokens: TestTokens
) -> None:
    answer = await inventory.get(
        "/me", headers=bearer(tokens.staff(tenant_id="restaurant-4", role="owner"))
    )

    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.headers["content-type"] == "application/problem+json"


StockHolder = Annotated[Principal, Depends(require_service_scope("inventory:reserve"))]


@pytest.fixture
async def stock_holds(tokens: TestTokens) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = tokens.verifier()

    @app.post("/holds")
    async def hold(who: StockHolder) -> dict[str, str]:
        return {"tenant": str(who.tenant), "subject": who.subject}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://inventory") as client:
        yield client


async def test_only_a_service_with_the_scope_for_one_restaurant_passes_a_service_scope(
    stock_holds: httpx.AsyncClient, tokens: TestTokens
) -> None:
    pos_core = tokens.service("pos-core", ["inventory:reserve"], tenant_id=RESTAURANT)
    answer = await stock_holds.post("/holds", headers=bearer(pos_core))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"tenant": RESTAURANT, "subject": "service:pos-core"}

    refused = {
        **{
            f"a {role}": tokens.staff(tenant_id=RESTAURANT, role=role)
            for role in ("owner", "manager", "cashier", "waiter", "kitchen")
        },
        "a guest at a table": tokens.guest(tenant_id=RESTAURANT, table_id=str(uuid.uuid4())),
        "pos-core for no restaurant": tokens.service("pos-core", ["inventory:reserve"]),
        "pos-core without the scope": tokens.service(
            "pos-core", ["menu:read"], tenant_id=RESTAURANT
        ),
    }
    for who, token in refused.items():
        answer = await stock_holds.post("/holds", headers=bearer(token))
        assert answer.status_code == 403, who
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["detail"] == (
            "This is for a service account: it needs a service token with the scope "
            "'inventory:reserve' for this restaurant."
        ), who


async def test_a_service_scope_still_needs_a_valid_token(
    stock_holds: httpx.AsyncClient, tokens: TestTokens
) -> None:
    assert (await stock_holds.post("/holds")).status_code == 401
    expired = tokens.service("pos-core", ["inventory:reserve"], -60, tenant_id=RESTAURANT)
    assert (await stock_holds.post("/holds", headers=bearer(expired))).status_code == 401
