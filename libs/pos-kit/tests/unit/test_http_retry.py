"""Retry rules of the resilient client: backoff, idempotency, what counts as a failure."""

from __future__ import annotations

import email.utils
import random

import httpx
import pytest

from pos_kit.http.retry import (
    AttemptFailure,
    FailureKind,
    RetryPolicy,
    backoff_delay,
    failure_from_exception,
    failure_from_response,
    is_idempotent,
    parse_retry_after,
    retry_delay,
    should_retry,
)

POLICY = RetryPolicy(max_attempts=3, backoff_base=0.1, backoff_cap=2.0)


def status_failure(status: int, retry_after: float | None = None) -> AttemptFailure:
    return AttemptFailure(kind=FailureKind.STATUS, status_code=status, retry_after=retry_after)


def response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers)


class TestBackoff:
    @pytest.mark.parametrize(
        ("retry_number", "ceiling"), [(1, 0.1), (2, 0.2), (3, 0.4), (5, 1.6), (6, 2.0), (30, 2.0)]
    )
    def test_ceiling_doubles_per_retry_up_to_the_cap(
        self, retry_number: int, ceiling: float
    ) -> None:
        delay = backoff_delay(retry_number, base=0.1, cap=2.0, rand=lambda: 1.0)
        assert delay == pytest.approx(ceiling)

    def test_full_jitter_spreads_over_the_whole_interval_from_zero(self) -> None:
        rng = random.Random(7)
        delays = [backoff_delay(4, base=0.1, cap=2.0, rand=rng.random) for _ in range(2000)]
        assert all(0.0 <= d < 0.8 for d in delays)
        assert min(delays) < 0.05
        assert max(delays) > 0.75
        assert sum(delays) / len(delays) == pytest.approx(0.4, abs=0.03)

    def test_huge_retry_numbers_stay_at_the_cap(self) -> None:
        assert backoff_delay(100_000, base=0.1, cap=2.0, rand=lambda: 1.0) == 2.0

    def test_retry_numbers_start_at_one(self) -> None:
        with pytest.raises(ValueError, match="starts at 1"):
            backoff_delay(0, base=0.1, cap=2.0, rand=lambda: 1.0)

    def test_retry_after_is_a_floor_for_the_delay(self) -> None:
        assert retry_delay(status_failure(503, retry_after=3.0), 1, POLICY, lambda: 1.0) == 3.0

    def test_backoff_longer_than_retry_after_wins(self) -> None:
        delay = retry_delay(status_failure(503, retry_after=0.0), 6, POLICY, lambda: 1.0)
        assert delay == 2.0


class TestIdempotency:
    @pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "get"])
    def test_safe_and_idempotent_methods(self, method: str) -> None:
        assert is_idempotent(method, httpx.Headers())

    @pytest.mark.parametrize("method", ["POST", "PATCH"])
    def test_post_and_patch_need_an_idempotency_key(self, method: str) -> None:
        assert not is_idempotent(method, httpx.Headers())
        assert not is_idempotent(method, httpx.Headers({"Idempotency-Key": ""}))
        assert is_idempotent(method, httpx.Headers({"idempotency-key": "k-1"}))


class TestShouldRetry:
    @pytest.mark.parametrize(
        ("failure", "idempotent", "expected"),
        [
            (status_failure(503), True, True),
            (status_failure(502), True, True),
            (status_failure(504), True, True),
            (status_failure(429), True, True),
            (status_failure(500), True, False),
            (status_failure(503), False, False),
            (AttemptFailure(kind=FailureKind.TIMEOUT), True, True),
            (AttemptFailure(kind=FailureKind.TIMEOUT), False, False),
            (AttemptFailure(kind=FailureKind.TRANSPORT), True, True),
            (AttemptFailure(kind=FailureKind.TRANSPORT), False, False),
            # Nothing left the process: a second copy cannot duplicate anything.
            (AttemptFailure(kind=FailureKind.CONNECT, may_have_reached_server=False), False, True),
            (AttemptFailure(kind=FailureKind.TIMEOUT, may_have_reached_server=False), False, True),
        ],
    )
    def test_decision(self, failure: AttemptFailure, idempotent: bool, expected: bool) -> None:
        assert should_retry(failure, idempotent=idempotent, policy=POLICY) is expected


class TestClassification:
    def test_connect_error_never_reached_the_server(self) -> None:
        failure = failure_from_exception(httpx.ConnectError("refused"))
        assert failure == AttemptFailure(kind=FailureKind.CONNECT, may_have_reached_server=False)

    @pytest.mark.parametrize("exc", [httpx.ConnectTimeout("t"), httpx.PoolTimeout("t")])
    def test_timeouts_before_sending(self, exc: Exception) -> None:
        failure = failure_from_exception(exc)
        assert failure is not None
        assert failure.kind is FailureKind.TIMEOUT
        assert not failure.may_have_reached_server

    @pytest.mark.parametrize(
        "exc", [httpx.ReadTimeout("t"), httpx.WriteTimeout("t"), TimeoutError()]
    )
    def test_timeouts_after_sending_may_have_reached_the_server(self, exc: Exception) -> None:
        failure = failure_from_exception(exc)
        assert failure == AttemptFailure(kind=FailureKind.TIMEOUT, may_have_reached_server=True)

    def test_broken_connection_is_a_transport_failure(self) -> None:
        failure = failure_from_exception(httpx.RemoteProtocolError("server disconnected"))
        assert failure is not None
        assert failure.kind is FailureKind.TRANSPORT
        assert failure.is_downstream_fault

    @pytest.mark.parametrize(
        "exc", [httpx.UnsupportedProtocol("ftp://"), ValueError("bad json"), KeyError("x")]
    )
    def test_caller_bugs_are_not_classified(self, exc: Exception) -> None:
        assert failure_from_exception(exc) is None

    @pytest.mark.parametrize("status", [200, 201, 204, 301, 400, 404, 409, 422])
    def test_answers_for_the_caller(self, status: int) -> None:
        assert failure_from_response(response(status), POLICY) is None

    def test_server_error_is_a_fault_of_the_downstream(self) -> None:
        failure = failure_from_response(response(500), POLICY)
        assert failure == status_failure(500)
        assert failure.is_downstream_fault

    def test_rate_limit_is_retryable_but_not_a_fault_of_the_downstream(self) -> None:
        failure = failure_from_response(response(429, {"Retry-After": "2"}), POLICY)
        assert failure == status_failure(429, retry_after=2.0)
        assert not failure.is_downstream_fault


class TestRetryAfter:
    @pytest.mark.parametrize(
        ("value", "seconds"), [("3", 3.0), (" 0 ", 0.0), ("1.5", 1.5), ("120", 120.0)]
    )
    def test_delay_seconds(self, value: str, seconds: float) -> None:
        assert parse_retry_after(value) == seconds

    def test_http_date_is_relative_to_now(self) -> None:
        now = 1_700_000_000.0
        future = email.utils.formatdate(now + 10, usegmt=True)
        past = email.utils.formatdate(now - 10, usegmt=True)
        assert parse_retry_after(future, now=now) == pytest.approx(10.0)
        assert parse_retry_after(past, now=now) == 0.0

    @pytest.mark.parametrize("value", [None, "", "soon", "-1", "1e3"])
    def test_unusable_values_are_ignored(self, value: str | None) -> None:
        assert parse_retry_after(value) is None


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
