"""The errors pos-core raises, each carrying the HTTP meaning a client acts on."""

from __future__ import annotations

from typing import ClassVar

from pos_kit.errors import BadGateway, Conflict, ProblemError, ServiceUnavailable

# --- the order's rules ----------------------------------------------------------------------


class Unprocessable(ProblemError):
    """Well-formed input that the restaurant's rules refuse (an unknown product, a bad choice)."""

    status: ClassVar[int] = 422
    type_slug: ClassVar[str] = "unprocessable"
    title: ClassVar[str] = "Cannot be processed"


class InvalidModifiers(Unprocessable):
    type_slug = "invalid-modifiers"
    title = "Invalid modifier choice"


class UnknownProduct(Unprocessable):
    type_slug = "unknown-product"
    title = "Unknown product"

    def __init__(self, product_id: str | None, detail: str | None = None) -> None:
        super().__init__(
            detail or f"There is no product {product_id} on this restaurant's menu.",
            extra={"product_id": product_id} if product_id else None,
        )


class UnknownTable(Unprocessable):
    """A table id that is not one of this restaurant's tables (issue 12: another
    restaurant's table is unknown here, exactly like a made-up one)."""

    type_slug = "unknown-table"
    title = "Unknown table"

    def __init__(self, table_id: str) -> None:
        super().__init__(
            f"There is no table {table_id} on this restaurant's floor plan.",
            extra={"table_id": table_id},
        )


class IdempotencyKeyReused(Unprocessable):
    type_slug = "idempotency-key-reused"
    title = "Idempotency-Key reused"
    default_detail = (
        "This Idempotency-Key already opened an order with a different request; "
        "use a new key for a new order."
    )


class DuplicateIdempotencyKey(Exception):
    """Another request created an order with this Idempotency-Key first (answered as a replay)."""


class OrderConflict(Conflict):
    """The order's current status does not allow the request; the body names the status."""

    def __init__(
        self,
        detail: str | None = None,
        *,
        current_status: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail, headers=headers, extra={"current_status": current_status})
        self.current_status = current_status


class IllegalTransition(OrderConflict):
    type_slug = "illegal-transition"
    title = "Not allowed in the order's current status"

    def __init__(self, *, current_status: str, requested: str) -> None:
        detail = (
            f"The order is already {current_status}."
            if current_status == requested
            else f"An order that is {current_status} cannot be {requested}."
        )
        super().__init__(detail, current_status=current_status)
        self.extra["requested_status"] = requested


class OrderNotOpen(OrderConflict):
    type_slug = "order-not-open"
    title = "The order is no longer open"


class OrderBeingPlaced(OrderConflict):
    type_slug = "order-being-placed"
    title = "The order is being placed"


class ReservationNotHeld(OrderConflict):
    type_slug = "reservation-not-held"
    title = "Inventory holds no stock for this order"


class ItemsChangedWhilePlacing(OrderConflict):
    type_slug = "items-changed-while-placing"
    title = "The order changed while it was being placed"
    default_detail = (
        "The order's items changed while its stock was being reserved; "
        "the order is still open, place it again."
    )


class ProductUnavailable(Conflict):
    type_slug = "product-unavailable"
    title = "Product unavailable"

    def __init__(self, *, product_id: str, name: str) -> None:
        super().__init__(f"{name} is not available right now.", extra={"product_id": product_id})


class PayingMoved(ProblemError):
    """`POST /orders/{id}/pay` is gone: money is taken by the payment service, and an order
    becomes paid when its payments cover it."""

    status = 410
    type_slug = "paying-moved-to-payments"
    title = "Paying moved to the payment service"
    default_detail = (
        "Orders are no longer marked paid here: take the payment with "
        "POST /api/v1/payments (with an Idempotency-Key). The order becomes paid when its "
        "payments cover its total."
    )

    def __init__(self) -> None:
        super().__init__(
            headers={"Link": '</api/v1/payments>; rel="successor-version"'},
            extra={"use_instead": "POST /api/v1/payments"},
        )


# --- inventory's answers --------------------------------------------------------------------


class InventoryUnavailable(ServiceUnavailable):
    """Inventory is down, hanging or its circuit is open: nothing was changed here."""

    type_slug = "inventory-unavailable"
    title = "Inventory unavailable"


class InventoryBadAnswer(BadGateway):
    type_slug = "inventory-bad-answer"
    title = "Unexpected answer from inventory"


class InsufficientStock(Conflict):
    type_slug = "insufficient-stock"
    title = "Not enough stock"


class ReservationRefused(Conflict):
    type_slug = "reservation-refused"
    title = "Inventory refused the reservation"


# --- the restaurant service's answers -------------------------------------------------------


class TableUnverifiable(ServiceUnavailable):
    """The restaurant service cannot say whether the table is this restaurant's: nothing
    was changed; the order can be opened without a table, or again shortly."""

    type_slug = "restaurant-unavailable"
    title = "Restaurant service unavailable"


class RestaurantProfileUnavailable(Exception):
    """The restaurant service could not tell pos-core a profile (down, or an unusable answer).

    Never an answer to a client: a receipt then prints with a neutral heading.
    """
