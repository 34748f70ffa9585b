"""The chatbot's settings (env prefix POS_CHATBOT_)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from pos_kit.settings import ServiceAccountSettings

# Known to everyone who reads this file, so only good enough for a laptop or a test.
DEV_AUTH_CLIENT_SECRET = "chatbot-dev-secret"  # noqa: S105 - a documented dev-only value


class ChatbotSettings(ServiceAccountSettings):
    model_config = SettingsConfigDict(env_prefix="POS_CHATBOT_", extra="ignore")

    service_name: str = "chatbot"
    port: int = 8006
    # A question is a few sentences; anything bigger is refused (413) before it is read.
    max_body_bytes: int = 16_384

    # The document store: MongoDB when a URL is set (its path names the database, else
    # "chatbot"), otherwise the embedded store in this folder.
    mongodb_url: SecretStr | None = None
    embedded_store_path: str = "./var/chatbot"
    store_timeout_seconds: float = Field(default=5.0, gt=0)

    # The LLM: an OpenAI-compatible Chat Completions server. Unset: the embedded
    # assistant answers every question.
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api_key: SecretStr = SecretStr("not-needed")
    # The whole answer's budget: waiting for a slot, every tool round, the last word.
    llm_timeout_seconds: float = Field(default=20.0, gt=0)
    llm_max_tool_rounds: int = Field(default=3, ge=0, le=10)
    # The bulkhead: LLM calls at once, and questions allowed to wait for one.
    llm_max_concurrency: int = Field(default=8, ge=1)
    llm_queue_size: int = Field(default=16, ge=0)
    llm_busy_retry_after_seconds: int = Field(default=5, ge=1)
    llm_breaker_failures: int = Field(default=5, ge=1)
    llm_breaker_open_seconds: float = Field(default=30.0, gt=0)

    # Rate limits, per guest link (or staff login) and per restaurant.
    guest_questions_per_minute: float = Field(default=12.0, gt=0)
    guest_burst: int = Field(default=5, ge=1)
    restaurant_questions_per_second: float = Field(default=5.0, gt=0)
    restaurant_burst: int = Field(default=30, ge=1)
    # The prompt size cap, and how much of a conversation goes with each question.
    max_question_chars: int = Field(default=1_000, ge=1)
    max_messages_per_conversation: int = Field(default=200, ge=2)
    llm_history_messages: int = Field(default=10, ge=0)

    # Conversations are kept this long after their last message, unless the restaurant
    # says otherwise; expired ones are swept this often.
    retention_days: int = Field(default=30, ge=1, le=365)
    retention_sweep_interval_seconds: float = Field(default=60.0, gt=0)

    # The menu copy catches up from inventory at most this often per restaurant.
    menu_catch_up_interval_seconds: float = Field(default=30.0, gt=0)

    # auth, for the chatbot's own client-credentials tokens (scope menu:read, one per
    # restaurant): the menu copy catches up with them, whoever asked the question.
    auth_client_id: str = "chatbot"
    auth_client_secret: SecretStr = SecretStr(DEV_AUTH_CLIENT_SECRET)
    dev_auth_client_secret: ClassVar[str] = DEV_AUTH_CLIENT_SECRET

    inventory_url: str = "http://127.0.0.1:8003"
    inventory_total_timeout_seconds: float = Field(default=5.0, gt=0)
    inventory_attempt_timeout_seconds: float = Field(default=2.0, gt=0)
    inventory_max_attempts: int = Field(default=3, ge=1)
    inventory_breaker_failures: int = Field(default=5, ge=1)
    inventory_breaker_open_seconds: float = Field(default=10.0, gt=0)

    pos_core_url: str = "http://127.0.0.1:8002"
    pos_core_total_timeout_seconds: float = Field(default=8.0, gt=0)
    pos_core_attempt_timeout_seconds: float = Field(default=4.0, gt=0)
    pos_core_max_attempts: int = Field(default=3, ge=1)
    pos_core_breaker_failures: int = Field(default=5, ge=1)
    pos_core_breaker_open_seconds: float = Field(default=10.0, gt=0)
