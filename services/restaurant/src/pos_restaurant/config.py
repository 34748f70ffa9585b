"""restaurant's settings (env prefix POS_RESTAURANT_)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import AfterValidator, SecretStr
from pydantic_settings import SettingsConfigDict

from pos_kit.settings import ServiceAccountSettings
from pos_restaurant.domain.guest_links import check_guest_link_base_url
from pos_restaurant.domain.profile import check_currency, check_tax_rate_bps, check_timezone

# Known to everyone who reads this file, so only good enough for a laptop or a test.
DEV_AUTH_CLIENT_SECRET = "restaurant-dev-secret"  # noqa: S105 - a documented dev-only value


class RestaurantSettings(ServiceAccountSettings):
    model_config = SettingsConfigDict(env_prefix="POS_RESTAURANT_", extra="ignore")

    service_name: str = "restaurant"
    port: int = 8005
    database_url: str = "sqlite:///./var/restaurant.db"

    # auth, for creating and deactivating staff logins with a client-credentials token.
    auth_client_id: str = "restaurant"
    auth_client_secret: SecretStr = SecretStr(DEV_AUTH_CLIENT_SECRET)
    dev_auth_client_secret: ClassVar[str] = DEV_AUTH_CLIENT_SECRET

    # The guest page a table's guest link opens; the guest token follows as `#token=...`.
    guest_link_base_url: Annotated[str, AfterValidator(check_guest_link_base_url)] = (
        "http://127.0.0.1:8000/guest"
    )

    # A new restaurant's profile starts with these until its owner edits it.
    # Checked as an owner's edit would be: a bad one stops the service from starting.
    default_currency: Annotated[str, AfterValidator(check_currency)] = "EUR"
    default_timezone: Annotated[str, AfterValidator(check_timezone)] = "UTC"
    default_tax_rate_bps: Annotated[int, AfterValidator(check_tax_rate_bps)] = 0
