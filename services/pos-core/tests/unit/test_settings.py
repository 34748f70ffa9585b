"""Settings: pos-core's own auth client, with a dev-only secret production refuses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pos_core.config import DEV_AUTH_CLIENT_SECRET, CoreSettings


def test_pos_core_asks_auth_for_tokens_as_itself() -> None:
    settings = CoreSettings()
    assert (settings.auth_url, settings.auth_client_id) == ("http://127.0.0.1:8001", "pos-core")
    assert settings.auth_client_secret.get_secret_value() == DEV_AUTH_CLIENT_SECRET


def test_the_dev_secret_is_refused_in_production_and_never_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValidationError, match="POS_CORE_AUTH_CLIENT_SECRET is the dev-only"):
        CoreSettings(environment="production")
    monkeypatch.setenv("POS_CORE_AUTH_CLIENT_SECRET", "from-env-123")
    monkeypatch.setenv("POS_CORE_AUTH_URL", "http://auth:8001")
    real = CoreSettings(environment="production")
    assert real.auth_client_secret.get_secret_value() == "from-env-123"
    assert real.auth_url == "http://auth:8001"
    assert "from-env-123" not in repr(real)


def test_the_placing_lease_outlasts_the_longest_a_placement_can_wait() -> None:
    # A token from auth, inventory, and both again after a 401: 2 x (3 s + 3 s).
    assert CoreSettings().longest_placement_wait_seconds == 12.0
    with pytest.raises(ValidationError, match="2 x \\(auth_timeout_seconds"):
        CoreSettings(placing_lease_seconds=10.0)
    CoreSettings(placing_lease_seconds=10.0, auth_timeout_seconds=1.0)
