"""Menu items and their stock: owners and managers write them; all staff read the menu."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from pos_inventory.api.dependencies import MenuManager, MenuReader, StockReader, UseCases
from pos_inventory.api.schemas import (
    PROBLEM,
    AdjustmentIn,
    AdjustmentOut,
    AdjustmentPage,
    AdjustmentRecorded,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    StockIn,
    StockOut,
)
from pos_inventory.domain.events import product_document
from pos_inventory.domain.menu import Product, modifier_groups_from
from pos_inventory.domain.stock import AdjustmentReason
from pos_kit.dependencies import UoW
from pos_kit.pagination import MAX_PAGE_SIZE, Keyset, PageRequest, page_request

router = APIRouter(prefix="/api/v1/products", tags=["products"])

# The menu by name; the audit trail newest first.
PRODUCTS = Keyset(str, uuid.UUID)
ADJUSTMENTS = Keyset(datetime, uuid.UUID)


def _out(product: Product) -> ProductOut:
    # The same document product.* events carry, so the API and the events never disagree.
    return ProductOut.model_validate(product_document(product))


def _domain_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """A body's fields as the use cases take them: labels as tuples, modifier groups built."""
    for labels in ("tags", "allergens"):
        if labels in fields:
            fields[labels] = tuple(fields[labels])
    if "modifier_groups" in fields:
        fields["modifier_groups"] = modifier_groups_from(
            group.model_dump(mode="json") for group in fields["modifier_groups"]
        )
    return fields


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ProductOut,
    responses={
        503: {
            **PROBLEM,
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
        uow, tenant_id=who.tenant, token=who.token, **_domain_fields(dict(body))
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
    product_ids: Annotated[
        list[uuid.UUID] | None,
        Query(
            alias="id",
            max_length=MAX_PAGE_SIZE,
            description="Only these products (repeat `id`, at most "
            f"{MAX_PAGE_SIZE}): the items of an order looked up in one call. Unknown ids "
            "are left out, as are deleted products and other restaurants' ones.",
        ),
    ] = None,
) -> ProductPage:
    """By name. Filter by category, by `available=true` for what can be ordered now, or by
    `id` for the products of an order."""
    found = await use_cases.products.list_page(
        uow,
        tenant_id=who.tenant,
        page=page,
        category_id=category_id,
        available=available,
        product_ids=product_ids,
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
    product = await use_cases.products.update(
        uow, tenant_id=who.tenant, product_id=product_id, changes=_domain_fields(body.changes())
    )
    return _out(product)


@router.delete("/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_product(
    product_id: uuid.UUID, who: MenuManager, uow: UoW, use_cases: UseCases
) -> Response:
    await use_cases.products.delete(uow, tenant_id=who.tenant, product_id=product_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- stock ----------------------------------------------------------------------------------


@router.get("/{product_id}/stock", response_model=StockOut)
async def get_stock(
    product_id: uuid.UUID, who: StockReader, uow: UoW, use_cases: UseCases
) -> StockOut:
    """On hand, held for open orders, and available (on hand minus held). 409 if untracked."""
    level = await use_cases.stock.get(uow, tenant_id=who.tenant, product_id=product_id)
    return StockOut.model_validate(level)


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
    return StockOut.model_validate(level)


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
    recorded = AdjustmentOut.model_validate(adjustment).model_dump()
    return AdjustmentRecorded(**recorded, stock=StockOut.model_validate(level))


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
    return AdjustmentPage.build(found, ADJUSTMENTS, AdjustmentOut.model_validate)
