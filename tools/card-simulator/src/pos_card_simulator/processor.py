"""The simulated processor: charges, refunds and Stripe's idempotency, in memory.

Stripe's idempotency as its documentation describes it: the first request with a
key that begins executing has its status and body saved, and a later request with
the same key and the same parameters gets that answer again (`Idempotent-Replayed:
true`), with no second charge; the same key with other parameters is an
`idempotency_error`; the same key while the first is still executing answers 409
`idempotency_key_in_use`. A request refused by parameter validation (400) is not
saved, so it may be sent again corrected.

Tests steer it: `latency_seconds` (how long a charge takes), `hang` (every request
is held on arrival until the hang is lifted, like a processor that stopped
answering; a held request still runs when released, even if its client gave up),
and `charges` (how many times a key actually charged).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pos_card_simulator import objects
from pos_card_simulator.cards import TEST_PAYMENT_METHODS
from pos_card_simulator.config import SimulatorSettings

INTENT_PARAMS = frozenset({
    "amount", "currency", "confirm", "payment_method", "allowed_payment_method_types",
    "capture_method", "metadata", "description", "expand",
})  # fmt: skip
REFUND_PARAMS = frozenset({"payment_intent", "amount", "reason", "metadata"})
REFUND_REASONS = frozenset({"duplicate", "fraudulent", "requested_by_customer"})
EXPANDABLE = frozenset({"payment_method"})
MAX_AMOUNT = 99_999_999  # Stripe's limit for most currencies (eight digits)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool = False


class ParamError(Exception):
    """Parameter validation failed: a 400 `invalid_request_error`, never saved for replay."""

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.answer = Answer(
            400,
            objects.error(
                "invalid_request_error", message, code=code or "parameter_invalid", param=param
            ),
        )


@dataclass(frozen=True)
class _Saved:
    endpoint: str
    params: dict[str, Any]
    answer: Answer


@dataclass
class Processor:
    latency_seconds: float = 0.0
    charges: Counter[str] = field(default_factory=Counter)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunded: Counter[str] = field(default_factory=Counter)
    held: int = 0
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _saved: dict[tuple[str, str], _Saved] = field(default_factory=dict)
    _executing: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._released.set()  # answering, until told to hang

    @classmethod
    def from_settings(cls, settings: SimulatorSettings) -> Processor:
        processor = cls(latency_seconds=settings.latency_seconds)
        processor.hang(settings.hang)
        return processor

    @property
    def executing(self) -> int:
        """Requests with an idempotency key being executed right now."""
        return len(self._executing)

    @property
    def hanging(self) -> bool:
        return not self._released.is_set()

    def hang(self, on: bool) -> None:
        """Hold every request from now on (True), or let the held ones and all others go."""
        if on:
            self._released.clear()
        else:
            self._released.set()

    async def handle(
        self,
        endpoint: str,
        *,
        account: str,
        key: str | None,
        params: dict[str, Any],
        execute: Callable[[dict[str, Any], str | None], Answer],
    ) -> Answer:
        """Run one API request through the hang, Stripe's idempotency and the latency."""
        self.held += 1
        try:
            await self._released.wait()
        finally:
            self.held -= 1
        if key is None:
            await asyncio.sleep(self.latency_seconds)
            return _run(execute, params, key)
        scope = (account, key)
        saved = self._saved.get(scope)
        if saved is not None:
            if (saved.endpoint, saved.params) != (endpoint, params):
                return _idempotency_mismatch(key)
            return Answer(saved.answer.status, saved.answer.body, replayed=True)
        if scope in self._executing:
            return _key_in_use()
        self._executing.add(scope)
        try:
            await asyncio.sleep(self.latency_seconds)
            answer = _run(execute, params, key)
        finally:
            self._executing.discard(scope)
        if answer.status != 400:
            self._saved[scope] = _Saved(endpoint, params, answer)
        return answer

    def create_payment_intent(self, params: dict[str, Any], key: str | None) -> Answer:
        """Create and confirm at once (`confirm=true`) with a test payment method token."""
        _known(params, INTENT_PARAMS)
        amount = _amount(params.get("amount"))
        currency = _currency(params.get("currency"))
        if params.get("confirm") != "true":
            raise ParamError(
                "This simulator creates and confirms in one call: send confirm=true.",
                param="confirm",
            )
        if params.get("allowed_payment_method_types", ["card"]) != ["card"]:
            raise ParamError(
                "Only card payments are simulated.", param="allowed_payment_method_types"
            )
        if params.get("capture_method", "automatic") != "automatic":
            raise ParamError("Only automatic capture is simulated.", param="capture_method")
        expand = _expand(params.get("expand"))
        token = params.get("payment_method")
        card = TEST_PAYMENT_METHODS.get(token) if isinstance(token, str) else None
        if card is None:
            raise ParamError(
                f"No such PaymentMethod: '{token}'",
                param="payment_method",
                code="resource_missing",
            )
        if key is not None:
            self.charges[key] += 1
        method = objects.payment_method(card)
        charge_id = objects.new_id("ch")
        common: dict[str, Any] = {
            "amount": amount,
            "currency": currency,
            "method": method,
            "expand_method": "payment_method" in expand,
            "charge_id": charge_id,
            "metadata": _metadata(params.get("metadata")),
            "description": params.get("description"),
        }
        if card.decline is not None:
            decline = card.decline
            failure = objects.error(
                "card_error",
                decline.message,
                code=decline.code,
                decline_code=decline.decline_code,
                charge=charge_id,
            )["error"]
            intent = objects.payment_intent(
                status="requires_payment_method",
                last_payment_error={**failure, "payment_method": method},
                **common,
            )
            self.intents[intent["id"]] = intent
            # The 402 is the same error, with the intent and the method it refused.
            body = {"error": {**failure, "payment_intent": intent, "payment_method": method}}
            return Answer(402, body)
        intent = objects.payment_intent(status="succeeded", **common)
        self.intents[intent["id"]] = intent
        return Answer(200, intent)

    def create_refund(self, params: dict[str, Any], key: str | None) -> Answer:
        """Refund a succeeded PaymentIntent, all of what is left or `amount` of it."""
        _known(params, REFUND_PARAMS)
        intent = self.intents.get(str(params.get("payment_intent")))
        if intent is None:
            raise ParamError(
                f"No such payment_intent: '{params.get('payment_intent')}'",
                param="payment_intent",
                code="resource_missing",
            )
        if intent["status"] != "succeeded":
            raise ParamError(
                "This PaymentIntent has no successful charge to refund.",
                param="payment_intent",
                code="charge_not_refundable",
            )
        left = intent["amount"] - self.refunded[intent["id"]]
        if left == 0:
            raise ParamError(
                f"Charge {intent['latest_charge']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _amount(params["amount"]) if "amount" in params else left
        if amount > left:
            raise ParamError(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                param="amount",
                code="amount_too_large",
            )
        reason = params.get("reason")
        if reason is not None and reason not in REFUND_REASONS:
            raise ParamError(
                f"Invalid reason: must be one of {sorted(REFUND_REASONS)}", param="reason"
            )
        self.refunded[intent["id"]] += amount
        body = objects.refund(
            intent=intent, amount=amount, reason=reason, metadata=_metadata(params.get("metadata"))
        )
        return Answer(200, body)


def _run(
    execute: Callable[[dict[str, Any], str | None], Answer], params: dict[str, Any], key: str | None
) -> Answer:
    try:
        return execute(params, key)
    except ParamError as refused:
        return refused.answer


def _idempotency_mismatch(key: str) -> Answer:
    return Answer(
        400,
        objects.error(
            "idempotency_error",
            f"Keys for idempotent requests can only be used with the same parameters they were "
            f"first used with. Try using a key other than '{key}' if you meant to execute a "
            "different request.",
        ),
    )


def _key_in_use() -> Answer:
    return Answer(
        409,
        objects.error(
            "idempotency_error",
            "There is currently another in-progress request using this Idempotent Key (that "
            "probably means you submitted twice, and the other request is still going "
            "through). Please try again later.",
            code="idempotency_key_in_use",
        ),
    )


def _known(params: dict[str, Any], allowed: frozenset[str]) -> None:
    for name in params:
        if name not in allowed:
            raise ParamError(
                f"Received unknown parameter: {name}", param=name, code="parameter_unknown"
            )


def _amount(value: Any) -> int:
    if value is None:
        raise ParamError(
            "Missing required param: amount.", param="amount", code="parameter_missing"
        )
    if not isinstance(value, str) or not value.isdigit() or not 1 <= int(value) <= MAX_AMOUNT:
        raise ParamError(
            f"Invalid integer: amount must be between 1 and {MAX_AMOUNT}.", param="amount"
        )
    return int(value)


def _currency(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isalpha():
        raise ParamError("Invalid currency: use a three-letter ISO code.", param="currency")
    return value.lower()


def _metadata(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ParamError("Invalid metadata: a hash of strings.", param="metadata")
    return dict(value)


def _expand(value: Any) -> set[str]:
    if value is None:
        return set()
    if not isinstance(value, list) or not set(value) <= EXPANDABLE:
        raise ParamError(
            f"This simulator expands only: {', '.join(sorted(EXPANDABLE))}.", param="expand"
        )
    return set(value)
