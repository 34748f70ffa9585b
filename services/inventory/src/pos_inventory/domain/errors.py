"""inventory's errors: what a client is told when the menu, the stock or a reservation says no."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from pos_kit.errors import Conflict, ProblemError, ServiceUnavailable

if TYPE_CHECKING:
    from pos_inventory.domain.menu import Product
    from pos_inventory.domain.reservations import ShortLine


class InvalidInput(ProblemError):
    """422, shaped like pos-kit's validation answer: an `errors` list naming each field."""

    status = 422
    type_slug = "validation-failed"
    title = "Validation failed"

    def __init__(self, detail: str, *, field: str = "body", **extra: Any) -> None:
        errors = extra.pop("errors", None) or [
            {"field": field, "message": detail, "type": "value_error"}
        ]
        super().__init__(detail, extra={"errors": errors, **extra})


class _Taken(Conflict):
    """409: a name that must be unique on the menu is used already (`{}` in `message`)."""

    message: ClassVar[str]

    def __init__(self, name: str) -> None:
        super().__init__(self.message.format(name))


class CategoryNameTaken(_Taken):
    message = "There is already a category named '{}'."


class SkuTaken(_Taken):
    message = "The SKU '{}' is already used by another item on this menu."


class MenuCurrencyUnknown(ServiceUnavailable):
    """A new item names no currency, and the restaurant's profile could not be read."""

    type_slug = "menu-currency-unknown"
    title = "Restaurant currency unknown"

    def __init__(self, *, retry_after_seconds: int) -> None:
        super().__init__(
            "The restaurant's currency is not known yet and the restaurant service did not "
            "tell it. Try again shortly, or name the item's currency.",
            retry_after_seconds=retry_after_seconds,
        )


class StockNotTracked(Conflict):
    type_slug = "stock-not-tracked"
    title = "Stock not tracked"

    def __init__(self, product: Product) -> None:
        super().__init__(f"'{product.name}' does not track stock; set track_stock to true first.")


class InsufficientStock(Conflict):
    type_slug = "insufficient-stock"
    title = "Not enough stock"

    def __init__(self, short: Sequence[ShortLine]) -> None:
        items = ", ".join(
            f"{s.name} (requested {s.requested}, available {s.available})" for s in short
        )
        super().__init__(
            f"Not enough stock for: {items}. Nothing was reserved.",
            extra={
                "short_lines": [
                    {
                        "product_id": str(s.product_id),
                        "name": s.name,
                        "requested": s.requested,
                        "available": s.available,
                    }
                    for s in short
                ]
            },
        )


class ProductUnavailable(Conflict):
    type_slug = "product-unavailable"
    title = "Product not available"

    def __init__(self, products: Sequence[Product]) -> None:
        names = ", ".join(p.name for p in products)
        super().__init__(
            f"Not available right now (86'd): {names}. Nothing was reserved.",
            extra={
                "unavailable_lines": [{"product_id": str(p.id), "name": p.name} for p in products]
            },
        )


class ReservationExpired(Conflict):
    type_slug = "reservation-expired"
    title = "Reservation expired"
    default_detail = (
        "This reservation expired before it was committed and its stock was given back. "
        "Reserve again."
    )
    # The expiry found on the way gives the stock back; that must stay.
    commit_changes = True


class ReservationMismatch(Conflict):
    type_slug = "reservation-mismatch"
    title = "Order already reserved"
    default_detail = (
        "This order already has a reservation with other lines. "
        "Release it, or send the same lines to get it back."
    )
