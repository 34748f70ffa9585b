"""The simulated processor: Stripe's idempotency, declines, refunds, and the hang."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from pos_card_simulator.processor import Answer, Processor
from pos_kit.events.testing import wait_until

ACCOUNT = "sk_test_a"


def intent(**overrides: Any) -> dict[str, Any]:
    return {
        "amount": "2000",
        "currency": "eur",
        "confirm": "true",
        "payment_method": "pm_card_visa",
        "expand": ["payment_method"],
    } | overrides


async def charge(processor: Processor, key: str | None, params: dict[str, Any]) -> Answer:
    return await processor.handle(
        "payment_intents",
        account=ACCOUNT,
        key=key,
        params=params,
        execute=processor.create_payment_intent,
    )


async def test_the_same_key_and_params_replay_the_first_answer_without_a_new_charge() -> None:
    processor = Processor()

    first = await charge(processor, "k1", intent())
    again = await charge(processor, "k1", intent())

    assert (first.status, first.replayed, again.replayed) == (200, False, True)
    assert again.body == first.body
    assert first.body["status"] == "succeeded"
    assert first.body["payment_method"]["card"] == {
        "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034,
        "funding": "credit", "country": "US",
    }  # fmt: skip
    assert processor.charges == {"k1": 1}


async def test_the_same_key_with_other_params_is_an_idempotency_error() -> None:
    processor = Processor()
    await charge(processor, "k1", intent())

    other = await charge(processor, "k1", intent(amount="2001"))

    assert other.status == 400
    assert other.body["error"]["type"] == "idempotency_error"
    assert processor.charges == {"k1": 1}


async def test_a_key_still_executing_answers_409_in_use() -> None:
    processor = Processor(latency_seconds=30)
    first = asyncio.create_task(charge(processor, "k1", intent()))

    async def executing() -> bool:
        return processor.executing == 1

    await wait_until(executing, what="the first charge to execute")

    second = await charge(processor, "k1", intent())

    first.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await first
    assert second.status == 409
    assert second.body["error"]["code"] == "idempotency_key_in_use"


async def test_declines_are_saved_and_replayed_like_successes() -> None:
    processor = Processor()

    declined = await charge(processor, "k1", intent(payment_method="pm_card_chargeDeclined"))
    again = await charge(processor, "k1", intent(payment_method="pm_card_chargeDeclined"))
    broke = await charge(
        processor, "k2", intent(payment_method="pm_card_chargeDeclinedInsufficientFunds")
    )

    assert (declined.status, again.status, again.replayed) == (402, 402, True)
    error = declined.body["error"]
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", "card_declined", "generic_decline"
    )  # fmt: skip
    assert error["payment_intent"]["status"] == "requires_payment_method"
    assert broke.body["error"]["decline_code"] == "insufficient_funds"
    assert processor.charges == {"k1": 1, "k2": 1}


async def test_a_request_refused_by_validation_is_not_saved_so_it_can_be_corrected() -> None:
    processor = Processor()

    unknown = await charge(processor, "k1", intent(payment_method="pm_card_bogus"))
    corrected = await charge(processor, "k1", intent())

    assert unknown.status == 400
    assert unknown.body["error"]["code"] == "resource_missing"
    assert (corrected.status, corrected.replayed) == (200, False)


async def test_refunds_give_back_at_most_what_is_left() -> None:
    processor = Processor()
    paid = await charge(processor, "k1", intent())

    async def refund(key: str, **params: str) -> Answer:
        return await processor.handle(
            "refunds", account=ACCOUNT, key=key,
            params={"payment_intent": paid.body["id"], **params},
            execute=processor.create_refund,
        )  # fmt: skip

    part = await refund("r1", amount="1500")
    too_much = await refund("r2", amount="501")
    rest = await refund("r3")
    nothing_left = await refund("r4")

    assert (part.status, part.body["amount"], part.body["payment_intent"]) == (
        200, 1500, paid.body["id"]
    )  # fmt: skip
    assert too_much.body["error"]["code"] == "amount_too_large"
    assert (rest.status, rest.body["amount"]) == (200, 500)
    assert nothing_left.body["error"]["code"] == "charge_already_refunded"


async def test_a_hang_holds_requests_until_it_is_lifted_and_they_then_run() -> None:
    processor = Processor()
    processor.hang(True)
    held = asyncio.create_task(charge(processor, "k1", intent()))

    async def waiting() -> bool:
        return processor.held == 1

    await wait_until(waiting, what="the request to be held")

    assert not held.done()
    assert processor.charges == {}
    processor.hang(False)
    answer = await held

    assert answer.status == 200
    assert (processor.charges, processor.held) == ({"k1": 1}, 0)
