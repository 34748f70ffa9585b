"""A downstream's client as a service's settings describe it, by the fields' common names."""

from __future__ import annotations

import httpx
import pytest
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from pos_kit.http import BreakerPolicy, ClientPolicy, ResilientClient, RetryPolicy
from pos_kit.settings import ServiceSettings


class WaiterAppSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POS_WAITER_APP_", extra="ignore")

    service_name: str = "waiter-app"
    pos_core_url: str = "http://pos-core:8002"
    pos_core_total_timeout_seconds: float = Field(default=8.0, gt=0)
    pos_core_attempt_timeout_seconds: float = Field(default=4.0, gt=0)
    pos_core_max_attempts: int = Field(default=2, ge=1)
    pos_core_backoff_cap_seconds: float = Field(default=0.5, ge=0)
    pos_core_breaker_failures: int = Field(default=7, ge=1)
    pos_core_breaker_open_seconds: float = Field(default=12.5, gt=0)


def test_the_policy_is_read_from_the_fields_named_after_the_downstream() -> None:
    policy = ClientPolicy.from_settings(WaiterAppSettings(), "pos-core")

    assert (policy.total_timeout, policy.attempt_timeout) == (8.0, 4.0)
    assert (policy.retry.max_attempts, policy.retry.backoff_cap) == (2, 0.5)
    assert (policy.breaker.consecutive_failures, policy.breaker.open_seconds) == (7, 12.5)
    # Our own 503 tells callers to come back once the breaker may have closed.
    assert policy.retry_after_seconds == 13


def test_fields_a_service_does_not_declare_keep_the_kits_defaults() -> None:
    policy = ClientPolicy.from_settings(WaiterAppSettings(), "pos-core")
    unset = ClientPolicy.from_settings(WaiterAppSettings(), "inventory")

    assert policy.retry.backoff_base == RetryPolicy().backoff_base
    assert policy.breaker.window == BreakerPolicy().window
    default = ClientPolicy()
    assert (unset.total_timeout, unset.retry, unset.breaker) == (
        default.total_timeout,
        default.retry,
        default.breaker,
    )


async def test_the_environment_reaches_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_WAITER_APP_POS_CORE_URL", "http://10.0.0.7:8002")
    monkeypatch.setenv("POS_WAITER_APP_POS_CORE_ATTEMPT_TIMEOUT_SECONDS", "0.75")

    async with ResilientClient.for_downstream("pos-core", WaiterAppSettings()) as client:
        assert client.name == "pos-core"
        assert client.base_url == httpx.URL("http://10.0.0.7:8002")
        assert client.policy.attempt_timeout == 0.75
