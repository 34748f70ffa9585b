"""Guest links: front-of-house staff hand a table's guests the way to the menu assistant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import structlog

from pos_kit.uow import UnitOfWork
from pos_restaurant.adapters.guest_tokens import AuthGuestTokens
from pos_restaurant.adapters.repositories import TableRepository
from pos_restaurant.domain.errors import TableNotFound
from pos_restaurant.domain.guest_links import GuestLink
from pos_restaurant.domain.staff import Actor

log = structlog.get_logger(__name__)


@dataclass
class GuestLinks:
    guest_tokens: AuthGuestTokens
    base_url: str

    async def issue(self, uow: UnitOfWork, *, actor: Actor, table_id: uuid.UUID) -> GuestLink:
        """A new link for the guests at one of the restaurant's tables: a new guest token
        each time, so the next party at the table cannot read the last one's conversation."""
        # Read in a step of its own, so that no transaction is open while auth answers.
        async with uow.step():
            table = await TableRepository(uow.session).get(
                tenant_id=actor.tenant_id, table_id=table_id
            )
        if table is None:
            raise TableNotFound()
        issued = await self.guest_tokens.issue(tenant_id=actor.tenant_id, table_id=table_id)
        log.info("guest_link_issued", table_id=str(table_id), expires_at=str(issued.expires_at))
        return GuestLink.for_table(
            table_id, token=issued.token, expires_at=issued.expires_at, base_url=self.base_url
        )
