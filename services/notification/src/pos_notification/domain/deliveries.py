"""Deliveries (webhook calls and e-mails): attempts, retries, and when to give up."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

_MAX_ERROR_LENGTH = 500


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"  # the receiver took it (a 2xx, or the SMTP server accepted it)
    FAILED = "failed"  # every attempt failed; nothing more will be tried


@dataclass(frozen=True)
class AttemptOutcome:
    """What one attempt came to."""

    error: str | None = None
    status_code: int | None = None

    @classmethod
    def accepted(cls, status_code: int | None = None) -> AttemptOutcome:
        return cls(error=None, status_code=status_code)

    @classmethod
    def refused(cls, error: str, status_code: int | None = None) -> AttemptOutcome:
        return cls(error=error or "failed", status_code=status_code)

    @property
    def succeeded(self) -> bool:
        return self.error is None


def outcome_of_http_status(status_code: int) -> AttemptOutcome:
    """A webhook receiver took the event only if it answered 2xx (redirects are not followed)."""
    if 200 <= status_code < 300:
        return AttemptOutcome.accepted(status_code)
    return AttemptOutcome.refused(f"the receiver answered {status_code}", status_code)


@dataclass
class DeliveryProgress:
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None = None
    last_status_code: int | None = None
    delivered_at: datetime | None = None

    @classmethod
    def new(cls, now: datetime) -> DeliveryProgress:
        return cls(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now)

    def record(
        self,
        outcome: AttemptOutcome,
        *,
        now: datetime,
        max_attempts: int,
        retry_in: timedelta,
    ) -> None:
        """Count an attempt: delivered, due again after `retry_in`, or failed for good."""
        if self.status is not DeliveryStatus.PENDING:
            return  # settled meanwhile (by another process whose lease had run out)
        self.attempts += 1
        self.last_status_code = outcome.status_code
        if outcome.succeeded:
            self.status = DeliveryStatus.DELIVERED
            self.delivered_at = now
            self.next_attempt_at = None
            self.last_error = None
            return
        self.last_error = (outcome.error or "failed")[:_MAX_ERROR_LENGTH]
        if self.attempts >= max_attempts:
            self.status = DeliveryStatus.FAILED
            self.next_attempt_at = None
        else:
            self.next_attempt_at = now + retry_in


@dataclass(frozen=True)
class WebhookDelivery:
    """One event on its way to one webhook."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    webhook_id: uuid.UUID
    event_id: str
    event_type: str
    payload: str
    progress: DeliveryProgress
    created_at: datetime
