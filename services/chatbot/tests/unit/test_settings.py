"""Settings: the chatbot's own auth client, with a dev-only secret production refuses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pos_chatbot.config import DEV_AUTH_CLIENT_SECRET, ChatbotSettings


def test_the_chatbot_asks_auth_for_tokens_as_itself() -> None:
    settings = ChatbotSettings()
    assert (settings.auth_url, settings.auth_client_id) == ("http://127.0.0.1:8001", "chatbot")
    assert settings.auth_client_secret.get_secret_value() == DEV_AUTH_CLIENT_SECRET


def test_the_dev_secret_is_refused_in_production_and_never_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValidationError, match="dev-only"):
        ChatbotSettings(environment="production")
    monkeypatch.setenv("POS_CHATBOT_AUTH_CLIENT_SECRET", "from-env-123")
    real = ChatbotSettings(environment="production")
    assert real.auth_client_secret.get_secret_value() == "from-env-123"
    assert "from-env-123" not in repr(real)
