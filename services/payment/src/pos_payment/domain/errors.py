"""payment's errors: what a client is told when money cannot move, and how to go on."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import ClassVar

from pos_kit.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    ProblemError,
    ServiceUnavailable,
)


class InvalidInput(ProblemError):
    """422, shaped like pos-kit's validation answer: an `errors` list naming the field."""

    status = 422
    type_slug = "validation-failed"
    title = "Validation failed"

    def __init__(self, detail: str, *, field: str = "body") -> None:
        errors = [{"field": field, "message": detail, "type": "value_error"}]
        super().__init__(detail, extra={"errors": errors})


class NotInThisRestaurant(NotFound):
    """404 for an id the caller's restaurant has no `what` of (another's is not told apart)."""

    what: ClassVar[str]

    def __init__(self, missing_id: uuid.UUID) -> None:
        super().__init__(f"There is no {self.what} {missing_id} in this restaurant.")


# --- the order --------------------------------------------------------------------


class OrderNotFound(NotInThisRestaurant):
    what = "order"


class OrderUnavailable(ServiceUnavailable):
    """pos-core did not answer and payment has no copy of the order from its events."""

    type_slug = "order-unavailable"
    title = "Order unavailable"

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "The order service is not answering and this order's events have not reached "
            "payment yet, so its balance is unknown. Try again shortly.",
            retry_after_seconds=retry_after_seconds,
        )


class OrderLinesUnknown(ServiceUnavailable):
    """Paying by items, while pos-core is away and the copy has no lines (no order.placed yet)."""

    type_slug = "order-lines-unavailable"
    title = "Order lines unavailable"

    def __init__(self) -> None:
        super().__init__(
            "The order service is not answering and payment does not know this order's "
            "lines yet. Pay by amount, or try again shortly."
        )


class OrderCancelled(Conflict):
    type_slug = "order-cancelled"
    title = "Order cancelled"
    default_detail = "This order was cancelled; it cannot be paid."


class OrderNotPlaced(Conflict):
    type_slug = "order-not-placed"
    title = "Order not placed"
    default_detail = "This order has not been placed yet; place it before taking payment."


# --- taking a payment ---------------------------------------------------------------


class WaitersMayNotTakePayments(Forbidden):
    default_detail = (
        "This restaurant does not let waiters take payments; ask a cashier or a manager."
    )


class AmountExceedsBalance(Conflict):
    type_slug = "amount-exceeds-balance"
    title = "Amount exceeds the balance"

    def __init__(self, *, amount: int, balance: int, pending: int, currency: str) -> None:
        payable = balance - pending
        waiting = f" ({pending} of it awaits a card payment)" if pending else ""
        super().__init__(
            f"The order's balance is {balance} {currency}{waiting}: at most {payable} can be "
            f"paid now, not {amount}. Cash may be tendered above the amount; the change is "
            "handed back.",
            extra={
                "balance": balance,
                "pending": pending,
                "payable": payable,
                "currency": currency,
            },
        )


class LinesAlreadyPaid(Conflict):
    type_slug = "lines-already-paid"
    title = "Lines already paid"

    def __init__(self, lines: Iterable[uuid.UUID]) -> None:
        names = sorted(str(line) for line in lines)
        super().__init__(
            f"These lines are paid already (or being paid): {', '.join(names)}.",
            extra={"lines": names},
        )


class NoOpenDrawer(Conflict):
    type_slug = "no-open-drawer"
    title = "No open cash drawer"

    def __init__(self, drawer: str | None) -> None:
        which = f"The drawer '{drawer}' has" if drawer else "No drawer has"
        super().__init__(f"{which} an open session: open one (a manager counts the float) first.")


class DrawerNotNamed(Conflict):
    type_slug = "drawer-not-named"
    title = "Which drawer?"

    def __init__(self, drawers: Iterable[str]) -> None:
        super().__init__(
            f"Several drawers are open ({', '.join(sorted(drawers))}): name the one the cash "
            "goes into (`drawer`)."
        )


class CardDeclined(ProblemError):
    """The processor refused the card; nothing was charged and the balance is unchanged."""

    status = 402
    type_slug = "card-declined"
    title = "Card declined"

    def __init__(
        self,
        detail: str,
        *,
        payment_id: str,
        decline_code: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            detail,
            headers=headers,
            extra={"payment_id": payment_id, "decline_code": decline_code},
        )


# --- refunds --------------------------------------------------------------------------


class PaymentNotFound(NotInThisRestaurant):
    what = "payment"


class PaymentNotRefundable(Conflict):
    type_slug = "payment-not-refundable"
    title = "Payment not refundable"

    def __init__(self, status: str) -> None:
        super().__init__(f"Only completed payments can be refunded; this one is {status}.")


class RefundExceedsPaid(Conflict):
    type_slug = "refund-exceeds-paid"
    title = "Refund exceeds what was paid"

    def __init__(self, *, amount: int, refundable: int, currency: str) -> None:
        super().__init__(
            f"At most {refundable} {currency} of this payment can still be refunded "
            f"(what was paid, tip included, less earlier and pending refunds), not {amount}.",
            extra={"refundable": refundable, "currency": currency},
        )


class RefundRefused(ProblemError):
    """The processor refused the refund; nothing was given back."""

    status = 502
    type_slug = "refund-refused"
    title = "Refund refused by the card processor"

    def __init__(
        self,
        detail: str,
        *,
        refund_id: str,
        reason: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            detail, headers=headers, extra={"refund_id": refund_id, "failure_code": reason}
        )


# --- cash drawers -----------------------------------------------------------------------


class DrawerSessionNotFound(NotInThisRestaurant):
    what = "drawer session"


class DrawerAlreadyOpen(Conflict):
    type_slug = "drawer-already-open"
    title = "Drawer already open"

    def __init__(self, drawer: str) -> None:
        super().__init__(f"The drawer '{drawer}' already has an open session; close it first.")


class DrawerSessionClosed(Conflict):
    type_slug = "drawer-session-closed"
    title = "Drawer session closed"
    default_detail = "This drawer session is closed; cash moves through an open one."


# --- reports -------------------------------------------------------------------------------


class MixedCurrencies(Conflict):
    type_slug = "mixed-currencies"
    title = "Several currencies"

    def __init__(self, currencies: Iterable[str]) -> None:
        super().__init__(
            f"Money moved in several currencies that day ({', '.join(sorted(currencies))}); "
            "a daily report adds up one."
        )


# --- Idempotency-Key ---------------------------------------------------------------------


class IdempotencyKeyMissing(BadRequest):
    type_slug = "idempotency-key-missing"
    title = "Idempotency-Key required"
    default_detail = (
        "Send an Idempotency-Key header (a new UUID per payment or refund, the same one "
        "when retrying it): money must never move twice because a request was repeated."
    )


class IdempotencyKeyInvalid(BadRequest):
    type_slug = "idempotency-key-invalid"
    title = "Idempotency-Key invalid"

    def __init__(self, why: str) -> None:
        super().__init__(f"The Idempotency-Key header {why}.")


class IdempotencyKeyReused(ProblemError):
    status = 422
    type_slug = "idempotency-key-reused"
    title = "Idempotency-Key reused"
    default_detail = (
        "This Idempotency-Key was used for a different request. Use a new key for a new "
        "payment; send exactly the same request to retry the first one."
    )


class IdempotencyKeyInFlight(Conflict):
    type_slug = "idempotency-key-in-flight"
    title = "Request still in progress"

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "A request with this Idempotency-Key is still being processed. Retry with the same "
            "key in a moment to get its answer.",
            headers={"Retry-After": str(max(1, retry_after_seconds))},
        )
