"""Menu items and their stock: owners and managers write them; all staff read the menu."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from pos_inventory.api.dependencies import MenuManager, MenuReader, Services, position, tenant_of
from pos_inventory.api.schemas import (
    AdjustmentIn,
    AdjustmentOut,
    AdjustmentPage,
    AdjustmentRecorded,
    ModifierGroupIn,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    StockIn,
    StockOut,
)
from pos_inventory.domain.menu import ModifierGroup, ModifierOption, Product
from pos_inventory.domain.stock import Adjustment, AdjustmentReason, StockLevel
from pos_inventory.services.events import product_document
from pos_kit.dependencies import DbSession
from pos_kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, encode_cursor

router = APIRouter(prefix="/api/v1/products", tags=["products"])

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Cursor = Annotated[str | None, Query(max_length=500)]


def _out(product: Product) -> ProductOut:
    # The same document product.* events carry, so the API and the events never disagree.
    return ProductOut.model_validate(product_document(product))


def _modifier_groups(groups: list[ModifierGroupIn]) -> tuple[ModifierGroup, ...]:
    return tuple(
        ModifierGroup(
            id=g.id or uuid.uuid4(),
            name=g.name,
            min_choices=g.min_choices,
            max_choices=g.max_choices,
            options=tuple(
                ModifierOption(id=o.id or uuid.uuid4(), name=o.name, price_delta=o.price_delta)
                for o in g.options
            ),
        )
        for g in groups
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProductOut)
async def create_product(
    body: ProductIn, principal: MenuManager, db: DbSession, services: Services, response: Response
) -> ProductOut:
    product = await services.products.create(
        db,
        tenant_id=tenant_of(principal),
        name=body.name,
        description=body.description,
        price=body.price,
        currency=body.currency,
        category_id=body.category_id,
        sku=body.sku,
        tax_rate_bps=body.tax_rate_bps,
        tags=tuple(body.tags),
        allergens=tuple(body.allergens),
        available=body.available,
        track_stock=body.track_stock,
        modifier_groups=_modifier_groups(body.modifier_groups),
    )
    response.headers["Location"] = f"{router.prefix}/{product.id}"
    return _out(product)


@router.get("", response_model=ProductPage)
async def list_products(
    principal: MenuReader,
    db: DbSession,
    services: Services,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    category_id: uuid.UUID | None = None,
    available: bool | None = None,
) -> ProductPage:
    """By name. Filter by category, or by `available=true` for what can be ordered now."""
    after = position(cursor, lambda p: (str(p["n"]), uuid.UUID(p["i"])))
    found = await services.products.list_page(
        db,
        tenant_id=tenant_of(principal),
        limit=limit + 1,
        after=after,
        category_id=category_id,
        available=available,
    )
    page, more = found[:limit], len(found) > limit
    last = page[-1] if page else None
    next_cursor = encode_cursor({"n": last.name, "i": str(last.id)}) if more and last else None
    return ProductPage(items=[_out(p) for p in page], next_cursor=next_cursor)


@router.get("/{product_id}", response_model=ProductOut)
async def get_product(
    product_id: uuid.UUID, principal: MenuReader, db: DbSession, services: Services
) -> ProductOut:
    return _out(
        await services.products.get(db, tenant_id=tenant_of(principal), product_id=product_id)
    )


@router.patch("/{product_id}", response_model=ProductOut)
async def update_product(
    product_id: uuid.UUID,
    body: ProductPatch,
    principal: MenuManager,
    db: DbSession,
    services: Services,
) -> ProductOut:
    """Change any fields; `"available": false` 86es the item. Emits product.updated."""
    changes: dict[str, Any] = body.changes()
    for labels in ("tags", "allergens"):
        if labels in changes:
            changes[labels] = tuple(changes[labels])
    if body.modifier_groups is not None:
        changes["modifier_groups"] = _modifier_groups(body.modifier_groups)
    product = await services.products.update(
        db, tenant_id=tenant_of(principal), product_id=product_id, changes=changes
    )
    return _out(product)


@router.delete("/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_product(
    product_id: uuid.UUID, principal: MenuManager, db: DbSession, services: Services
) -> Response:
    await services.products.delete(db, tenant_id=tenant_of(principal), product_id=product_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- stock ----------------------------------------------------------------------------------


def _stock_out(level: StockLevel) -> StockOut:
    return StockOut(
        product_id=level.product_id,
        on_hand=level.on_hand,
        reserved=level.reserved,
        available=level.available,
        low_stock_threshold=level.low_stock_threshold,
        is_low=level.is_low,
        updated_at=level.updated_at,
    )


def _adjustment_out(adjustment: Adjustment) -> AdjustmentOut:
    return AdjustmentOut(
        id=adjustment.id,
        product_id=adjustment.product_id,
        delta=adjustment.delta,
        reason=adjustment.reason.value,
        note=adjustment.note,
        on_hand_after=adjustment.on_hand_after,
        reservation_id=adjustment.reservation_id,
        created_by=adjustment.created_by,
        created_at=adjustment.created_at,
    )


@router.get("/{product_id}/stock", response_model=StockOut)
async def get_stock(
    product_id: uuid.UUID, principal: MenuReader, db: DbSession, services: Services
) -> StockOut:
    """On hand, held for open orders, and available (on hand minus held). 409 if untracked."""
    level = await services.stock.get(db, tenant_id=tenant_of(principal), product_id=product_id)
    return _stock_out(level)


@router.put("/{product_id}/stock", response_model=StockOut)
async def set_stock(
    product_id: uuid.UUID, body: StockIn, principal: MenuManager, db: DbSession, services: Services
) -> StockOut:
    """A stock count: sets on hand (recorded as a `count` adjustment) and the threshold."""
    level = await services.stock.count(
        db,
        tenant_id=tenant_of(principal),
        actor=principal.subject,
        product_id=product_id,
        on_hand=body.on_hand,
        low_stock_threshold=body.low_stock_threshold,
        threshold_given="low_stock_threshold" in body.model_fields_set,
    )
    return _stock_out(level)


@router.post(
    "/{product_id}/stock/adjustments",
    status_code=status.HTTP_201_CREATED,
    response_model=AdjustmentRecorded,
)
async def adjust_stock(
    product_id: uuid.UUID,
    body: AdjustmentIn,
    principal: MenuManager,
    db: DbSession,
    services: Services,
) -> AdjustmentRecorded:
    """A delivery (+), waste (-), count or correction (either way), kept in the audit trail."""
    adjustment, level = await services.stock.adjust(
        db,
        tenant_id=tenant_of(principal),
        actor=principal.subject,
        product_id=product_id,
        delta=body.delta,
        reason=AdjustmentReason(body.reason),
        note=body.note,
    )
    return AdjustmentRecorded(**_adjustment_out(adjustment).model_dump(), stock=_stock_out(level))


def _aware(moment: str) -> datetime:
    parsed = datetime.fromisoformat(moment)
    if parsed.tzinfo is None:
        raise ValueError("a cursor time is always in UTC")
    return parsed


@router.get("/{product_id}/stock/adjustments", response_model=AdjustmentPage)
async def list_adjustments(
    product_id: uuid.UUID,
    principal: MenuManager,
    db: DbSession,
    services: Services,
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> AdjustmentPage:
    """The audit trail, newest first: manual adjustments and sales of committed orders."""
    before = position(cursor, lambda p: (_aware(p["c"]), uuid.UUID(p["i"])))
    found = await services.stock.list_adjustments(
        db, tenant_id=tenant_of(principal), product_id=product_id, limit=limit + 1, before=before
    )
    page, more = found[:limit], len(found) > limit
    last = page[-1] if page else None
    next_cursor = (
        encode_cursor({"c": last.created_at.isoformat(), "i": str(last.id)})
        if more and last
        else None
    )
    return AdjustmentPage(items=[_adjustment_out(a) for a in page], next_cursor=next_cursor)
