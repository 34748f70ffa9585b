"""Stripe's JSON shapes, as the SDK reads them: PaymentIntent, PaymentMethod, Refund, error.

Only the fields of the subset the simulator speaks, named and typed as in Stripe's
published OpenAPI description (github.com/stripe/openapi, `payment_intent`,
`payment_method`, `refund`, `error`).
"""

from __future__ import annotations

import secrets
import string
import time
from typing import Any

from pos_card_simulator.cards import TestCard

_ALPHABET = string.ascii_letters + string.digits
DOCS = "https://stripe.com/docs/error-codes"


def new_id(prefix: str) -> str:
    """An object id shaped like Stripe's: `pi_`, `ch_`, `pm_`, `re_`, `req_` and 24 characters."""
    return f"{prefix}_" + "".join(secrets.choice(_ALPHABET) for _ in range(24))


def now() -> int:
    return int(time.time())


def payment_method(card: TestCard) -> dict[str, Any]:
    """A card PaymentMethod: brand, last 4 and expiry; never a full number."""
    return {
        "id": new_id("pm"),
        "object": "payment_method",
        "type": "card",
        "created": now(),
        "livemode": False,
        "customer": None,
        "metadata": {},
        "billing_details": {"address": None, "email": None, "name": None, "phone": None},
        "card": {
            "brand": card.brand,
            "last4": card.last4,
            "exp_month": 12,
            "exp_year": 2034,
            "funding": card.funding,
            "country": card.country,
        },
    }


def payment_intent(
    *,
    amount: int,
    currency: str,
    status: str,
    method: dict[str, Any],
    expand_method: bool,
    charge_id: str,
    metadata: dict[str, str],
    description: str | None,
    last_payment_error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    intent_id = new_id("pi")
    succeeded = status == "succeeded"
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": amount if succeeded else 0,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_{new_id('s')[2:]}",
        "confirmation_method": "automatic",
        "created": now(),
        "currency": currency,
        "customer": None,
        "description": description,
        "last_payment_error": last_payment_error,
        "latest_charge": charge_id,
        "livemode": False,
        "metadata": metadata,
        "next_action": None,
        "payment_method": method if expand_method else method["id"],
        "payment_method_types": ["card"],
        "status": status,
    }


def refund(
    *, intent: dict[str, Any], amount: int, reason: str | None, metadata: dict[str, str]
) -> dict[str, Any]:
    return {
        "id": new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": intent["latest_charge"],
        "created": now(),
        "currency": intent["currency"],
        "metadata": metadata,
        "payment_intent": intent["id"],
        "reason": reason,
        "receipt_number": None,
        "status": "succeeded",
    }


def error(
    type_: str,
    message: str,
    *,
    code: str | None = None,
    param: str | None = None,
    **more: Any,
) -> dict[str, Any]:
    """Stripe's error envelope: `{"error": {"type", "message", "code"?, "param"?, ...}}`."""
    body: dict[str, Any] = {"type": type_, "message": message}
    if code is not None:
        body["code"] = code
        body["doc_url"] = f"{DOCS}/{code.replace('_', '-')}"
    if param is not None:
        body["param"] = param
    body.update(more)
    return {"error": body}
