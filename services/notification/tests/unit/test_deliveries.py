"""Delivery attempts: retried with doubling waits, given up after the last attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pos_notification.domain.deliveries import (
    AttemptOutcome,
    DeliveryProgress,
    DeliveryStatus,
    outcome_of_http_status,
)
from pos_notification.use_cases.deliveries import RetryPolicy

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=4, backoff_initial_seconds=10, backoff_max_seconds=60)


def test_backoff_doubles_from_the_first_wait_and_is_capped() -> None:
    waits = [POLICY.retry_in(n).total_seconds() for n in range(1, 7)]
    assert waits == [10, 20, 40, 60, 60, 60]


def test_only_a_2xx_answer_counts_as_delivered() -> None:
    assert outcome_of_http_status(200).succeeded
    assert outcome_of_http_status(204).succeeded
    for status in (301, 400, 410, 500, 503):
        outcome = outcome_of_http_status(status)
        assert not outcome.succeeded
        assert outcome.status_code == status


def test_a_failed_attempt_schedules_the_next_one() -> None:
    progress = DeliveryProgress.new(NOW)
    progress.record(
        AttemptOutcome.refused("the receiver answered 500", 500),
        now=NOW,
        max_attempts=4,
        retry_in=POLICY.retry_in(1),
    )
    assert progress.status is DeliveryStatus.PENDING
    assert progress.attempts == 1
    assert progress.next_attempt_at == NOW + timedelta(seconds=10)
    assert (progress.last_status_code, progress.last_error) == (500, "the receiver answered 500")


def test_success_after_failures_clears_the_error() -> None:
    progress = DeliveryProgress.new(NOW)
    progress.record(
        AttemptOutcome.refused("timeout"), now=NOW, max_attempts=4, retry_in=timedelta(1)
    )
    progress.record(AttemptOutcome.accepted(200), now=NOW, max_attempts=4, retry_in=timedelta(1))
    assert progress.status is DeliveryStatus.DELIVERED
    assert progress.attempts == 2
    assert progress.next_attempt_at is None
    assert progress.last_error is None
    assert progress.delivered_at == NOW


def test_the_last_failed_attempt_gives_up_for_good() -> None:
    progress = DeliveryProgress.new(NOW)
    for attempt in range(1, 5):
        progress.record(
            AttemptOutcome.refused("connection refused"),
            now=NOW,
            max_attempts=4,
            retry_in=POLICY.retry_in(attempt),
        )
    assert progress.status is DeliveryStatus.FAILED
    assert progress.attempts == 4
    assert progress.next_attempt_at is None
    # A late answer (another process whose lease ran out) changes nothing now.
    progress.record(AttemptOutcome.accepted(200), now=NOW, max_attempts=4, retry_in=timedelta(1))
    assert progress.status is DeliveryStatus.FAILED
    assert progress.attempts == 4
