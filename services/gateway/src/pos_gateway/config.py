"""Gateway settings: where each upstream service lives, its connection pool, timeouts, CORS.

Every value has an environment variable with the `POS_GATEWAY_` prefix. The upstream
services are those of the service catalogue (`pos_kit.catalogue`), and each has two
variables named after it: `POS_GATEWAY_<SERVICE>_URL` (e.g.
`POS_GATEWAY_POS_CORE_URL=http://pos-core:8002` in compose) and
`POS_GATEWAY_<SERVICE>_MAX_CONNECTIONS`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from pos_kit import catalogue
from pos_kit.settings import ServiceSettings

# The settings that each upstream service has one of, by service name, and how the
# name of each service's own variable ends: `upstream_urls["pos-core"]` is
# `POS_GATEWAY_POS_CORE_URL`.
PER_UPSTREAM = {"upstream_urls": "URL", "upstream_connection_limits": "MAX_CONNECTIONS"}

# The chatbot's requests are long (LLM calls): past 50 open ones it is turned away
# (503) rather than piling up.
OWN_CONNECTION_LIMITS = {"chatbot": 50}


def local_upstream_urls() -> dict[str, str]:
    """Where each upstream service listens on one machine: 127.0.0.1, its catalogue port."""
    return {service.name: f"http://127.0.0.1:{service.port}" for service in catalogue.upstreams()}


def _http_base_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"an upstream URL starts with http:// or https://, got {value!r}")
    return value.rstrip("/")


# Scheme, host and port; a path is kept as a prefix.
UpstreamUrl = Annotated[str, AfterValidator(_http_base_url)]
ConnectionLimit = Annotated[int, Field(ge=1)]


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POS_GATEWAY_", extra="ignore", env_file=None)

    service_name: str = "gateway"
    port: int = 8000

    routes_to: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="The upstream services whose public paths this gateway routes, by "
        "catalogue name (a JSON list or comma-separated); empty: all of them. Any other "
        "path answers 404.",
    )
    upstream_urls: dict[str, UpstreamUrl] = Field(
        default_factory=local_upstream_urls,
        description="Base URL of each upstream service, by its catalogue name: "
        "`POS_GATEWAY_<SERVICE>_URL`.",
    )

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
        "`POS_GATEWAY_<SERVICE>_MAX_CONNECTIONS` says otherwise; each live event stream "
        "holds one.",
    )
    upstream_connection_limits: dict[str, ConnectionLimit] = Field(
        default_factory=lambda: dict(OWN_CONNECTION_LIMITS),
        description="Open connections to each upstream service at most, by its catalogue "
        "name: `POS_GATEWAY_<SERVICE>_MAX_CONNECTIONS`, else `upstream_max_connections`. "
        "Each open kitchen feed (event stream) holds one of notification's for its lifetime.",
    )
    upstream_pool_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        description="Longest wait for a free connection to an upstream whose pool is full "
        "(else 503 with Retry-After naming that service). Other upstreams never wait for it.",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Where Prometheus scrapes the gateway's metrics: a port of the cluster's, "
        "never the public one (the gateway's port answers /metrics with 404). Unset: no "
        "metrics are served (make run).",
    )
    metrics_host: str = Field(
        default="127.0.0.1", description="The address the metrics port listens on."
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

    @field_validator("cors_allowed_origins", "routes_to", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [origin.strip() for origin in text.split(",") if origin.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            UpstreamEnvironment(settings_cls),
            dotenv_settings,
            file_secret_settings,
        )

    @field_validator(*PER_UPSTREAM, mode="wrap")
    @classmethod
    def _per_upstream(
        cls, given: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        """Laid over the defaults, so that setting one service keeps the others' values."""
        if not isinstance(given, Mapping):
            return handler(given)
        unknown = sorted(set(given) - {service.name for service in catalogue.upstreams()})
        if unknown:
            raise ValueError(f"no upstream service in the catalogue is named {unknown}")
        assert info.field_name is not None  # a field validator
        defaults = cls.model_fields[info.field_name].get_default(call_default_factory=True)
        try:
            return handler({**defaults, **given})
        except ValidationError as exc:
            # Name what to fix: the service's own variable, not a key in a dict.
            ending = PER_UPSTREAM[info.field_name]
            problems = [
                f"{cls.variable(str(error['loc'][0]), ending)}: "
                f"{error['msg'].removeprefix('Value error, ')}"
                for error in exc.errors()
            ]
            raise ValueError("; ".join(problems)) from None

    @field_validator("routes_to")
    @classmethod
    def _known_services(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - {service.name for service in catalogue.upstreams()})
        if unknown:
            raise ValueError(f"no upstream service in the catalogue is named {unknown}")
        return value

    @property
    def routed_services(self) -> frozenset[str]:
        """The upstream services this gateway sends requests to."""
        return frozenset(self.routes_to or self.upstream_urls)

    @model_validator(mode="after")
    def _every_upstream_has_a_connection_limit(self) -> Self:
        self.upstream_connection_limits = {
            service: self.upstream_connection_limits.get(service, self.upstream_max_connections)
            for service in self.upstream_urls
        }
        return self

    @classmethod
    def variable(cls, service: str, ending: str) -> str:
        """`pos-core`, `URL` -> `POS_GATEWAY_POS_CORE_URL`: a service's own variable."""
        return f"{cls.model_config['env_prefix']}{catalogue.entry(service).upstream_env}_{ending}"


class UpstreamEnvironment(EnvSettingsSource):
    """The environment, where each upstream service's settings are variables of its own.

    `upstream_urls["pos-core"]` comes from `POS_GATEWAY_POS_CORE_URL`, never from one
    variable holding every service's; every other setting is one variable as usual.
    """

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name in PER_UPSTREAM:
            return None, field_name, False  # read per service in __call__
        return super().get_field_value(field, field_name)

    def __call__(self) -> dict[str, Any]:
        values = super().__call__()
        for field_name, ending in PER_UPSTREAM.items():
            by_service = {}
            for service in catalogue.upstreams():
                name = self.settings_cls.variable(service.name, ending)  # type: ignore[attr-defined]
                value = self.env_vars.get(name if self.case_sensitive else name.lower())
                if value is not None:
                    by_service[service.name] = value
            if by_service:
                values[field_name] = by_service
        return values
