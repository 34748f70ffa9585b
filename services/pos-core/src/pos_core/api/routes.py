"""pos-core's endpoints: orders, their items, their life cycle and receipts."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import PlainTextResponse

from pos_core.api.dependencies import Cashier, OrderReader, OrderTaker, Services
from pos_core.api.schemas import ItemIn, OrderIn, OrderOut, OrderPage, ReceiptOut
from pos_core.domain.orders import OrderStatus
from pos_core.domain.receipts import render_text
from pos_kit.dependencies import DbSession
from pos_kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode_cursor, encode_cursor
from pos_kit.problems import BadRequest

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])

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
    db: DbSession,
    services: Services,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> OrderOut:
    """Open an order, optionally with its first items (priced from inventory now)."""
    order, replayed = await services.taking.open_order(
        db,
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
    return OrderOut.of(order)


@router.get("", response_model=OrderPage)
async def list_orders(
    caller: OrderReader,
    db: DbSession,
    services: Services,
    status: OrderStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> OrderPage:
    """The restaurant's orders, newest first, optionally of one status."""
    orders = await services.taking.list_page(
        db, caller=caller, status=status, limit=limit + 1, before=_before(decode_cursor(cursor))
    )
    page, more = orders[:limit], len(orders) > limit
    next_cursor = (
        encode_cursor({"c": page[-1].created_at.isoformat(), "i": str(page[-1].id)})
        if more
        else None
    )
    return OrderPage(items=[OrderOut.of(o) for o in page], next_cursor=next_cursor)


def _before(position: dict[str, Any] | None) -> tuple[datetime, uuid.UUID] | None:
    if position is None:
        return None
    try:
        return datetime.fromisoformat(position["c"]), uuid.UUID(position["i"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRequest("The cursor is not one this service handed out.") from exc


@router.get("/{order_id}", response_model=OrderOut)
async def get_order(
    order_id: uuid.UUID, caller: OrderReader, db: DbSession, services: Services
) -> OrderOut:
    return OrderOut.of(await services.taking.get(db, caller=caller, order_id=order_id))


@router.post("/{order_id}/items", status_code=status.HTTP_201_CREATED, response_model=OrderOut)
async def add_item(
    order_id: uuid.UUID, body: ItemIn, caller: OrderTaker, db: DbSession, services: Services
) -> OrderOut:
    """Add an item to an open order; the new item is the order's last."""
    order = await services.taking.add_item(
        db, caller=caller, order_id=order_id, new=body.to_new_item()
    )
    return OrderOut.of(order)


@router.delete("/{order_id}/items/{item_id}", response_model=OrderOut)
async def remove_item(
    order_id: uuid.UUID,
    item_id: uuid.UUID,
    caller: OrderTaker,
    db: DbSession,
    services: Services,
) -> OrderOut:
    order = await services.taking.remove_item(db, caller=caller, order_id=order_id, item_id=item_id)
    return OrderOut.of(order)


@router.post("/{order_id}/place", response_model=OrderOut)
async def place_order(order_id: uuid.UUID, caller: OrderTaker, services: Services) -> OrderOut:
    """Reserve the order's stock at inventory and send it to the kitchen (`order.placed`)."""
    return OrderOut.of(await services.lifecycle.place(caller=caller, order_id=order_id))


@router.post("/{order_id}/pay", response_model=OrderOut)
async def pay_order(order_id: uuid.UUID, caller: Cashier, services: Services) -> OrderOut:
    """Mark a placed order paid (until the payment service does this)."""
    return OrderOut.of(await services.lifecycle.pay(caller=caller, order_id=order_id))


@router.post("/{order_id}/close", response_model=OrderOut)
async def close_order(order_id: uuid.UUID, caller: Cashier, services: Services) -> OrderOut:
    """Close a placed or paid order: the table is done."""
    return OrderOut.of(await services.lifecycle.close(caller=caller, order_id=order_id))


@router.post("/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(order_id: uuid.UUID, caller: OrderTaker, services: Services) -> OrderOut:
    """Cancel an open or placed order and give its held stock back."""
    return OrderOut.of(await services.lifecycle.cancel(caller=caller, order_id=order_id))


@router.get(
    "/{order_id}/receipt",
    response_model=ReceiptOut,
    responses={200: {"content": {"text/plain": {}}}},
)
async def get_receipt(
    order_id: uuid.UUID,
    request: Request,
    caller: OrderReader,
    db: DbSession,
    services: Services,
    format: Literal["json", "text"] | None = None,
) -> ReceiptOut | PlainTextResponse:
    """The receipt as JSON, or for an 80 mm printer (`Accept: text/plain` or `?format=text`)."""
    receipt = await services.receipts.for_order(db, caller=caller, order_id=order_id)
    wants_text = format == "text" or (
        format is None and prefers_text(request.headers.get("accept", ""))
    )
    if wants_text:
        width = request.app.state.settings.receipt_width
        return PlainTextResponse(render_text(receipt, width=width))
    return ReceiptOut.of(receipt)


def prefers_text(accept: str) -> bool:
    """Whether an Accept header ranks text/plain above JSON (JSON wins ties and wildcards)."""
    text_q = json_q = Decimal(0)
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = Decimal(1)
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = Decimal(value.strip())
                except InvalidOperation:
                    q = Decimal(0)
        media = media.lower()
        if media in ("text/plain", "text/*"):
            text_q = max(text_q, q)
        if media in ("application/json", "application/*", "*/*"):
            json_q = max(json_q, q)
    return text_q > json_q
