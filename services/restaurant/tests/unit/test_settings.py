"""Settings: production refuses the dev-only auth secret; defaults are checked like edits."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pos_restaurant.config import DEV_AUTH_CLIENT_SECRET, RestaurantSettings


def test_the_dev_secret_is_fine_locally_and_refused_in_production() -> None:
    local = RestaurantSettings(environment="local")
    assert local.auth_client_secret.get_secret_value() == DEV_AUTH_CLIENT_SECRET
    with pytest.raises(ValidationError, match="dev-only"):
        RestaurantSettings(environment="production")
    real = RestaurantSettings(environment="production", auth_client_secret="a-real-secret")
    assert real.auth_client_secret.get_secret_value() == "a-real-secret"


def test_the_secret_comes_from_the_environment_and_is_not_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POS_RESTAURANT_AUTH_CLIENT_SECRET", "from-env-123")
    monkeypatch.setenv("POS_RESTAURANT_AUTH_URL", "http://auth:8001")
    settings = RestaurantSettings()
    assert settings.auth_client_secret.get_secret_value() == "from-env-123"
    assert settings.auth_url == "http://auth:8001"
    assert "from-env-123" not in repr(settings)


def test_service_defaults() -> None:
    settings = RestaurantSettings()
    assert (settings.service_name, settings.port) == ("restaurant", 8005)
    assert settings.database_url == "sqlite:///./var/restaurant.db"
    assert (settings.auth_url, settings.auth_client_id) == ("http://127.0.0.1:8001", "restaurant")


@pytest.mark.parametrize(
    "override",
    [{"default_currency": "EURO"}, {"default_timezone": "Paris"}, {"default_tax_rate_bps": -5}],
)
def test_bad_profile_defaults_stop_the_service_from_starting(override: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RestaurantSettings(**override)  # type: ignore[arg-type]
