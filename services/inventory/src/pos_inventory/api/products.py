"""Menu items and their stock: owners and managers write them; all staff read the menu."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status

from pos_inventory.api.dependencies import MenuManager, MenuReader, StockReader, UseCases
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
from pos_inventory.domain.events import product_document
from pos_inventory.domain.menu import ModifierGroup, ModifierOption, Product
from pos_inventory.domain.stock import Adjustment, AdjustmentReason, StockLevel
from pos_kit.dependencies import UoW
from pos_kit.pagination import Keyset, PageRequest, page_request

router = APIRouter(prefix="/api/v1/products", tags=["products"])

# The menu by name; the audit trail newest first.
PRODUCTS = Keyset(str, uuid.UUID)
ADJUSTMENTS = Keyset(datetime, uuid.UUID)


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


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ProductOut,
    responses={
        503: {
            "content": {"application/problem+json": {}},
            "description": "No `currency` given, and the restaurant's is not known yet: "
            "the restaurant service did not answer (see Retry-After).",
        }
    },
)
async def create_product(
    body: ProductIn, who: MenuManager, uow: UoW, use_cases: UseCases, response: Response
) -> ProductOut:
    """Without a `currency`, the item is priced in the restaurant's (its profile's)."""
    product = await use_cases.products.create(
        uow,
        tenant_id=who.tenant,
        token=who.token,
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
    who: MenuReader,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(PRODUCTS))],
    category_id: uuid.UUID | None = None,
    available: bool | None = None,
) -> ProductPage:
    """By name. Filter by category, or by `available=true` for what can be ordered now."""
    found = await use_cases.products.list_page(
        uow, tenant_id=who.tenant, page=page, category_id=category_id, available=available
    )
    return ProductPage.build(found, PRODUCTS, _out)


@router.get("/{product_id}", response_model=ProductOut)
async def get_product(
    product_id: uuid.UUID, who: MenuReader, uow: UoW, use_cases: UseCases
) -> ProductOut:
    return _out(await use_cases.products.get(uow, tenant_id=who.tenant, product_id=product_id))


@router.patch("/{product_id}", response_model=ProductOut)
async def update_product(
    product_id: uuid.UUID,
    body: ProductPatch,
    who: MenuManager,
    uow: UoW,
    use_cases: UseCases,
) -> ProductOut:
    """Change any fields; `"available": false` 86es the item. Emits product.updated."""
    changes: dict[str, Any] = body.changes()
    for labels in ("tags", "allergens"):
        if labels in changes:
            changes[labels] = tuple(changes[labels])
    if body.modifier_groups is not None:
        changes["modifier_groups"] = _modifier_groups(body.modifier_groups)
    product = await use_cases.products.update(
        uow, tenant_id=who.tenant, product_id=product_id, changes=changes
    )
    return _out(product)


@router.delete("/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_product(
    product_id: uuid.UUID, who: MenuManager, uow: UoW, use_cases: UseCases
) -> Response:
    await use_cases.products.delete(uow, tenant_id=who.tenant, product_id=product_id)
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
    product_id: uuid.UUID, who: StockReader, uow: UoW, use_cases: UseCases
) -> StockOut:
    """On hand, held for open orders, and available (on hand minus held). 409 if untracked."""
    level = await use_cases.stock.get(uow, tenant_id=who.tenant, product_id=product_id)
    return _stock_out(level)


@router.put("/{product_id}/stock", response_model=StockOut)
async def set_stock(
    product_id: uuid.UUID, body: StockIn, who: MenuManager, uow: UoW, use_cases: UseCases
) -> StockOut:
    """A stock count: sets on hand (recorded as a `count` adjustment) and the threshold."""
    level = await use_cases.stock.count(
        uow,
        tenant_id=who.tenant,
        actor=who.subject,
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
    who: MenuManager,
    uow: UoW,
    use_cases: UseCases,
) -> AdjustmentRecorded:
    """A delivery (+), waste (-), count or correction (either way), kept in the audit trail."""
    adjustment, level = await use_cases.stock.adjust(
        uow,
        tenant_id=who.tenant,
        actor=who.subject,
        product_id=product_id,
        delta=body.delta,
        reason=AdjustmentReason(body.reason),
        note=body.note,
    )
    return AdjustmentRecorded(**_adjustment_out(adjustment).model_dump(), stock=_stock_out(level))


@router.get("/{product_id}/stock/adjustments", response_model=AdjustmentPage)
async def list_adjustments(
    product_id: uuid.UUID,
    who: MenuManager,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(ADJUSTMENTS))],
) -> AdjustmentPage:
    """The audit trail, newest first: manual adjustments and sales of committed orders."""
    found = await use_cases.stock.list_adjustments(
        uow, tenant_id=who.tenant, product_id=product_id, page=page
    )
    return AdjustmentPage.build(found, ADJUSTMENTS, _adjustment_out)
