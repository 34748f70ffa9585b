"""The idempotency keys' SQL: claim with INSERT ... ON CONFLICT DO NOTHING, never
check-then-insert; take over and fence with compare-and-set on the lease token."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, select, update

from pos_kit.mapping import build
from pos_kit.repository import Repository, column_values, rowcount
from pos_payment.adapters.tables import IdempotencyKeyRow
from pos_payment.domain.idempotency import Answer, IdempotencyKey, KeyState


class IdempotencyKeyRepository(Repository):
    async def claim(self, claim: IdempotencyKey) -> bool:
        """Insert the key in flight; False if the tenant used it before (the primary key)."""
        return await self.insert_once(IdempotencyKeyRow, column_values(claim, IdempotencyKeyRow))

    async def get(self, *, tenant_id: uuid.UUID, key: str) -> IdempotencyKey | None:
        row = await self.session.scalar(select(IdempotencyKeyRow).where(_this(tenant_id, key)))
        return _key(row) if row else None

    async def take_over(
        self, seen: IdempotencyKey, *, lease_token: uuid.UUID, lease_expires_at: datetime
    ) -> bool:
        """Move an expired lease to a new holder, if nobody else moved it since it was read."""
        result = await self.session.execute(
            update(IdempotencyKeyRow)
            .where(
                _this(seen.tenant_id, seen.key),
                IdempotencyKeyRow.state == KeyState.IN_FLIGHT.value,
                IdempotencyKeyRow.lease_token == seen.lease_token,
            )
            .values(lease_token=lease_token, lease_expires_at=lease_expires_at)
        )
        return rowcount(result) == 1

    async def link(self, claim: IdempotencyKey, *, recorded_id: uuid.UUID) -> bool:
        """Tie the payment or refund to the key, if `claim` still holds its lease.

        The fence: a request whose lease was taken over (it ran too long) finds the token
        changed and records nothing, so one key never records two payments.
        """
        result = await self.session.execute(
            update(IdempotencyKeyRow)
            .where(
                _this(claim.tenant_id, claim.key),
                IdempotencyKeyRow.lease_token == claim.lease_token,
                IdempotencyKeyRow.recorded_id.is_(None),
            )
            .values(recorded_id=recorded_id)
        )
        return rowcount(result) == 1

    async def answer(
        self, *, tenant_id: uuid.UUID, key: str, recorded_id: uuid.UUID, answer: Answer
    ) -> None:
        """Store the final answer of what the key recorded, for every retry to get."""
        await self.session.execute(
            update(IdempotencyKeyRow)
            .where(_this(tenant_id, key), IdempotencyKeyRow.recorded_id == recorded_id)
            .values(
                state=KeyState.DONE.value,
                response_status=answer.status,
                response_body=answer.body,
                response_headers=answer.headers,
            )
        )

    async def end_lease(self, claim: IdempotencyKey, *, now: datetime) -> None:
        """Let a retry take the key over at once (the answer is not final yet)."""
        await self.session.execute(
            update(IdempotencyKeyRow)
            .where(
                _this(claim.tenant_id, claim.key),
                IdempotencyKeyRow.lease_token == claim.lease_token,
            )
            .values(lease_expires_at=now)
        )

    async def release(self, claim: IdempotencyKey) -> None:
        """Forget a claim that recorded nothing (the request was refused): the key is free."""
        await self.session.execute(
            delete(IdempotencyKeyRow).where(
                _this(claim.tenant_id, claim.key),
                IdempotencyKeyRow.lease_token == claim.lease_token,
                IdempotencyKeyRow.recorded_id.is_(None),
            )
        )

    async def purge(self, *, before: datetime) -> int:
        """Forget keys (of every restaurant) claimed before `before`."""
        result = await self.session.execute(
            delete(IdempotencyKeyRow).where(IdempotencyKeyRow.created_at < before)
        )
        return rowcount(result)


def _this(tenant_id: uuid.UUID, key: str) -> ColumnElement[bool]:
    return and_(IdempotencyKeyRow.tenant_id == tenant_id, IdempotencyKeyRow.key == key)


def _key(row: IdempotencyKeyRow) -> IdempotencyKey:
    answer = None
    if row.response_status is not None:
        answer = Answer(row.response_status, row.response_body or {}, row.response_headers or {})
    return build(IdempotencyKey, row, answer=answer)
