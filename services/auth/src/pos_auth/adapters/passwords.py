"""argon2id password hashing, run off the event loop (it is deliberately slow)."""

from __future__ import annotations

import anyio
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP's floor for argon2id; settings may raise it, never lower it.
MIN_MEMORY_KIB = 19456
MIN_TIME_COST = 2
MIN_PARALLELISM = 1


class Passwords:
    def __init__(self, *, memory_kib: int, time_cost: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            memory_cost=max(memory_kib, MIN_MEMORY_KIB),
            time_cost=max(time_cost, MIN_TIME_COST),
            parallelism=max(parallelism, MIN_PARALLELISM),
            type=Type.ID,
        )
        # Verified against when the e-mail is unknown, so both failures take as long.
        self._decoy_hash = self._hasher.hash("decoy password that matches nothing")

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        target = password_hash or self._decoy_hash

        def check() -> bool:
            try:
                return bool(self._hasher.verify(target, password))
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

        matched = await anyio.to_thread.run_sync(check)
        return matched and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        return bool(self._hasher.check_needs_rehash(password_hash))
