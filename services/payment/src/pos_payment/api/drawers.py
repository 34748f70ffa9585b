"""`/api/v1/cash-drawers`: drawer sessions, cash paid in and out, the count at the close."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from pos_kit.dependencies import UoW
from pos_kit.pagination import Keyset, PageRequest, page_request
from pos_payment.api.dependencies import CashHandler, Manager, UseCases
from pos_payment.api.schemas import (
    CashMovementIn,
    CashMovementOut,
    DrawerCloseIn,
    DrawerOpenIn,
    DrawerOut,
    DrawerPage,
)
from pos_payment.domain.drawers import CashMovement

router = APIRouter(prefix="/api/v1/cash-drawers", tags=["cash drawers"])

SESSIONS = Keyset(datetime, uuid.UUID)  # newest first by (opened_at, id)


@router.post("", status_code=201)
async def open_drawer(body: DrawerOpenIn, who: Manager, uow: UoW, use_cases: UseCases) -> DrawerOut:
    """Open a session on a drawer with its counted float (one open session per drawer)."""
    opened = await use_cases.drawers.open(
        uow,
        who=who,
        drawer=body.drawer,
        opening_float=body.opening_float,
        currency=body.currency,
    )
    return DrawerOut.of(opened)


@router.get("")
async def list_drawer_sessions(
    who: CashHandler,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(SESSIONS))],
    status: Annotated[str | None, Query(pattern="^open$", description="Only open ones.")] = None,
) -> DrawerPage:
    found = await use_cases.drawers.list(
        uow, tenant_id=who.tenant, open_only=status == "open", page=page
    )
    return DrawerPage.build(found, SESSIONS, DrawerOut.of)


@router.get("/{session_id}")
async def get_drawer_session(
    session_id: uuid.UUID, who: CashHandler, uow: UoW, use_cases: UseCases
) -> DrawerOut:
    return DrawerOut.of(
        await use_cases.drawers.get(uow, tenant_id=who.tenant, session_id=session_id)
    )


@router.post("/{session_id}/paid-in", status_code=201)
async def pay_in(
    session_id: uuid.UUID, body: CashMovementIn, who: CashHandler, uow: UoW, use_cases: UseCases
) -> CashMovementOut:
    """Cash put into the drawer that is no sale (change brought from the safe)."""
    return await _move(CashMovement.PAID_IN, session_id, body, who, uow, use_cases)


@router.post("/{session_id}/paid-out", status_code=201)
async def pay_out(
    session_id: uuid.UUID, body: CashMovementIn, who: CashHandler, uow: UoW, use_cases: UseCases
) -> CashMovementOut:
    """Cash taken out of the drawer that is no refund (a delivery paid in cash)."""
    return await _move(CashMovement.PAID_OUT, session_id, body, who, uow, use_cases)


@router.post("/{session_id}/close")
async def close_drawer(
    session_id: uuid.UUID, body: DrawerCloseIn, who: Manager, uow: UoW, use_cases: UseCases
) -> DrawerOut:
    """Close with the counted cash: the variance is counted less expected."""
    closed = await use_cases.drawers.close(
        uow, who=who, session_id=session_id, counted=body.counted
    )
    return DrawerOut.of(closed)


async def _move(
    kind: CashMovement,
    session_id: uuid.UUID,
    body: CashMovementIn,
    who: CashHandler,
    uow: UoW,
    use_cases: UseCases,
) -> CashMovementOut:
    entry = await use_cases.drawers.move_cash(
        uow, who=who, session_id=session_id, kind=kind, amount=body.amount, reason=body.reason
    )
    return CashMovementOut.model_validate(entry)
