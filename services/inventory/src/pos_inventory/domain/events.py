"""The events inventory publishes: their type names, and the data each one carries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pos_inventory.domain.menu import Product
from pos_inventory.domain.stock import StockWentLow

PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
PRODUCT_DELETED = "product.deleted"
STOCK_LOW = "stock.low"


def _event_time(moment: datetime) -> str:
    # The envelope's own time format (RFC 3339, UTC, microseconds); pos_kit.events, which
    # has it, is off limits to the domain.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def product_document(product: Product) -> dict[str, Any]:
    """A menu item as the API answers it and as product.* events carry it (JSON-ready)."""
    return {
        "id": str(product.id),
        "name": product.name,
        "description": product.description,
        "price": product.price,
        "currency": product.currency,
        "category_id": str(product.category_id) if product.category_id else None,
        "sku": product.sku,
        "tax_rate_bps": product.tax_rate_bps,
        "tags": list(product.tags),
        "allergens": list(product.allergens),
        "available": product.available,
        "track_stock": product.track_stock,
        "modifier_groups": [
            {
                "id": str(g.id),
                "name": g.name,
                "min_choices": g.min_choices,
                "max_choices": g.max_choices,
                "options": [
                    {"id": str(o.id), "name": o.name, "price_delta": o.price_delta}
                    for o in g.options
                ],
            }
            for g in product.modifier_groups
        ],
        "version": product.version,
        "created_at": _event_time(product.created_at),
        "updated_at": _event_time(product.updated_at),
    }


def product_deleted(product: Product) -> dict[str, Any]:
    return {"id": str(product.id)}


def stock_went_low(product: Product, low: StockWentLow) -> dict[str, Any]:
    return {
        "product_id": str(low.product_id),
        "name": product.name,
        "available": low.available,
        "threshold": low.threshold,
    }
