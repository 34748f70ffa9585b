"""The restaurant's e-mail log: what was sent to its owner, and how sending went."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from pos_kit.dependencies import UoW
from pos_kit.pagination import Keyset, PageRequest, page_request
from pos_notification.api.dependencies import RestaurantAdmin, UseCases
from pos_notification.api.schemas import EmailOut, EmailPage

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])

EMAILS = Keyset(datetime, uuid.UUID)  # newest first by (created_at, id)


@router.get("", response_model=EmailPage)
async def list_notifications(
    who: RestaurantAdmin,
    uow: UoW,
    use_cases: UseCases,
    page: Annotated[PageRequest, Depends(page_request(EMAILS))],
) -> EmailPage:
    """E-mails to the restaurant, newest first."""
    found = await use_cases.emails.list_page(uow, tenant_id=who.tenant, page=page)
    return EmailPage.build(found, EMAILS, EmailOut.of)
