"""The restaurant's e-mail log: what was sent to its owner, and how sending went."""

from __future__ import annotations

from fastapi import APIRouter

from pos_kit.dependencies import UoW
from pos_notification.api.dependencies import TIME_KEYED, RestaurantAdmin, TimeKeyedPage, UseCases
from pos_notification.api.schemas import EmailOut, EmailPage

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("", response_model=EmailPage)
async def list_notifications(
    who: RestaurantAdmin, uow: UoW, use_cases: UseCases, page: TimeKeyedPage
) -> EmailPage:
    """E-mails to the restaurant, newest first."""
    found = await use_cases.emails.list_page(uow, tenant_id=who.tenant, page=page)
    return EmailPage.build(found, TIME_KEYED, EmailOut.model_validate)
