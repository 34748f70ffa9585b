"""The gateway app: pos-kit's service app (correlation ids, body limit, health) plus the proxy."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from wsgiref.simple_server import WSGIServer

from fastapi import FastAPI
from prometheus_client import start_http_server
from starlette.middleware.cors import CORSMiddleware

from pos_gateway.config import GatewaySettings
from pos_gateway.proxy import UpstreamProxy
from pos_gateway.routes import ROUTE_TABLE
from pos_kit.app import create_service_app
from pos_kit.serve import serve


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    proxy = UpstreamProxy(settings, ROUTE_TABLE.only(settings.routed_services))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await proxy.upstreams.start()
        metrics = _serve_metrics(settings)
        try:
            yield
        finally:
            if metrics is not None:
                metrics.shutdown()
                metrics.server_close()
            await proxy.upstreams.stop()

    async def upstream_client_open() -> None:
        # The gateway's own readiness; each upstream reports its own on /readyz.
        if not proxy.upstreams.ready:
            raise RuntimeError("the upstream HTTP clients are not open")

    app = create_service_app(
        settings=settings,
        title="POS gateway",
        readiness={"upstream_client": upstream_client_open},
        lifespan=lifespan,
        # The gateway's port is the internet's: its metrics go on a port of the cluster's.
        metrics=False,
    )
    app.state.proxy = proxy
    # httpx logs every upstream call at INFO; the request line already says it all.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # After pos-kit's /healthz, /readyz and /metrics, which the gateway answers itself.
    app.include_router(proxy.router())
    if settings.cors_allowed_origins:
        # Outermost, so that every answer (a 413 or a 503 too) carries the CORS headers
        # a browser needs to read it.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_allowed_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Correlation-ID", "Retry-After", "Location"],
            allow_credentials=False,  # bearer tokens, not cookies
            max_age=600,
        )
    return app


def _serve_metrics(settings: GatewaySettings) -> WSGIServer | None:
    """Prometheus' exposition on `metrics_port` (a thread of this process), if one is set."""
    if settings.metrics_port is None:
        return None
    server, _ = start_http_server(settings.metrics_port, addr=settings.metrics_host)
    return server


def run(settings: GatewaySettings) -> None:
    """Serve the gateway with uvicorn on the configured host and port, until stopped."""
    serve(
        create_app(settings),
        settings,
        # Event streams never end by themselves; do not let them hold a shutdown forever.
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )
