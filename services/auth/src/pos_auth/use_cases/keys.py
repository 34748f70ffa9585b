"""The key ring: which key signs now, which keys still verify, and rotation.

Signing keys are no request's business: the ring reads and rotates them in units of
work of its own, as the background job that keeps them young does.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime, timedelta
from typing import Any

import structlog
from jwt import PyJWK

from pos_auth.adapters.repositories import SigningKeyRepository
from pos_auth.adapters.signing import SigningKey, generate_signing_key
from pos_kit.clock import utcnow
from pos_kit.db import Database

log = structlog.get_logger(__name__)


class KeyRing:
    """Caches the usable keys for a few seconds so signing and JWKS cost no query.

    Several auth processes share the keys through the database; a rotation done
    by one is seen by the others at their next reload (at most `reload_seconds`).
    """

    def __init__(
        self,
        database: Database,
        *,
        rotation_age: timedelta,
        overlap: timedelta,
        reload_seconds: float = 10.0,
    ) -> None:
        self.database = database
        self.rotation_age = rotation_age
        self.overlap = overlap
        self.reload_seconds = reload_seconds
        self._keys: list[SigningKey] = []
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def _load(self, now: datetime) -> None:
        async with self.database.unit_of_work() as uow:
            self._keys = await SigningKeyRepository(uow.session).usable(now - self.overlap)
        self._loaded_at = time.monotonic()

    async def _fresh(self) -> list[SigningKey]:
        if time.monotonic() - self._loaded_at > self.reload_seconds or not self._keys:
            async with self._lock:
                if time.monotonic() - self._loaded_at > self.reload_seconds or not self._keys:
                    await self._load(utcnow())
        return self._keys

    async def ensure_current(self) -> None:
        """Make sure an active key exists and is young enough; rotate if not."""
        now = utcnow()
        await self._load(now)
        active = [k for k in self._keys if k.retired_at is None]
        if not active:
            await self.rotate(reason="no active key")
        elif now - active[0].created_at > self.rotation_age:
            await self.rotate(reason="active key reached its rotation age")

    async def keep_current(self, every_seconds: float) -> None:
        """Check the active key's age now and then, so a long-running auth rotates too.

        Runs until cancelled; a failed check (the database away for a moment) is logged
        and tried again at the next interval.
        """
        while True:
            await asyncio.sleep(every_seconds)
            try:
                await self.ensure_current()
            except Exception as exc:  # a check that fails must not end the loop
                log.warning("signing_key_check_failed", error=str(exc))

    async def rotate(self, *, reason: str = "requested") -> SigningKey:
        now = utcnow()
        new_key = generate_signing_key(now)
        async with self.database.unit_of_work() as uow:
            repo = SigningKeyRepository(uow.session)
            await repo.retire_all_active(now)
            await repo.add(new_key)
        await self._load(now)
        log.info("signing_key_rotated", kid=new_key.kid, reason=reason)
        return new_key

    async def signing_key(self) -> SigningKey:
        for key in await self._fresh():
            if key.retired_at is None:
                return key
        await self.ensure_current()
        return next(k for k in self._keys if k.retired_at is None)

    async def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk for k in await self._fresh()]}

    async def key_for(self, kid: str) -> PyJWK | None:
        """auth verifies its own tokens through this (pos_kit's KeySource protocol).

        A kid it has not seen may come from a rotation done by another auth
        process: reload once, but not more than once a second.
        """
        for key in await self._fresh():
            if key.kid == kid:
                return PyJWK.from_dict(key.public_jwk)
        if time.monotonic() - self._loaded_at > 1.0:
            async with self._lock:
                await self._load(utcnow())
            for key in self._keys:
                if key.kid == kid:
                    return PyJWK.from_dict(key.public_jwk)
        return None


class KeyRotation:
    """The kernel's background worker that keeps a running auth's signing key young.

    Its start makes sure a key exists before auth serves (no token can be issued
    without one); then the key's age is checked every `every_seconds`.
    """

    def __init__(self, keys: KeyRing, *, every_seconds: float) -> None:
        self.keys = keys
        self.every_seconds = every_seconds
        self._checks: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.keys.ensure_current()
        self._checks = asyncio.create_task(
            self.keys.keep_current(self.every_seconds), name="signing-key-checks"
        )

    async def stop(self) -> None:
        if self._checks is None:
            return
        self._checks.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._checks
        self._checks = None
