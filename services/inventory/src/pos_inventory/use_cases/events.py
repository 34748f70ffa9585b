"""The events inventory publishes, and the one public shape of a menu item they carry."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pos_inventory.adapters.tables import outbox
from pos_inventory.domain.menu import Product
from pos_inventory.domain.stock import StockWentLow
from pos_kit.events.envelope import format_time
from pos_kit.events.outbox import record_event

SOURCE = "inventory"


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
        "created_at": format_time(product.created_at),
        "updated_at": format_time(product.updated_at),
    }


async def record_product_changed(session: AsyncSession, product: Product, change: str) -> None:
    """product.created or product.updated, carrying the whole item."""
    await record_event(
        session,
        outbox,
        source=SOURCE,
        type=f"product.{change}",
        tenant_id=str(product.tenant_id),
        data=product_document(product),
    )


async def record_product_deleted(session: AsyncSession, product: Product) -> None:
    await record_event(
        session,
        outbox,
        source=SOURCE,
        type="product.deleted",
        tenant_id=str(product.tenant_id),
        data={"id": str(product.id)},
    )


async def record_stock_low(session: AsyncSession, product: Product, low: StockWentLow) -> None:
    await record_event(
        session,
        outbox,
        source=SOURCE,
        type="stock.low",
        tenant_id=str(product.tenant_id),
        data={
            "product_id": str(low.product_id),
            "name": product.name,
            "available": low.available,
            "threshold": low.threshold,
        },
    )
