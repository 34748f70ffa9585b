"""The inventory client holds stock with pos-core's own token; auth failing to give one is a
503 that names auth, and nothing reaches inventory."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from pos_core.adapters.inventory import RESERVE_SCOPE, InventoryClient
from pos_core.domain.errors import InventoryUnavailable
from pos_core.domain.stock import StockLine
from pos_kit.http import ClientPolicy, ResilientClient, RetryPolicy, ServiceTokens

TENANT = uuid.uuid4()
ORDER = uuid.uuid4()
LINES = [StockLine(uuid.uuid4(), 2)]
ONE_TRY = ClientPolicy(total_timeout=1.0, attempt_timeout=0.5, retry=RetryPolicy(max_attempts=1))


class Inventory:
    """inventory's reservation endpoints, answered from a script; keeps what it received."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.received: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        status = self.statuses.pop(0) if self.statuses else 201
        if status >= 400:
            return httpx.Response(status, json={"detail": "no"})
        return httpx.Response(status, json={"id": "r-1", "status": "held", "lines": []})


def client_with(inventory: Inventory, auth: httpx.MockTransport) -> InventoryClient:
    tokens = ServiceTokens(
        ResilientClient("auth", "http://auth", transport=auth, policy=ONE_TRY),
        client_id="pos-core",
        client_secret="secret",
        scope=RESERVE_SCOPE,
    )
    http = ResilientClient(
        "inventory", "http://inventory", transport=httpx.MockTransport(inventory), policy=ONE_TRY
    )
    return InventoryClient(http, tokens)


def issuing(requests: list[dict[str, str]]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        requests.append(body)
        token = f"pos-core-{body['tenant_id']}-{len(requests)}"
        return httpx.Response(200, json={"access_token": token, "expires_in": 600})

    return httpx.MockTransport(answer)


async def test_a_reservation_goes_with_pos_cores_token_for_the_restaurant() -> None:
    asked: list[dict[str, str]] = []
    inventory = Inventory(401, 201)  # a rotated key: the first token is refused once

    reservation = await client_with(inventory, issuing(asked)).reserve(
        tenant_id=TENANT, order_id=ORDER, lines=LINES
    )

    assert reservation.id == "r-1"
    assert [(a["client_id"], a["scope"], a["tenant_id"]) for a in asked] == [
        ("pos-core", "inventory:reserve", str(TENANT))
    ] * 2
    assert [r.headers["authorization"] for r in inventory.received] == [
        f"Bearer pos-core-{TENANT}-1",
        f"Bearer pos-core-{TENANT}-2",
    ]
    assert {r.headers["idempotency-key"] for r in inventory.received} == {str(ORDER)}


@pytest.mark.parametrize(
    ("auth", "why"),
    [
        (httpx.ConnectError("refused"), "auth is unavailable"),
        (httpx.ReadTimeout("slow"), "auth did not answer in time"),
        (httpx.Response(401, json={"detail": "bad secret"}), "auth refused pos-core's token"),
    ],
    ids=["down", "hanging", "refusing"],
)
async def test_no_token_from_auth_is_a_503_naming_auth_and_inventory_is_not_called(
    auth: Exception | httpx.Response, why: str
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if isinstance(auth, Exception):
            raise auth
        return auth

    inventory = Inventory()
    client = client_with(inventory, httpx.MockTransport(answer))

    for attempt in (
        client.reserve(tenant_id=TENANT, order_id=ORDER, lines=LINES),
        client.commit("r-1", tenant_id=TENANT),
        client.release("r-1", tenant_id=TENANT),
    ):
        with pytest.raises(InventoryUnavailable) as unavailable:
            await attempt
        assert unavailable.value.status == 503
        assert unavailable.value.detail.startswith(why)
        assert "pos-core has no token of its own" in unavailable.value.detail
        assert unavailable.value.extra["downstream"] == "auth"
        assert int(unavailable.value.headers["Retry-After"]) >= 1
    assert inventory.received == []
