"""How long the restaurant keeps its guests' conversations (owners and managers set it)."""

from __future__ import annotations

from fastapi import APIRouter

from pos_chatbot.api.dependencies import CurrentCaller, StaffCaller, UseCases
from pos_chatbot.api.schemas import RetentionIn, RetentionOut

router = APIRouter(prefix="/api/v1/chat/retention", tags=["retention"])


@router.get("", response_model=RetentionOut)
async def read_retention(caller: StaffCaller, use_cases: UseCases) -> RetentionOut:
    return RetentionOut.of(await use_cases.retention.of(caller.tenant_id))


@router.put("", response_model=RetentionOut)
async def set_retention(
    body: RetentionIn, caller: CurrentCaller, use_cases: UseCases
) -> RetentionOut:
    """Conversations are kept this many days after their last message (from the next one)."""
    return RetentionOut.of(await use_cases.retention.set(caller, days=body.retention_days))
