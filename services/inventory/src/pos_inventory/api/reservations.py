"""Stock reservations for orders: any member of staff (pos-core, with the waiter's token)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from pos_inventory.api.dependencies import Reserver, UseCases
from pos_inventory.api.schemas import (
    PROBLEM,
    InsufficientStockProblem,
    ReservationIn,
    ReservationOut,
)
from pos_inventory.domain.reservations import RequestedLine
from pos_kit.dependencies import UoW

router = APIRouter(prefix="/api/v1/reservations", tags=["reservations"])

RESERVE_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {
        "description": "Held: a new reservation, or this order's released or expired one "
        "held again (same id) for the lines sent now."
    },
    200: {
        "description": "This order is held or committed already: the same reservation, "
        "nothing held again."
    },
    409: {
        **PROBLEM,
        "model": InsufficientStockProblem,
        "description": "Not enough stock (`short_lines`: product_id, name, requested, "
        "available), an 86'd item (`unavailable_lines`), or the order already holds "
        "other lines. Nothing was reserved.",
    },
    422: {**PROBLEM, "description": "Bad lines, or an unknown product (the line is named)."},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ReservationOut,
    responses=RESERVE_RESPONSES,
)
async def reserve_stock(
    body: ReservationIn, who: Reserver, uow: UoW, use_cases: UseCases, response: Response
) -> ReservationOut:
    """Hold stock for every line of an order, or for none. Idempotent on `order_id` while
    held or committed; a released or expired reservation is held again (201)."""
    reservation, created = await use_cases.reservations.reserve(
        uow,
        tenant_id=who.tenant,
        actor=who.subject,
        order_id=body.order_id,
        lines=[RequestedLine(ln.product_id, ln.quantity) for ln in body.lines],
    )
    response.headers["Location"] = f"{router.prefix}/{reservation.id}"
    if not created:
        response.status_code = status.HTTP_200_OK
    return ReservationOut.model_validate(reservation)


@router.get("/{reservation_id}", response_model=ReservationOut)
async def get_reservation(
    reservation_id: uuid.UUID, who: Reserver, uow: UoW, use_cases: UseCases
) -> ReservationOut:
    reservation = await use_cases.reservations.get(
        uow, tenant_id=who.tenant, reservation_id=reservation_id
    )
    return ReservationOut.model_validate(reservation)


@router.post("/{reservation_id}/commit", response_model=ReservationOut)
async def commit_reservation(
    reservation_id: uuid.UUID, who: Reserver, uow: UoW, use_cases: UseCases
) -> ReservationOut:
    """The order went through: held units leave on hand. Repeating it changes nothing.
    409 if the reservation was released or expired."""
    reservation = await use_cases.reservations.commit(
        uow, tenant_id=who.tenant, actor=who.subject, reservation_id=reservation_id
    )
    return ReservationOut.model_validate(reservation)


@router.post("/{reservation_id}/release", response_model=ReservationOut)
async def release_reservation(
    reservation_id: uuid.UUID, who: Reserver, uow: UoW, use_cases: UseCases
) -> ReservationOut:
    """The order was cancelled: held units are free again. Repeating it changes nothing.
    409 if the reservation was committed."""
    reservation = await use_cases.reservations.release(
        uow, tenant_id=who.tenant, reservation_id=reservation_id
    )
    return ReservationOut.model_validate(reservation)
