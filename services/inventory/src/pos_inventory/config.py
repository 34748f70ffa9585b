"""inventory's settings (env prefix POS_INVENTORY_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from pos_kit.settings import ServiceSettings


class InventorySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POS_INVENTORY_", extra="ignore")

    service_name: str = "inventory"
    port: int = 8003
    database_url: str = "sqlite:///./var/inventory.db"

    # What a new menu item gets when its body names no tax rate. Its currency, when the
    # body names none, is the one of the restaurant's profile.
    default_tax_rate_bps: int = Field(default=0, ge=0, le=10_000)

    # restaurant: a restaurant's profile, read when inventory has no copy of it yet.
    restaurant_url: str = "http://127.0.0.1:8005"
    restaurant_total_timeout_seconds: float = Field(default=3.0, gt=0)
    restaurant_attempt_timeout_seconds: float = Field(default=1.0, gt=0)
    restaurant_max_attempts: int = Field(default=3, ge=1)
    restaurant_backoff_base_seconds: float = Field(default=0.1, ge=0)
    restaurant_backoff_cap_seconds: float = Field(default=1.0, ge=0)
    restaurant_breaker_failures: int = Field(default=5, ge=1)
    restaurant_breaker_open_seconds: float = Field(default=10.0, gt=0)

    # A hold neither committed nor released within this time is given back. It must
    # outlast a dine-in meal (the hold is committed only when the bill is paid), so the
    # default is a long sitting; an orphaned hold still frees itself the same evening.
    reservation_ttl_seconds: int = Field(default=4 * 3600, ge=1)
    # How often the sweeper looks for expired holds.
    reservation_sweep_interval_seconds: float = Field(default=15.0, gt=0)
