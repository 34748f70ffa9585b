"""Stripe's test payment methods the simulator honours, and what each one does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decline:
    """How the issuer refuses: Stripe's error `code`, `decline_code` and message."""

    code: str
    decline_code: str
    message: str


@dataclass(frozen=True)
class TestCard:
    __test__ = False  # not a pytest test class

    brand: str
    last4: str
    funding: str = "credit"
    country: str = "US"
    decline: Decline | None = None


GENERIC_DECLINE = Decline("card_declined", "generic_decline", "Your card was declined.")
INSUFFICIENT_FUNDS = Decline(
    "card_declined", "insufficient_funds", "Your card has insufficient funds."
)

# The tokens of Stripe's test mode (https://docs.stripe.com/testing), by the card
# each one stands for.
TEST_PAYMENT_METHODS: dict[str, TestCard] = {
    "pm_card_visa": TestCard("visa", "4242"),
    "pm_card_mastercard": TestCard("mastercard", "4444"),
    "pm_card_chargeDeclined": TestCard("visa", "0002", decline=GENERIC_DECLINE),
    "pm_card_chargeDeclinedInsufficientFunds": TestCard("visa", "9995", decline=INSUFFICIENT_FUNDS),
}
