"""The card processor: a protocol, and Stripe's PaymentIntents and Refunds through its SDK.

Every call carries an idempotency key, and asking again with the same key and the
same parameters is how a lost answer is found: the processor replays the first
result (Stripe keeps it at least 24 hours) and never charges twice. So a timeout,
a dropped connection or a 5xx is never "failed": it is `NoAnswer`, and the payment
waits, pending, until the same question gets an answer. The SDK's own retries are
off (we decide when to ask again) and every call is bounded by our timeout.

The local card simulator (tools/card-simulator) speaks the same subset of Stripe's
API, so this code runs unchanged against both; base URL and key come from settings.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import stripe
import structlog
from stripe.params import PaymentIntentCreateParams, RefundCreateParams

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CardCharge:
    idempotency_key: str
    amount: int
    currency: str
    # The processor's token for the card (`pm_...`): the only card data we ever hold.
    payment_method: str
    metadata: Mapping[str, str]


@dataclass(frozen=True)
class CardRefund:
    idempotency_key: str
    # The charge's reference at the processor (the PaymentIntent id).
    charge_reference: str
    amount: int
    metadata: Mapping[str, str]


@dataclass(frozen=True)
class Approved:
    reference: str
    card_brand: str | None = None
    card_last4: str | None = None


@dataclass(frozen=True)
class Refused:
    """A final no: the card was declined, or the processor refused the request itself."""

    code: str
    reference: str | None = None


@dataclass(frozen=True)
class NoAnswer:
    """The outcome is unknown (timeout, connection, 5xx, rate limit): ask again, same key."""

    why: str


ChargeOutcome = Approved | Refused | NoAnswer
RefundOutcome = Approved | Refused | NoAnswer


class CardProcessor(Protocol):
    async def charge(self, charge: CardCharge) -> ChargeOutcome:
        """Charge the card; with a key already used, the first outcome again (no new charge)."""

    async def refund(self, refund: CardRefund) -> RefundOutcome:
        """Give money back to the card; with a key already used, the first outcome again."""

    async def aclose(self) -> None: ...


class StripeProcessor:
    def __init__(self, *, api_key: str, base_url: str, timeout: float) -> None:
        # The SDK's INFO lines repeat what we log; its DEBUG lines carry request bodies,
        # which have no place in our logs whatever the service's log level.
        logging.getLogger("stripe").setLevel(logging.WARNING)
        self.timeout = timeout
        self._http = stripe.HTTPXClient(timeout=timeout)
        self._stripe = stripe.StripeClient(
            api_key,
            base_addresses={"api": base_url},
            http_client=self._http,
            max_network_retries=0,
        )

    async def aclose(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]  # untyped in the SDK

    async def charge(self, charge: CardCharge) -> ChargeOutcome:
        params: PaymentIntentCreateParams = {
            "amount": charge.amount,
            "currency": charge.currency.lower(),
            "confirm": True,
            "payment_method": charge.payment_method,
            # In person at the till: a card, no redirecting payment methods.
            "allowed_payment_method_types": ["card"],
            # Brand and last 4 come with the PaymentMethod; nothing more is kept.
            "expand": ["payment_method"],
            "metadata": dict(charge.metadata),
        }
        try:
            async with asyncio.timeout(self.timeout):
                intent = await self._stripe.v1.payment_intents.create_async(
                    params, {"idempotency_key": charge.idempotency_key}
                )
        except stripe.CardError as declined:
            return Refused(_decline_code(declined), _intent_id(declined))
        except Exception as exc:
            return read_failure("card_charge", exc)
        if intent.status != "succeeded":
            # Card-present payments succeed or are declined at once; anything else (an
            # action the guest would have to take) cannot be completed at the till.
            return Refused(f"intent_{intent.status}", intent.id)
        card = getattr(intent.payment_method, "card", None)
        return Approved(
            intent.id,
            card_brand=getattr(card, "brand", None),
            card_last4=getattr(card, "last4", None),
        )

    async def refund(self, refund: CardRefund) -> RefundOutcome:
        params: RefundCreateParams = {
            "payment_intent": refund.charge_reference,
            "amount": refund.amount,
            "metadata": dict(refund.metadata),
        }
        try:
            async with asyncio.timeout(self.timeout):
                done = await self._stripe.v1.refunds.create_async(
                    params, {"idempotency_key": refund.idempotency_key}
                )
        except Exception as exc:
            return read_failure("card_refund", exc)
        if done.status in ("failed", "canceled"):
            return Refused(f"refund_{done.status}", done.id)
        return Approved(done.id)


def read_failure(what: str, exc: Exception) -> NoAnswer | Refused:
    """What a failed call means: an unknown outcome waits for the same question again;
    only a request refused outright is final. Anything else is a bug, raised again."""
    if isinstance(exc, TimeoutError):
        log.warning(f"{what}_no_answer", why="timeout")
        return NoAnswer("timeout")
    if isinstance(exc, stripe.IdempotencyError):
        # Our parameters for this key changed (a bug, or a deploy between two attempts):
        # the first attempt may have charged. Not final: someone must look.
        log.error(f"{what}_idempotency_mismatch", error=str(exc))
        return NoAnswer("idempotency_mismatch")
    if isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError | stripe.APIError):
        # Includes 409 idempotency_key_in_use (the first attempt still runs) and 5xx.
        log.warning(f"{what}_no_answer", why=type(exc).__name__, status=_status(exc))
        return NoAnswer(type(exc).__name__)
    if isinstance(exc, stripe.StripeError):
        # Refused as asked (bad token, wrong key, not allowed): nothing was charged.
        log.error(f"{what}_refused", error=type(exc).__name__, code=exc.code, status=_status(exc))
        return Refused(exc.code or type(exc).__name__)
    raise exc


def _decline_code(declined: stripe.CardError) -> str:
    error = declined.error
    return str(getattr(error, "decline_code", None) or declined.code or "card_declined")


def _intent_id(declined: stripe.CardError) -> str | None:
    intent = getattr(declined.error, "payment_intent", None)
    return getattr(intent, "id", None)


def _status(exc: Exception) -> int | None:
    return getattr(exc, "http_status", None)
