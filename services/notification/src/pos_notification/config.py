"""notification's settings (env prefix POS_NOTIFICATION_)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from pos_kit.settings import ServiceSettings


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POS_NOTIFICATION_", extra="ignore")

    service_name: str = "notification"
    port: int = 8007
    database_url: str = "sqlite:///./var/notification.db"

    # The live kitchen feed (Server-Sent Events).
    feed_poll_seconds: float = Field(default=0.5, gt=0)
    feed_keepalive_seconds: float = Field(default=15.0, gt=0)
    feed_retry_milliseconds: int = Field(default=2000, ge=0)
    feed_retention_hours: int = Field(default=48, ge=1)
    stream_ticket_ttl_seconds: int = Field(default=60, ge=5, le=600)
    # How long `python -m pos_notification` waits for open connections at shutdown
    # after it has ended every kitchen stream.
    shutdown_grace_seconds: int = Field(default=5, ge=1)

    # Webhooks.
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_initial_seconds: float = Field(default=10.0, gt=0)
    webhook_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhooks_per_tenant: int = Field(default=20, ge=1)
    # Unset: allowed in the local and test environments only, so a developer can aim
    # a webhook at their own machine. Link-local and cloud metadata addresses are
    # refused whatever these say.
    allow_loopback_webhooks: bool | None = None
    allow_private_network_webhooks: bool | None = None

    # E-mail (stock.low goes to the restaurant's owner).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_from: str = "POS <no-reply@pos.localhost>"
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_use_tls: bool = False
    # None: STARTTLS when the server offers it.
    smtp_start_tls: bool | None = None
    email_max_attempts: int = Field(default=5, ge=1)
    email_backoff_initial_seconds: float = Field(default=30.0, gt=0)
    email_backoff_max_seconds: float = Field(default=3600.0, gt=0)

    # The dispatcher that sends due webhook deliveries and e-mails.
    dispatch_poll_seconds: float = Field(default=1.0, gt=0)
    dispatch_batch_size: int = Field(default=20, ge=1, le=500)
    # A claimed delivery is retried by any process after this long if its sender died.
    dispatch_lease_seconds: float = Field(default=120.0, gt=0)

    @property
    def loopback_webhooks_allowed(self) -> bool:
        if self.allow_loopback_webhooks is not None:
            return self.allow_loopback_webhooks
        return self.environment in ("local", "test")

    @property
    def private_network_webhooks_allowed(self) -> bool:
        if self.allow_private_network_webhooks is not None:
            return self.allow_private_network_webhooks
        return self.environment in ("local", "test")
