"""Idempotency keys (IETF `Idempotency-Key` draft, Stripe's semantics), as rules.

A client sends a new key with each payment or refund and the same key when it
retries. The first request with a key claims it; a retry with the same request
gets the first answer again; a retry while the first still runs is told to wait;
the same key with another request is refused. A claim is a lease: if the process
serving it died, another request may take the key over once the lease expired,
and carries on the same payment (never a second one).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pos_kit.cards import find_card_number
from pos_payment.domain.errors import IdempotencyKeyInvalid, IdempotencyKeyMissing

MAX_KEY_LENGTH = 255


class KeyState(StrEnum):
    IN_FLIGHT = "in_flight"
    DONE = "done"


class Verdict(StrEnum):
    """What a request finds when its key was claimed before."""

    REPLAY = "replay"  # same request, answered: answer the same again
    IN_FLIGHT = "in_flight"  # same request, still being served: try again shortly
    MISMATCH = "mismatch"  # another request under this key: refuse
    TAKE_OVER = "take_over"  # same request, its server gone (lease expired): carry on


def checked_key(header: str | None) -> str:
    """The key from the `Idempotency-Key` header; 400 if absent or unusable."""
    if header is None or not header.strip():
        raise IdempotencyKeyMissing()
    key = header.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise IdempotencyKeyInvalid(f"is longer than {MAX_KEY_LENGTH} characters")
    if not key.isprintable() or not key.isascii():
        raise IdempotencyKeyInvalid("must be printable ASCII")
    if find_card_number(key) is not None:
        raise IdempotencyKeyInvalid("must not hold a card number")
    return key


def fingerprint(method: str, path: str, body: Mapping[str, Any]) -> str:
    """sha256 of the method, the path and the body as canonical JSON (sorted, compact)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()}\n{path}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class Answer:
    """What a request that moves money was answered. Stored with its key once final, and
    given again, `replayed`, to every retry. A problem's body holds its detail and fields."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    replayed: bool = False


@dataclass(frozen=True)
class IdempotencyKey:
    tenant_id: uuid.UUID
    key: str
    fingerprint: str
    state: KeyState
    # Whoever holds the lease owns the key; a takeover hands out a new token.
    lease_token: uuid.UUID
    lease_expires_at: datetime
    created_at: datetime
    # The payment or refund recorded under this key, once there is one.
    recorded_id: uuid.UUID | None = None
    answer: Answer | None = None

    def verdict(self, fingerprint: str, now: datetime) -> Verdict:
        if fingerprint != self.fingerprint:
            return Verdict.MISMATCH
        if self.state is KeyState.DONE:
            return Verdict.REPLAY
        if self.lease_expires_at > now:
            return Verdict.IN_FLIGHT
        return Verdict.TAKE_OVER
