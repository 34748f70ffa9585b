"""Settings base: every service subclasses it with its own environment prefix.

Nothing else in a service reads `os.environ`; values come from the environment
(or a `.env` file) through these classes.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """What every service needs. A subclass sets `env_prefix`, e.g. `POS_AUTH_`."""

    model_config = SettingsConfigDict(env_prefix="POS_", extra="ignore", env_file=None)

    service_name: str = "pos"
    environment: str = Field(
        default="local", description="local, test or production; production tightens defaults"
    )
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "sqlite:///./var/pos.db"
    # Connections to PostgreSQL: `pool_size` kept open between requests, up to
    # `max_overflow` more opened for a burst and closed after it. Every service on a
    # host shares the server's max_connections (100 by default): size them together.
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    nats_url: str = "nats://127.0.0.1:14222"
    # Largest request body a service accepts; the gateway has its own limit too.
    max_body_bytes: int = 1_048_576

    # Token verification (every service verifies auth's tokens locally).
    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    jwt_issuer: str = "pos-auth"
    jwt_audience: str = "pos"
    jwks_cache_seconds: int = 300

    # Where the service's alembic.ini is; unset means its place in the source tree.
    # Container images copy the migrations beside the installed package and set it.
    alembic_ini: str | None = None

    # Event consumers: deliveries of a failing event before it is dead-lettered on
    # pos.dlq.<consumer>, and the back-off between them.
    consumer_max_deliver: int = Field(default=5, ge=1)
    consumer_backoff_initial_seconds: float = Field(default=1.0, gt=0)
    consumer_backoff_max_seconds: float = Field(default=60.0, gt=0)

    # Outbox relay: how long published events are kept so they can be republished.
    outbox_retention_hours: int = 24 * 7

    # The key list cursors are signed with, so a service accepts only cursors it handed
    # out. Unset: derived from the service's name and database URL, which every process
    # of the service shares; set it where that URL holds no secret or changes.
    cursor_secret: SecretStr | None = None

    def cursor_key(self) -> bytes:
        source = (
            self.cursor_secret.get_secret_value()
            if self.cursor_secret is not None
            else f"{self.service_name}\n{self.database_url}"
        )
        return hashlib.sha256(b"pos-list-cursor\n" + source.encode()).digest()

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


class ServiceAccountSettings(ServiceSettings):
    """A service that also calls others as itself, with client-credentials tokens from
    auth (`pos_kit.http.ServiceTokens`). A subclass names its client and the dev-only
    secret `make run`'s auth knows it by, which production refuses:

        auth_client_id: str = "restaurant"
        auth_client_secret: SecretStr = SecretStr(DEV_AUTH_CLIENT_SECRET)
        dev_auth_client_secret: ClassVar[str] = DEV_AUTH_CLIENT_SECRET
    """

    dev_auth_client_secret: ClassVar[str] = ""

    auth_url: str = "http://127.0.0.1:8001"
    auth_client_id: str = ""
    auth_client_secret: SecretStr = SecretStr("")
    auth_timeout_seconds: float = Field(default=3.0, gt=0)
    # A kept token is renewed this long before auth says it expires.
    auth_token_refresh_margin_seconds: float = Field(default=30.0, ge=0)

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> Self:
        variable = f"{self.model_config.get('env_prefix', '')}AUTH_CLIENT_SECRET"
        secret = self.auth_client_secret.get_secret_value()
        if not secret:
            raise ValueError(f"{variable} must not be empty")
        if self.is_production and secret == self.dev_auth_client_secret:
            raise ValueError(
                f"{variable} is the dev-only default; "
                "set the secret auth knows for this client before running in production"
            )
        return self
