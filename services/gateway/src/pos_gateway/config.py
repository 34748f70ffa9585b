"""Gateway settings: where each upstream service lives, timeouts, body limit, CORS.

Every value has an environment variable with the `POS_GATEWAY_` prefix, e.g.
`POS_GATEWAY_AUTH_URL=http://auth:8001` in compose or Kubernetes.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from pos_kit.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POS_GATEWAY_", extra="ignore", env_file=None)

    service_name: str = "gateway"
    port: int = 8000

    # One base URL per upstream service (scheme, host and port; a path is kept as a prefix).
    auth_url: str = "http://127.0.0.1:8001"
    pos_core_url: str = "http://127.0.0.1:8002"
    inventory_url: str = "http://127.0.0.1:8003"
    payment_url: str = "http://127.0.0.1:8004"
    restaurant_url: str = "http://127.0.0.1:8005"
    chatbot_url: str = "http://127.0.0.1:8006"
    notification_url: str = "http://127.0.0.1:8007"

    connect_timeout_seconds: float = Field(
        default=3.0, gt=0, description="Longest wait to open a connection to an upstream."
    )
    read_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Longest wait for an upstream to start answering once the request is "
        "sent (else 504), and longest pause inside a response body. Event streams "
        "(text/event-stream) may stay idle for any time once they have started.",
    )
    max_body_bytes: int = Field(
        default=1_048_576, gt=0, description="Largest request body accepted (else 413)."
    )
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins a browser may call the API from: a JSON list or comma-separated.",
    )
    trust_forwarded_headers: bool = Field(
        default=False,
        description="Keep X-Forwarded-* from the caller (only behind a trusted load balancer); "
        "otherwise the gateway, as the edge, writes them itself.",
    )
    retry_after_seconds: int = Field(
        default=5, ge=1, description="Retry-After sent with a 503 for an unreachable upstream."
    )
    # Bulkheads: each upstream service has a connection pool of its own, so a flood of
    # slow requests to one (the chatbot's LLM calls) cannot take the connections that
    # order taking needs. A request that finds its service's pool full waits at most
    # `upstream_pool_timeout_seconds` for a free connection, then gets a 503.
    upstream_max_connections: int = Field(
        default=200,
        ge=1,
        description="Open connections to one upstream service at most, unless its own "
        "`<service>_max_connections` says otherwise; each live event stream holds one.",
    )
    auth_max_connections: int | None = Field(default=None, ge=1)
    pos_core_max_connections: int | None = Field(default=None, ge=1)
    inventory_max_connections: int | None = Field(default=None, ge=1)
    payment_max_connections: int | None = Field(default=None, ge=1)
    restaurant_max_connections: int | None = Field(default=None, ge=1)
    chatbot_max_connections: int | None = Field(
        default=50,
        ge=1,
        description="Smaller than the others: chatbot requests are long (LLM calls).",
    )
    notification_max_connections: int | None = Field(
        default=None,
        ge=1,
        description="Each open kitchen feed (event stream) holds one of these for its lifetime.",
    )
    upstream_pool_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        description="Longest wait for a free connection to an upstream whose pool is full "
        "(else 503 with Retry-After naming that service). Other upstreams never wait for it.",
    )
    upstream_keepalive_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How long an idle upstream connection is kept for reuse; below the "
        "upstreams' own keep-alive timeout (uvicorn: 5 s), so the gateway drops a "
        "connection before the upstream does.",
    )
    graceful_shutdown_seconds: int = Field(
        default=10,
        ge=0,
        description="On shutdown, how long open requests (event streams never end) may finish.",
    )

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value

    @field_validator(
        "auth_url",
        "pos_core_url",
        "inventory_url",
        "payment_url",
        "restaurant_url",
        "chatbot_url",
        "notification_url",
    )
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"an upstream URL starts with http:// or https://, got {value!r}")
        return value.rstrip("/")

    def upstream_urls(self) -> dict[str, str]:
        """Base URL by service name, as the route table names services."""
        return {
            "auth": self.auth_url,
            "pos-core": self.pos_core_url,
            "inventory": self.inventory_url,
            "payment": self.payment_url,
            "restaurant": self.restaurant_url,
            "chatbot": self.chatbot_url,
            "notification": self.notification_url,
        }

    def upstream_connection_limits(self) -> dict[str, int]:
        """Connection pool size by service name: its own setting, else the default."""
        own = {
            "auth": self.auth_max_connections,
            "pos-core": self.pos_core_max_connections,
            "inventory": self.inventory_max_connections,
            "payment": self.payment_max_connections,
            "restaurant": self.restaurant_max_connections,
            "chatbot": self.chatbot_max_connections,
            "notification": self.notification_max_connections,
        }
        return {
            service: own[service] or self.upstream_max_connections
            for service in self.upstream_urls()
        }
