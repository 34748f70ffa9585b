"""payment's settings refuse combinations that would lose track of a payment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pos_payment.config import PaymentSettings


def test_the_defaults_hang_together() -> None:
    PaymentSettings()


def test_a_lease_shorter_than_a_requests_remote_calls_is_refused() -> None:
    with pytest.raises(ValidationError, match="idempotency_lease_seconds"):
        PaymentSettings(idempotency_lease_seconds=5, processor_timeout_seconds=8)


def test_the_reconciler_waits_for_the_request_to_give_up_first() -> None:
    with pytest.raises(ValidationError, match="reconcile_after_seconds"):
        PaymentSettings(reconcile_after_seconds=5, processor_timeout_seconds=8)


def test_keys_are_kept_at_least_a_day() -> None:
    with pytest.raises(ValidationError):
        PaymentSettings(idempotency_retention_hours=12)


def test_production_needs_a_real_processor_key() -> None:
    with pytest.raises(ValidationError, match="processor's own API key"):
        PaymentSettings(environment="production")
    PaymentSettings(environment="production", processor_api_key="sk_live_x")
