"""Webhook signatures, computed and checked exactly as a receiver would."""

from __future__ import annotations

import hashlib
import hmac

from pos_notification.domain.signatures import (
    compute_signature,
    signature_header,
    verify_signature,
)

SECRET = "whsec_test"
BODY = b'{"id":"e1","type":"order.placed"}'
T = 1_764_000_000


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert compute_signature(SECRET, T, BODY) == expected
    assert signature_header(SECRET, T, BODY) == f"t={T},v1={expected}"


def test_a_receiver_accepts_a_fresh_genuine_call() -> None:
    assert verify_signature(SECRET, signature_header(SECRET, T, BODY), BODY, now=T + 10)


def test_a_changed_body_wrong_secret_or_old_call_is_refused() -> None:
    header = signature_header(SECRET, T, BODY)
    assert not verify_signature(SECRET, header, BODY + b" ", now=T)
    assert not verify_signature("whsec_other", header, BODY, now=T)
    assert not verify_signature(SECRET, header, BODY, now=T + 301)
    assert not verify_signature(SECRET, header, BODY, now=T - 301)


def test_the_timestamp_is_part_of_what_is_signed() -> None:
    genuine = compute_signature(SECRET, T, BODY)
    assert not verify_signature(SECRET, f"t={T + 60},v1={genuine}", BODY, now=T + 60)


def test_malformed_headers_are_refused() -> None:
    for header in ("", "v1=abc", f"t={T}", f"t=soon,v1={compute_signature(SECRET, T, BODY)}"):
        assert not verify_signature(SECRET, header, BODY, now=T)


def test_any_of_several_v1_values_may_match() -> None:
    header = f"t={T},v1=deadbeef,v1={compute_signature(SECRET, T, BODY)}"
    assert verify_signature(SECRET, header, BODY, now=T)
