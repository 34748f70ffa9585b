"""Cash drawer sessions: open with a counted float, cash paid in and out, close with a count."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pos_kit.clock import utcnow
from pos_kit.pagination import PageRequest, Slice
from pos_kit.tokens import Principal
from pos_kit.uow import UnitOfWork
from pos_payment.adapters.repositories import (
    DrawerRepository,
    LedgerRepository,
    RestaurantSettingsRepository,
)
from pos_payment.adapters.tables import DrawerSessionRow
from pos_payment.domain.drawers import CashMovement, DrawerSession
from pos_payment.domain.errors import (
    DrawerAlreadyOpen,
    DrawerNotNamed,
    DrawerSessionNotFound,
    InvalidInput,
    NoOpenDrawer,
)
from pos_payment.domain.ledger import LedgerEntry


@dataclass(frozen=True)
class DrawerCount:
    """A session and the cash it should hold now (or held when it closed)."""

    session: DrawerSession
    expected: int


class Drawers:
    async def open(
        self,
        uow: UnitOfWork,
        *,
        who: Principal,
        drawer: str,
        opening_float: int,
        currency: str | None,
    ) -> DrawerCount:
        tenant_id = who.tenant
        known = await RestaurantSettingsRepository(uow.session).get(tenant_id=tenant_id)
        currency = currency or known.currency
        if currency is None:
            raise InvalidInput(
                "The restaurant's currency is not known yet: name the drawer's currency.",
                field="body.currency",
            )
        session = DrawerSession(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            drawer=drawer,
            currency=currency,
            opening_float=opening_float,
            opened_by=who.subject,
            opened_at=utcnow(),
        )
        if not await DrawerRepository(uow.session).open(session):
            raise DrawerAlreadyOpen(drawer)
        return DrawerCount(session, opening_float)

    async def move_cash(
        self,
        uow: UnitOfWork,
        *,
        who: Principal,
        session_id: uuid.UUID,
        kind: CashMovement,
        amount: int,
        reason: str,
    ) -> LedgerEntry:
        """Cash paid into or out of an open drawer: a ledger entry with its reason."""
        session = await _locked(uow, tenant_id=who.tenant, session_id=session_id)
        entry = session.movement(kind, amount=amount, reason=reason, by=who.subject, at=utcnow())
        await LedgerRepository(uow.session).append([entry])
        return entry

    async def close(
        self, uow: UnitOfWork, *, who: Principal, session_id: uuid.UUID, counted: int
    ) -> DrawerCount:
        """Record the count; the variance is counted less expected (negative: cash missing)."""
        session = await _locked(uow, tenant_id=who.tenant, session_id=session_id)
        movements = await self._movements(uow, session)
        closed = session.closed(counted=counted, movements=movements, by=who.subject, at=utcnow())
        await DrawerRepository(uow.session).close(closed)
        return DrawerCount(closed, closed.expected(movements))

    async def get(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, session_id: uuid.UUID
    ) -> DrawerCount:
        session = await DrawerRepository(uow.session).get(
            tenant_id=tenant_id, session_id=session_id
        )
        if session is None:
            raise DrawerSessionNotFound(session_id)
        return DrawerCount(session, session.expected(await self._movements(uow, session)))

    async def list(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, open_only: bool, page: PageRequest
    ) -> Slice[DrawerCount]:
        found = await DrawerRepository(uow.session).list_page(
            tenant_id=tenant_id, open_only=open_only, page=page
        )
        movements = await LedgerRepository(uow.session).drawer_movements(
            tenant_id=tenant_id, session_ids=[s.id for s in found.items]
        )
        return found.map(lambda s: DrawerCount(s, s.expected(movements[s.id])))

    async def _movements(self, uow: UnitOfWork, session: DrawerSession) -> int:
        sums = await LedgerRepository(uow.session).drawer_movements(
            tenant_id=session.tenant_id, session_ids=[session.id]
        )
        return sums[session.id]


async def _locked(uow: UnitOfWork, *, tenant_id: uuid.UUID, session_id: uuid.UUID) -> DrawerSession:
    """The session, locked until the transaction ends (see `DrawerRepository.lock`)."""
    drawers = DrawerRepository(uow.session)
    await drawers.take_write_lock(DrawerSessionRow)
    session = await drawers.lock(tenant_id=tenant_id, session_id=session_id)
    if session is None:
        raise DrawerSessionNotFound(session_id)
    return session


async def drawer_for_cash(
    uow: UnitOfWork, *, tenant_id: uuid.UUID, drawer: str | None, currency: str
) -> DrawerSession:
    """The open session cash goes through: the named drawer's, or the only one open.

    It stays locked until the transaction ends, so a close cannot count it half-way.
    """
    sessions = await DrawerRepository(uow.session).lock_open(tenant_id=tenant_id)
    if drawer is not None:
        sessions = [s for s in sessions if s.drawer == drawer]
    if not sessions:
        raise NoOpenDrawer(drawer)
    if len(sessions) > 1:
        raise DrawerNotNamed(s.drawer for s in sessions)
    (session,) = sessions
    session.ensure_takes(currency)
    return session
