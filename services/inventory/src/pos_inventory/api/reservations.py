"""Stock reservations for orders.

Holding, committing and releasing stock is pos-core's service account's alone: a
client-credentials token with the scope `inventory:reserve` for the restaurant (the
tenant comes from the token). A member of staff's token is refused (403) whatever the
role: staff place, close and cancel orders at pos-core, which settles the hold. Staff
may read a reservation.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from pos_inventory.api.dependencies import ReservationReader, Reserver, UseCases
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
SERVICE_ONLY: dict[int | str, dict[str, Any]] = {
    403: {
        **PROBLEM,
        "description": "Not a service token with the scope `inventory:reserve` that names a "
        "restaurant (pos-core's own). A member of staff's token is refused, whatever the role.",
    },
}
SETTLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **SERVICE_ONLY,
    404: {**PROBLEM, "description": "No such reservation in the token's restaurant."},
    409: {
        **PROBLEM,
        "description": "Settled the other way already: a committed reservation is not "
        "released, a released or expired one is not committed.",
    },
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ReservationOut,
    responses={**RESERVE_RESPONSES, **SERVICE_ONLY},
)
async def reserve_stock(
    body: ReservationIn, who: Reserver, uow: UoW, use_cases: UseCases, response: Response
) -> ReservationOut:
    """Hold stock for every line of an order, or for none. Idempotent on `order_id` while
    held or committed; a released or expired reservation is held again (201). pos-core's
    service token only (scope `inventory:reserve`, for the restaurant)."""
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
    reservation_id: uuid.UUID, who: ReservationReader, uow: UoW, use_cases: UseCases
) -> ReservationOut:
    """A reservation, for any member of staff or pos-core's service token."""
    reservation = await use_cases.reservations.get(
        uow, tenant_id=who.tenant, reservation_id=reservation_id
    )
    return ReservationOut.model_validate(reservation)


@router.post("/{reservation_id}/commit", response_model=ReservationOut, responses=SETTLE_RESPONSES)
async def commit_reservation(
    reservation_id: uuid.UUID, who: Reserver, uow: UoW, use_cases: UseCases
) -> ReservationOut:
    """The order went through: held units leave on hand. Repeating it changes nothing.
    409 if the reservation was released or expired. pos-core's service token only."""
    reservation = await use_cases.reservations.commit(
        uow, tenant_id=who.tenant, actor=who.subject, reservation_id=reservation_id
    )
    return ReservationOut.model_validate(reservation)


@router.post("/{reservation_id}/release", response_model=ReservationOut, responses=SETTLE_RESPONSES)
async def release_reservation(
    reservation_id: uuid.UUID, who: Reserver, uow: UoW, use_cases: UseCases
) -> ReservationOut:
    """The order was cancelled: held units are free again. Repeating it changes nothing.
    409 if the reservation was committed. pos-core's service token only."""
    reservation = await use_cases.reservations.release(
        uow, tenant_id=who.tenant, reservation_id=reservation_id
    )
    return ReservationOut.model_validate(reservation)
