"""Time as the platform writes it: aware UTC datetimes, and RFC 3339 text with microseconds.

Framework-free, so a service's domain may use it (an event's payload, a receipt's stamp).
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    """`2026-11-30T19:48:00.123456Z`: UTC, microseconds, a `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
