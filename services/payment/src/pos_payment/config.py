"""payment's settings (env prefix POS_PAYMENT_)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from pos_kit.settings import ServiceSettings

# The local card simulator's key (tools/card-simulator accepts any sk_test_ key).
SIMULATOR_API_KEY = "sk_test_pos_card_simulator"


class PaymentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POS_PAYMENT_", extra="ignore")

    service_name: str = "payment"
    port: int = 8004
    database_url: str = "sqlite:///./var/payment.db"

    # pos-core: an order's total, lines and status, asked with the caller's token. When
    # it does not answer, the copy kept from order.* events stands in.
    pos_core_url: str = "http://127.0.0.1:8002"
    pos_core_total_timeout_seconds: float = Field(default=2.0, gt=0)
    pos_core_attempt_timeout_seconds: float = Field(default=1.0, gt=0)
    pos_core_max_attempts: int = Field(default=2, ge=1)
    pos_core_backoff_base_seconds: float = Field(default=0.1, ge=0)
    pos_core_backoff_cap_seconds: float = Field(default=0.5, ge=0)
    pos_core_breaker_failures: int = Field(default=5, ge=1)
    pos_core_breaker_open_seconds: float = Field(default=10.0, gt=0)

    # The card processor: Stripe's API, or the local simulator speaking the same subset.
    processor_base_url: str = "http://127.0.0.1:12111"
    processor_api_key: str = SIMULATOR_API_KEY
    # How long a payment request waits for the processor; after that it answers 202 with
    # the payment pending, and the reconciler finds out what happened.
    processor_timeout_seconds: float = Field(default=8.0, gt=0)
    # A pending card payment (or refund) is asked about again once it is this old, then
    # with a back-off doubling up to the maximum; every `interval` the reconciler looks.
    reconcile_after_seconds: float = Field(default=15.0, gt=0)
    reconcile_backoff_max_seconds: float = Field(default=300.0, gt=0)
    reconcile_interval_seconds: float = Field(default=2.0, gt=0)

    # A claimed Idempotency-Key is leased for this long: a request that outlives it (its
    # process died) may be taken over by a retry with the same key.
    idempotency_lease_seconds: float = Field(default=30.0, gt=0)
    # Keys and their stored answers are kept at least a day (clients retry for hours).
    idempotency_retention_hours: int = Field(default=48, ge=24)
    idempotency_purge_interval_seconds: float = Field(default=600.0, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        busiest = self.pos_core_total_timeout_seconds + self.processor_timeout_seconds
        if self.idempotency_lease_seconds <= busiest:
            raise ValueError(
                "idempotency_lease_seconds must outlast a request's remote calls "
                "(pos-core's total timeout plus the processor timeout)"
            )
        if self.reconcile_after_seconds <= self.processor_timeout_seconds:
            raise ValueError(
                "reconcile_after_seconds must be longer than processor_timeout_seconds, so "
                "the reconciler does not ask about a payment its request is still waiting for"
            )
        if self.is_production and self.processor_api_key == SIMULATOR_API_KEY:
            raise ValueError("production needs the processor's own API key")
        return self
