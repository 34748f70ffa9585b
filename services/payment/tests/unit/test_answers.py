"""What a payment or refund is answered, first and on every retry with its key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from pos_payment.domain.payments import Payment, PaymentStatus
from pos_payment.use_cases.answers import PaymentOut, payment_answer

NOW = datetime(2026, 11, 25, 19, 30, tzinfo=UTC)


@pytest.fixture
def card_payment(new_payment) -> Callable[[PaymentStatus], Payment]:
    """A card payment of 2000 and a 150 tip in `status`; declined for insufficient funds."""

    def card(status: PaymentStatus) -> Payment:
        return new_payment(
            status=status,
            amount=2000,
            tip=150,
            payment_method="pm_card_visa",
            card_brand="visa",
            card_last4="4242",
            failure_code="insufficient_funds" if status is PaymentStatus.FAILED else None,
        )

    return card


def test_a_completed_payment_is_201_with_its_location_and_what_the_api_shows(card_payment) -> None:
    paid = replace(card_payment(PaymentStatus.COMPLETED), balance_after=0, completed_at=NOW)

    answer = payment_answer(paid)

    assert answer.status == 201
    assert answer.headers == {"Location": f"/api/v1/payments/{paid.id}"}
    assert answer.body == PaymentOut.of(paid).model_dump(mode="json")
    assert answer.body["card"] == {"brand": "visa", "last4": "4242"}
    assert answer.body["charged"] == 2150
    assert "payment_method" not in answer.body


def test_a_pending_payment_is_202_and_a_declined_one_a_402_problem(card_payment) -> None:
    assert payment_answer(card_payment(PaymentStatus.PENDING)).status == 202
    declined = payment_answer(card_payment(PaymentStatus.FAILED))
    assert declined.status == 402
    assert declined.body["decline_code"] == "insufficient_funds"
    assert "Nothing was charged" in declined.body["detail"]
