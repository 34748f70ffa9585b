"""Idempotency-Key rules: the key itself, the request's fingerprint, what a retry finds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from pos_payment.domain.errors import IdempotencyKeyInvalid, IdempotencyKeyMissing
from pos_payment.domain.idempotency import (
    IdempotencyKey,
    KeyState,
    Verdict,
    checked_key,
    fingerprint,
)

NOW = datetime(2026, 11, 25, 19, 30, tzinfo=UTC)


@pytest.mark.parametrize("header", [None, "", "   "])
def test_a_missing_key_is_refused(header: str | None) -> None:
    with pytest.raises(IdempotencyKeyMissing):
        checked_key(header)


@pytest.mark.parametrize("header", ["x" * 256, "clé", "tab\there", "4242 4242 4242 4242"])
def test_a_key_too_long_not_printable_ascii_or_holding_a_card_number_is_refused(
    header: str,
) -> None:
    with pytest.raises(IdempotencyKeyInvalid):
        checked_key(header)


def test_a_key_is_taken_as_sent_but_trimmed() -> None:
    key = str(uuid.uuid4())
    assert checked_key(f" {key} ") == key


def test_a_fingerprint_ignores_key_order_but_not_values_paths_or_methods() -> None:
    body = {"order_id": "o-1", "amount": 1000, "lines": ["a", "b"]}
    same = fingerprint("POST", "/api/v1/payments", dict(reversed(list(body.items()))))

    assert fingerprint("post", "/api/v1/payments", body) == same
    assert fingerprint("POST", "/api/v1/payments", {**body, "amount": 1001}) != same
    assert fingerprint("POST", "/api/v1/payments", {**body, "lines": ["b", "a"]}) != same
    assert fingerprint("POST", "/api/v1/payments/p/refunds", body) != same
    assert fingerprint("PUT", "/api/v1/payments", body) != same
    assert len(same) == 64


def claimed(state: KeyState, *, expires_in: timedelta) -> IdempotencyKey:
    return IdempotencyKey(
        tenant_id=uuid.uuid4(),
        key="k",
        fingerprint="f" * 64,
        state=state,
        lease_token=uuid.uuid4(),
        lease_expires_at=NOW + expires_in,
        created_at=NOW - timedelta(seconds=1),
    )


@pytest.mark.parametrize(
    ("state", "expires_in", "verdict"),
    [
        (KeyState.DONE, timedelta(seconds=5), Verdict.REPLAY),
        (KeyState.DONE, timedelta(seconds=-5), Verdict.REPLAY),
        (KeyState.IN_FLIGHT, timedelta(seconds=5), Verdict.IN_FLIGHT),
        (KeyState.IN_FLIGHT, timedelta(seconds=-5), Verdict.TAKE_OVER),
        (KeyState.IN_FLIGHT, timedelta(0), Verdict.TAKE_OVER),
    ],
)
def test_what_the_same_request_finds(
    state: KeyState, expires_in: timedelta, verdict: Verdict
) -> None:
    assert claimed(state, expires_in=expires_in).verdict("f" * 64, NOW) is verdict


def test_another_request_under_the_key_is_a_mismatch_whatever_its_state() -> None:
    for state in KeyState:
        assert claimed(state, expires_in=timedelta(seconds=5)).verdict("0" * 64, NOW) is (
            Verdict.MISMATCH
        )
