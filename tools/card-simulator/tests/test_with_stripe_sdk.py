"""The official Stripe SDK, pointed at the simulator, sees Stripe's answers and errors."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
import stripe

from pos_card_simulator.app import create_app
from pos_card_simulator.config import SimulatorSettings
from pos_kit.testing.servers import ThreadedServer


@pytest.fixture(scope="module")
def simulator() -> Iterator[ThreadedServer]:
    with ThreadedServer(create_app(SimulatorSettings())) as server:
        yield server


@pytest_asyncio.fixture(loop_scope="session")
async def sdk(simulator: ThreadedServer) -> AsyncIterator[stripe.StripeClient]:
    http = stripe.HTTPXClient(timeout=5)
    yield client_for(simulator, http, "sk_test_simulator")
    await http.close_async()  # type: ignore[no-untyped-call]


def client_for(simulator: ThreadedServer, http: Any, key: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        key, base_addresses={"api": simulator.url}, http_client=http, max_network_retries=0
    )


def intent(**overrides: Any) -> Any:
    return {
        "amount": 2150,
        "currency": "eur",
        "confirm": True,
        "payment_method": "pm_card_mastercard",
        "allowed_payment_method_types": ["card"],
        "expand": ["payment_method"],
        "metadata": {"payment_id": str(uuid.uuid4())},
    } | overrides


async def test_create_and_confirm_then_replay_with_the_same_key(
    sdk: stripe.StripeClient, simulator: ThreadedServer
) -> None:
    key = str(uuid.uuid4())
    params = intent()

    first = await sdk.v1.payment_intents.create_async(params, {"idempotency_key": key})
    again = await sdk.v1.payment_intents.create_async(params, {"idempotency_key": key})

    assert (first.status, first.amount, first.currency) == ("succeeded", 2150, "eur")
    assert (first.payment_method.card.brand, first.payment_method.card.last4) == (
        "mastercard",
        "4444",
    )
    assert first.metadata["payment_id"] == params["metadata"]["payment_id"]
    assert again.id == first.id
    assert again.last_response.headers["idempotent-replayed"] == "true"
    async with httpx.AsyncClient(base_url=simulator.url) as admin:
        charges = (await admin.get("/_simulator/charges")).json()["charges"]
    assert charges[key] == 1


async def test_the_same_key_with_other_params_raises_the_sdks_idempotency_error(
    sdk: stripe.StripeClient,
) -> None:
    key = str(uuid.uuid4())
    await sdk.v1.payment_intents.create_async(intent(), {"idempotency_key": key})

    with pytest.raises(stripe.IdempotencyError):
        await sdk.v1.payment_intents.create_async(intent(amount=1), {"idempotency_key": key})


@pytest.mark.parametrize(
    ("token", "decline_code"),
    [
        ("pm_card_chargeDeclined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
    ],
)
async def test_declines_raise_the_sdks_card_error(
    sdk: stripe.StripeClient, token: str, decline_code: str
) -> None:
    with pytest.raises(stripe.CardError) as declined:
        await sdk.v1.payment_intents.create_async(
            intent(payment_method=token), {"idempotency_key": str(uuid.uuid4())}
        )

    assert declined.value.http_status == 402
    assert declined.value.code == "card_declined"
    assert declined.value.error.decline_code == decline_code
    assert declined.value.error.payment_intent.id.startswith("pi_")


async def test_a_refund_of_part_of_a_payment(sdk: stripe.StripeClient) -> None:
    paid = await sdk.v1.payment_intents.create_async(
        intent(), {"idempotency_key": str(uuid.uuid4())}
    )

    refund = await sdk.v1.refunds.create_async(
        {"payment_intent": paid.id, "amount": 650, "metadata": {"refund_id": "r-1"}},
        {"idempotency_key": str(uuid.uuid4())},
    )

    assert (refund.status, refund.amount, refund.payment_intent) == ("succeeded", 650, paid.id)
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        await sdk.v1.refunds.create_async(
            {"payment_intent": paid.id, "amount": 1501}, {"idempotency_key": str(uuid.uuid4())}
        )
    assert too_much.value.code == "amount_too_large"


async def test_a_live_or_missing_key_is_refused(simulator: ThreadedServer) -> None:
    http = stripe.HTTPXClient(timeout=5)
    try:
        with pytest.raises(stripe.AuthenticationError):
            await client_for(simulator, http, "sk_live_nope").v1.payment_intents.create_async(
                intent(), {"idempotency_key": str(uuid.uuid4())}
            )
    finally:
        await http.close_async()  # type: ignore[no-untyped-call]


def test_the_admin_api_sets_the_hang_and_latency(simulator: ThreadedServer) -> None:
    changed = httpx.put(
        f"{simulator.url}/_simulator/settings", json={"hang": True, "latency_seconds": 0.5}
    ).json()
    released = httpx.put(
        f"{simulator.url}/_simulator/settings", json={"hang": False, "latency_seconds": 0}
    ).json()

    assert changed == {"hang": True, "latency_seconds": 0.5, "held": 0}
    assert released == {"hang": False, "latency_seconds": 0.0, "held": 0}
