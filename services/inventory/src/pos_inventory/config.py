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

    # What a new menu item gets when its body names no currency or tax rate.
    default_currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    default_tax_rate_bps: int = Field(default=0, ge=0, le=10_000)

    # A hold neither committed nor released within this time is given back. It must
    # outlast a dine-in meal (the hold is committed only when the bill is paid), so the
    # default is a long sitting; an orphaned hold still frees itself the same evening.
    reservation_ttl_seconds: int = Field(default=4 * 3600, ge=1)
    # How often the sweeper looks for expired holds.
    reservation_sweep_interval_seconds: float = Field(default=15.0, gt=0)
