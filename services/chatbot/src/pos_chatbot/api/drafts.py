"""Draft orders: a guest builds and submits one in their conversation; staff see and accept them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, status

from pos_chatbot.api.dependencies import CurrentCaller, UseCases
from pos_chatbot.api.schemas import DraftLineIn, DraftOut, DraftPage, WaitingDraftOut
from pos_kit.errors import NotFound
from pos_kit.pagination import Keyset, PageRequest, page_request

guest_router = APIRouter(prefix="/api/v1/chat/conversations", tags=["drafts"])
staff_router = APIRouter(prefix="/api/v1/chat/drafts", tags=["drafts"])

# Waiting drafts, the longest waiting first.
WAITING = Keyset(datetime, uuid.UUID)


@guest_router.get("/{conversation_id}/draft", response_model=DraftOut)
async def read_draft(
    conversation_id: uuid.UUID, caller: CurrentCaller, use_cases: UseCases
) -> DraftOut:
    draft = await use_cases.drafts.show(caller, conversation_id)
    if draft is None:
        raise NotFound("This conversation has no draft order yet.")
    return DraftOut.model_validate(draft)


@guest_router.post(
    "/{conversation_id}/draft/lines", status_code=status.HTTP_201_CREATED, response_model=DraftOut
)
async def add_draft_line(
    conversation_id: uuid.UUID, body: DraftLineIn, caller: CurrentCaller, use_cases: UseCases
) -> DraftOut:
    """A line checked against the menu: on the menu, not sold out, choices within limits."""
    draft = await use_cases.drafts.add_line(
        caller,
        conversation_id,
        product_id=body.product_id,
        quantity=body.quantity,
        option_ids=tuple(body.modifiers),
        notes=body.notes,
    )
    return DraftOut.model_validate(draft)


@guest_router.delete("/{conversation_id}/draft/lines/{line_id}", response_model=DraftOut)
async def remove_draft_line(
    conversation_id: uuid.UUID, line_id: uuid.UUID, caller: CurrentCaller, use_cases: UseCases
) -> DraftOut:
    draft = await use_cases.drafts.remove_line(caller, conversation_id, line_id)
    return DraftOut.model_validate(draft)


@guest_router.post("/{conversation_id}/draft/submit", response_model=DraftOut)
async def submit_draft(
    conversation_id: uuid.UUID, caller: CurrentCaller, use_cases: UseCases
) -> DraftOut:
    """Put the draft in front of staff; it no longer changes."""
    return DraftOut.model_validate(await use_cases.drafts.submit(caller, conversation_id))


@staff_router.get("", response_model=DraftPage)
async def waiting_drafts(
    caller: CurrentCaller,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(WAITING))],
    status: Literal["submitted"] = "submitted",
) -> DraftPage:
    """The drafts guests submitted, longest waiting first (owner, manager, cashier, waiter).
    `status` is `submitted`, the drafts waiting for staff: the ones to act on."""
    found = await use_cases.drafts.waiting(caller, page)
    return DraftPage.build(found, WAITING, WaitingDraftOut.waiting)


@staff_router.post("/{draft_id}/accept", response_model=WaitingDraftOut)
async def accept_draft(
    draft_id: uuid.UUID, caller: CurrentCaller, use_cases: UseCases
) -> WaitingDraftOut:
    """Open the pos-core order with the draft's lines, as the caller; again: the same order."""
    return WaitingDraftOut.accepted(await use_cases.drafts.accept(caller, draft_id))
