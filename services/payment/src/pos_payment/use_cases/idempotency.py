"""Claiming an Idempotency-Key for a request that moves money, and what a retry is answered.

A claim is made with INSERT ... ON CONFLICT DO NOTHING and committed at once, so
that of 50 requests racing with one key exactly one goes on; the others find the
key and are answered from it: the first answer again, "still in progress" (409),
or "another request" (422). A claim refused by a rule before anything was recorded
is released, so the same key may be sent again once the rule allows it.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from datetime import timedelta

from pos_kit.clock import utcnow
from pos_kit.uow import UnitOfWork
from pos_payment.adapters.repositories import IdempotencyKeyRepository
from pos_payment.domain.errors import IdempotencyKeyInFlight, IdempotencyKeyReused
from pos_payment.domain.idempotency import Answer, IdempotencyKey, KeyState, Verdict

# Retry-After for a key still in flight: the first request usually answers within seconds.
MAX_RETRY_AFTER_SECONDS = 5


class IdempotencyKeys:
    def __init__(self, *, lease: timedelta) -> None:
        self.lease = lease

    async def claim(
        self, uow: UnitOfWork, *, tenant_id: uuid.UUID, key: str, fingerprint: str
    ) -> IdempotencyKey | Answer:
        """The key, claimed for this request; or the first answer to give again.

        409 while another request holds the key, 422 if it was used for another request.
        """
        now = utcnow()
        mine = IdempotencyKey(
            tenant_id=tenant_id,
            key=key,
            fingerprint=fingerprint,
            state=KeyState.IN_FLIGHT,
            lease_token=uuid.uuid4(),
            lease_expires_at=now + self.lease,
            created_at=now,
        )
        async with uow.step():
            keys = IdempotencyKeyRepository(uow.session)
            if await keys.claim(mine):
                return mine
            seen = await keys.get(tenant_id=tenant_id, key=key)
            if seen is None:  # purged in between: as good as in flight, try again
                raise IdempotencyKeyInFlight(retry_after_seconds=1)
            verdict = seen.verdict(fingerprint, now)
            if verdict is Verdict.MISMATCH:
                raise IdempotencyKeyReused()
            if verdict is Verdict.REPLAY:
                assert seen.answer is not None
                return replace(seen.answer, replayed=True)
            if verdict is Verdict.IN_FLIGHT:
                wait = math.ceil((seen.lease_expires_at - now).total_seconds())
                raise IdempotencyKeyInFlight(retry_after_seconds=min(wait, MAX_RETRY_AFTER_SECONDS))
            # The lease lapsed: its request died, or answered 202 and let go. Carry on
            # from where it stopped (`recorded_id`), unless another retry got there first.
            taken = replace(seen, lease_token=uuid.uuid4(), lease_expires_at=now + self.lease)
            if not await keys.take_over(
                seen, lease_token=taken.lease_token, lease_expires_at=taken.lease_expires_at
            ):
                raise IdempotencyKeyInFlight(retry_after_seconds=1)
            return taken

    async def release(self, uow: UnitOfWork, claim: IdempotencyKey) -> None:
        """The request was refused before it recorded anything: free the key."""
        async with uow.step():
            await IdempotencyKeyRepository(uow.session).release(claim)

    async def let_go(self, uow: UnitOfWork, claim: IdempotencyKey) -> None:
        """The answer is not final (the processor did not answer in time): a retry with the
        key may take it over at once and ask the processor again."""
        async with uow.step():
            await IdempotencyKeyRepository(uow.session).end_lease(claim, now=utcnow())
