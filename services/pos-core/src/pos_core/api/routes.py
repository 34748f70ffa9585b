"""pos-core's endpoints: orders, their items, their life cycle and receipts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Request, Response, status
from fastapi.responses import PlainTextResponse

from pos_core.api.dependencies import Cashier, OrderReader, OrderTaker, UseCases
from pos_core.api.schemas import ItemIn, OrderIn, OrderOut, OrderPage, ReceiptOut
from pos_core.domain.errors import PayingMoved
from pos_core.domain.orders import OrderStatus
from pos_core.domain.receipts import render_text
from pos_kit.dependencies import UoW
from pos_kit.negotiation import preferred_media_type
from pos_kit.pagination import Keyset, PageRequest, page_request

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])

ORDERS = Keyset(datetime, uuid.UUID)  # newest first by (created_at, id)
# JSON first: it wins a tie, a wildcard and a request without Accept.
RECEIPT_MEDIA_TYPES = ("application/json", "text/plain")

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Repeat a create safely: the same key answers the order it made first.",
    ),
]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=OrderOut)
async def open_order(
    body: OrderIn,
    caller: OrderTaker,
    uow: UoW,
    use_cases: UseCases,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> OrderOut:
    """Open an order, optionally with its first items (priced from inventory now)."""
    order, replayed = await use_cases.taking.open_order(
        uow,
        caller=caller,
        type=body.type,
        table_id=body.table_id,
        guests=body.guests,
        items=[item.to_new_item() for item in body.items],
        idempotency_key=idempotency_key,
    )
    response.headers["Location"] = f"{router.prefix}/{order.id}"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return OrderOut.model_validate(order)


@router.get("", response_model=OrderPage)
async def list_orders(
    caller: OrderReader,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(ORDERS))],
    status: OrderStatus | None = None,
) -> OrderPage:
    """The restaurant's orders, newest first, optionally of one status."""
    found = await use_cases.taking.list_page(uow, caller=caller, status=status, page=page)
    return OrderPage.build(found, ORDERS, OrderOut.model_validate)


@router.get("/{order_id}", response_model=OrderOut)
async def get_order(
    order_id: uuid.UUID, caller: OrderReader, uow: UoW, use_cases: UseCases
) -> OrderOut:
    order = await use_cases.taking.get(uow, caller=caller, order_id=order_id)
    return OrderOut.model_validate(order)


@router.post("/{order_id}/items", status_code=status.HTTP_201_CREATED, response_model=OrderOut)
async def add_item(
    order_id: uuid.UUID, body: ItemIn, caller: OrderTaker, uow: UoW, use_cases: UseCases
) -> OrderOut:
    """Add an item to an open order; the new item is the order's last."""
    order = await use_cases.taking.add_item(
        uow, caller=caller, order_id=order_id, new=body.to_new_item()
    )
    return OrderOut.model_validate(order)


@router.delete("/{order_id}/items/{item_id}", response_model=OrderOut)
async def remove_item(
    order_id: uuid.UUID,
    item_id: uuid.UUID,
    caller: OrderTaker,
    uow: UoW,
    use_cases: UseCases,
) -> OrderOut:
    order = await use_cases.taking.remove_item(
        uow, caller=caller, order_id=order_id, item_id=item_id
    )
    return OrderOut.model_validate(order)


@router.post("/{order_id}/place", response_model=OrderOut)
async def place_order(
    order_id: uuid.UUID, caller: OrderTaker, uow: UoW, use_cases: UseCases
) -> OrderOut:
    """Reserve the order's stock at inventory and send it to the kitchen (`order.placed`)."""
    order = await use_cases.lifecycle.place(uow, caller=caller, order_id=order_id)
    return OrderOut.model_validate(order)


@router.post(
    "/{order_id}/pay",
    status_code=status.HTTP_410_GONE,
    deprecated=True,
    responses={410: {"description": "Take payments with POST /api/v1/payments instead."}},
)
async def pay_order(order_id: uuid.UUID, caller: OrderReader) -> None:
    """Gone: the payment service takes payments (`POST /api/v1/payments`), and an order
    becomes paid when they cover its total. Records nothing (staff only: a caller
    without a token gets 401, as everywhere else)."""
    raise PayingMoved()


@router.post("/{order_id}/close", response_model=OrderOut)
async def close_order(
    order_id: uuid.UUID, caller: Cashier, uow: UoW, use_cases: UseCases
) -> OrderOut:
    """Close a placed or paid order: the table is done."""
    order = await use_cases.lifecycle.close(uow, caller=caller, order_id=order_id)
    return OrderOut.model_validate(order)


@router.post("/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(
    order_id: uuid.UUID, caller: OrderTaker, uow: UoW, use_cases: UseCases
) -> OrderOut:
    """Cancel an open or placed order and give its held stock back."""
    order = await use_cases.lifecycle.cancel(uow, caller=caller, order_id=order_id)
    return OrderOut.model_validate(order)


@router.get(
    "/{order_id}/receipt",
    response_model=ReceiptOut,
    responses={200: {"content": {"text/plain": {}}}},
)
async def get_receipt(
    order_id: uuid.UUID,
    request: Request,
    caller: OrderReader,
    uow: UoW,
    use_cases: UseCases,
    format: Literal["json", "text"] | None = None,
) -> ReceiptOut | PlainTextResponse:
    """The receipt as JSON, or for an 80 mm printer (`Accept: text/plain` or `?format=text`)."""
    receipt = await use_cases.receipts.for_order(uow, caller=caller, order_id=order_id)
    if format is None:
        wanted = preferred_media_type(request.headers.get("accept"), RECEIPT_MEDIA_TYPES)
        format = "text" if wanted == "text/plain" else "json"
    if format == "text":
        width = request.app.state.settings.receipt_width
        return PlainTextResponse(render_text(receipt, width=width))
    return ReceiptOut.model_validate(receipt)
