"""The events inventory publishes: their type names, and the data each one carries."""

from __future__ import annotations

from typing import Any

from pos_inventory.domain.menu import Product, modifier_groups_document
from pos_inventory.domain.stock import StockWentLow
from pos_kit.clock import rfc3339

PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
PRODUCT_DELETED = "product.deleted"
STOCK_LOW = "stock.low"


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
        "modifier_groups": modifier_groups_document(product.modifier_groups),
        "version": product.version,
        "created_at": rfc3339(product.created_at),
        "updated_at": rfc3339(product.updated_at),
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
