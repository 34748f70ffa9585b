"""A downstream's client as a service's settings describe it, by the fields' common names."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from pydantic_settings import SettingsConfigDict

from pos_kit.http import BreakerPolicy, ClientPolicy, ResilientClient, RetryPolicy
from pos_kit.settings import ServiceSettings


@pytest.mark.parametrize(
    ("field", "value", "part"),
    [
        ("total_timeout_seconds", 8.0, lambda policy: policy.total_timeout),
        ("attempt_timeout_seconds", 4.0, lambda policy: policy.attempt_timeout),
        ("max_attempts", 2, lambda policy: policy.retry.max_attempts),
        ("backoff_cap_seconds", 0.5, lambda policy: policy.retry.backoff_cap),
        ("breaker_failures", 7, lambda policy: policy.breaker.consecutive_failures),
        ("breaker_open_seconds", 12.5, lambda policy: policy.breaker.open_seconds),
    ],
)
def test_each_field_named_after_the_downstream_sets_its_part_of_the_policy(
    field: str, value: float, part: Callable[[ClientPolicy], Any]
) -> None:
    settings = SimpleNamespace(**{f"pos_core_{field}": value})

    assert part(ClientPolicy.from_settings(settings, "pos-core")) == value


def test_our_own_503_tells_callers_to_come_back_once_the_breaker_may_have_closed() -> None:
    settings = SimpleNamespace(pos_core_breaker_open_seconds=12.5)

    assert ClientPolicy.from_settings(settings, "pos-core").retry_after_seconds == 13


def test_fields_a_service_does_not_declare_keep_the_kits_defaults() -> None:
    settings = SimpleNamespace(pos_core_max_attempts=2, pos_core_breaker_failures=7)
    policy = ClientPolicy.from_settings(settings, "pos-core")
    unset = ClientPolicy.from_settings(settings, "inventory")

    assert policy.retry.backoff_base == RetryPolicy().backoff_base
    assert policy.breaker.window == BreakerPolicy().window
    default = ClientPolicy()
    assert (unset.total_timeout, unset.retry, unset.breaker) == (
        default.total_timeout,
        default.retry,
        default.breaker,
    )


class WaiterAppSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POS_WAITER_APP_", extra="ignore")

    pos_core_url: str = "http://pos-core:8002"
    pos_core_attempt_timeout_seconds: float = 4.0


async def test_the_environment_reaches_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POS_WAITER_APP_POS_CORE_URL", "http://10.0.0.7:8002")
    monkeypatch.setenv("POS_WAITER_APP_POS_CORE_ATTEMPT_TIMEOUT_SECONDS", "0.75")

    async with ResilientClient.for_downstream("pos-core", WaiterAppSettings()) as client:
        assert client.name == "pos-core"
        assert client.base_url == httpx.URL("http://10.0.0.7:8002")
        assert client.policy.attempt_timeout == 0.75
