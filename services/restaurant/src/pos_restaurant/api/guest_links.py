"""A table's guest link (front-of-house staff): the guest's way to the menu assistant."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Response, status

from pos_kit.dependencies import UoW
from pos_kit.schemas import ResponseModel
from pos_restaurant.api.dependencies import FrontOfHouse, UseCases

router = APIRouter(prefix="/api/v1", tags=["guest links"])


class GuestLinkOut(ResponseModel):
    table_id: uuid.UUID
    # The guest's token (role guest, this table, a few hours), also inside `url`.
    token: str
    expires_at: datetime
    url: str


@router.post(
    "/tables/{table_id}/guest-link",
    status_code=status.HTTP_201_CREATED,
    response_model=GuestLinkOut,
)
async def issue_guest_link(
    table_id: uuid.UUID, actor: FrontOfHouse, uow: UoW, use_cases: UseCases, response: Response
) -> GuestLinkOut:
    """A new guest link for the table (a QR code on the table, a link on the bill): a new
    guest each time. 404 for a table that is not this restaurant's; 503 if auth is away."""
    link = await use_cases.guest_links.issue(uow, actor=actor, table_id=table_id)
    response.headers["Cache-Control"] = "no-store"
    return GuestLinkOut.model_validate(link)
