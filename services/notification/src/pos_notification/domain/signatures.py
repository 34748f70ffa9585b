"""Webhook signatures: a receiver checks that a call came from us and was not replayed.

`X-POS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
The timestamp is signed with the body, so a receiver that refuses old timestamps
also refuses a captured call played again later.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-POS-Signature"
EVENT_ID_HEADER = "X-POS-Event-Id"
EVENT_TYPE_HEADER = "X-POS-Event-Type"
SIGNATURE_SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


def compute_signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},{SIGNATURE_SCHEME}={compute_signature(secret, timestamp, body)}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: int,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the header is well formed, recent, and one v1 value matches."""
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SIGNATURE_SCHEME and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = compute_signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
