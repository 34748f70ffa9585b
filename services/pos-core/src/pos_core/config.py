"""pos-core's settings (env prefix POS_CORE_)."""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from pos_kit.settings import ServiceAccountSettings

# Known to everyone who reads this file, so only good enough for a laptop or a test.
DEV_AUTH_CLIENT_SECRET = "pos-core-dev-secret"  # noqa: S105 - a documented dev-only value


class CoreSettings(ServiceAccountSettings):
    model_config = SettingsConfigDict(env_prefix="POS_CORE_", extra="ignore")

    service_name: str = "pos-core"
    port: int = 8002
    database_url: str = "sqlite:///./var/pos-core.db"

    # auth, for pos-core's own client-credentials tokens (scope inventory:reserve, one per
    # restaurant): only pos-core itself holds, commits and releases stock at inventory.
    auth_client_id: str = "pos-core"
    auth_client_secret: SecretStr = SecretStr(DEV_AUTH_CLIENT_SECRET)
    dev_auth_client_secret: ClassVar[str] = DEV_AUTH_CLIENT_SECRET

    # Inventory: product look-ups when items are added (with the caller's token), stock
    # reservations when placing, closing and cancelling (with pos-core's own).
    inventory_url: str = "http://127.0.0.1:8003"
    inventory_total_timeout_seconds: float = Field(default=3.0, gt=0)
    inventory_attempt_timeout_seconds: float = Field(default=1.0, gt=0)
    inventory_max_attempts: int = Field(default=3, ge=1)
    inventory_backoff_base_seconds: float = Field(default=0.1, ge=0)
    inventory_backoff_cap_seconds: float = Field(default=1.0, ge=0)
    inventory_breaker_failures: int = Field(default=5, ge=1)
    inventory_breaker_open_seconds: float = Field(default=10.0, gt=0)
    # While a placement waits for inventory the order's items are frozen; if the process
    # dies mid-way the freeze lapses after this long. Must outlast the longest wait of a
    # placement: pos-core's token from auth, then inventory, twice (a 401 is tried once
    # more with a fresh token): 2 x (3 s + 3 s) by default.
    placing_lease_seconds: float = Field(default=15.0, gt=0)

    # The restaurant service: a restaurant's profile for its receipts, asked only while
    # pos-core has no copy of it (restaurant.profile_changed keeps the copy). A receipt
    # waits at most the total timeout, then prints with a neutral heading.
    restaurant_url: str = "http://127.0.0.1:8005"
    restaurant_total_timeout_seconds: float = Field(default=2.0, gt=0)
    restaurant_attempt_timeout_seconds: float = Field(default=1.0, gt=0)
    restaurant_max_attempts: int = Field(default=2, ge=1)
    restaurant_breaker_failures: int = Field(default=5, ge=1)
    restaurant_breaker_open_seconds: float = Field(default=10.0, gt=0)

    receipt_width: Literal[42, 48] = 42

    @property
    def longest_placement_wait_seconds(self) -> float:
        """The most a reservation can wait: a token from auth and inventory's answer,
        twice when inventory refuses the token (401) and a fresh one is fetched."""
        return 2 * (self.auth_timeout_seconds + self.inventory_total_timeout_seconds)

    @model_validator(mode="after")
    def _lease_outlasts_a_placement(self) -> Self:
        if self.placing_lease_seconds <= self.longest_placement_wait_seconds:
            raise ValueError(
                "placing_lease_seconds must be longer than a placement can wait: "
                "2 x (auth_timeout_seconds + inventory_total_timeout_seconds) = "
                f"{self.longest_placement_wait_seconds:g} s"
            )
        return self
