"""Who is calling (a guest at a table or staff), and how routers reach the use cases.

The kernel verifies the token; a guest token's `table_id` is one of the verified
claims the `Principal` carries.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from pos_chatbot.domain.callers import GUEST_ROLE, STAFF_ROLES, Caller
from pos_chatbot.use_cases import ChatbotUseCases
from pos_kit.dependencies import app_state
from pos_kit.errors import Forbidden, Unauthorized
from pos_kit.security import CurrentPrincipal
from pos_kit.tokens import Principal

UseCases = Annotated[ChatbotUseCases, Depends(app_state(ChatbotUseCases))]


def _guest_table(principal: Principal) -> uuid.UUID:
    try:
        return uuid.UUID(str(principal.claims.get("table_id")))
    except ValueError as exc:
        raise Unauthorized("A guest token must name its table.") from exc


async def current_caller(principal: CurrentPrincipal) -> Caller:
    if principal.role == GUEST_ROLE:
        table_id = _guest_table(principal)
    elif principal.role in STAFF_ROLES:
        table_id = None
    else:
        raise Forbidden("The assistant answers guests at a table and staff.")
    return Caller(
        tenant_id=principal.tenant,
        subject=principal.subject,
        role=principal.role,
        table_id=table_id,
        token=principal.token,
    )


CurrentCaller = Annotated[Caller, Depends(current_caller)]


async def current_staff(caller: CurrentCaller) -> Caller:
    """The caller, if a member of staff: what the restaurant keeps is not a guest's business."""
    if caller.is_guest:
        raise Forbidden("This is for the restaurant's staff.")
    return caller


StaffCaller = Annotated[Caller, Depends(current_staff)]
