"""What a payment request must say for its method; card numbers refused wherever they are."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from pos_payment.api.schemas import PaymentIn, RefundIn

ORDER = str(uuid.uuid4())


def payment(**fields: Any) -> PaymentIn:
    return PaymentIn.model_validate({"order_id": ORDER, "amount": 1000, **fields})


def test_a_card_payment_names_its_token_and_nothing_else_does() -> None:
    payment(method="card", payment_method="pm_card_visa")
    payment(method="cash", tendered=2000, drawer="front")
    payment(method="external")
    for wrong in (
        {"method": "card"},
        {"method": "cash", "payment_method": "pm_card_visa"},
        {"method": "card", "payment_method": "pm_card_visa", "tendered": 2000},
        {"method": "external", "drawer": "front"},
        {"method": "card", "payment_method": "tok_visa"},
    ):
        with pytest.raises(ValidationError):
            payment(**wrong)


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": 1000.0},  # money is never a float
        {"amount": "1000"},
        {"amount": 0},
        {"tip": -1},
        {"lines": [ORDER, ORDER]},
        {"surprise": 1},
    ],
)
def test_amounts_are_whole_minor_units_and_bodies_hold_only_known_fields(
    fields: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError):
        payment(method="external", **fields)


def test_a_card_number_is_refused_naming_where_but_never_what() -> None:
    with pytest.raises(ValidationError) as refused:
        RefundIn.model_validate({"amount": 100, "reason": "to card 4242-4242-4242-4242"})

    (error,) = refused.value.errors(include_input=False)
    assert error["type"] == "card_number_refused"
    assert error["msg"].startswith("reason holds a card number")
    assert "4242" not in error["msg"]
