"""pos-core's settings (env prefix POS_CORE_)."""

from __future__ import annotations

from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from pos_kit.settings import ServiceSettings


class CoreSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POS_CORE_", extra="ignore")

    service_name: str = "pos-core"
    port: int = 8002
    database_url: str = "sqlite:///./var/pos-core.db"

    # Inventory: product look-ups when items are added, stock reservations when placing.
    inventory_url: str = "http://127.0.0.1:8003"
    inventory_total_timeout_seconds: float = Field(default=3.0, gt=0)
    inventory_attempt_timeout_seconds: float = Field(default=1.0, gt=0)
    inventory_max_attempts: int = Field(default=3, ge=1)
    inventory_backoff_base_seconds: float = Field(default=0.1, ge=0)
    inventory_backoff_cap_seconds: float = Field(default=1.0, ge=0)
    inventory_breaker_failures: int = Field(default=5, ge=1)
    inventory_breaker_open_seconds: float = Field(default=10.0, gt=0)
    # While a placement waits for inventory the order's items are frozen; if the process
    # dies mid-way the freeze lapses after this long. Must outlast the inventory budget.
    placing_lease_seconds: float = Field(default=10.0, gt=0)

    # Receipts. Until the restaurant service exists these come from here; per tenant
    # names override the default (POS_CORE_RESTAURANT_NAMES='{"<tenant id>": "Chez Nous"}').
    restaurant_name: str = Field(default="Restaurant", min_length=1, max_length=200)
    restaurant_names: dict[str, str] = Field(default_factory=dict)
    restaurant_timezone: str = "UTC"
    restaurant_currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    receipt_width: Literal[42, 48] = 42
    receipt_footer: str = Field(default="Thank you for your visit!", max_length=200)

    @field_validator("restaurant_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _lease_outlasts_inventory_budget(self) -> Self:
        if self.placing_lease_seconds <= self.inventory_total_timeout_seconds:
            raise ValueError(
                "placing_lease_seconds must be longer than the inventory total timeout"
            )
        return self
