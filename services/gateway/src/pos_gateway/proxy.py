"""The reverse proxy: sends a request to the service its route names and streams the answer back.

Header policy is in `headers`, the per-service clients (bulkheads) in `upstreams`, the
answer deadline and retry in `sending`, body streaming in `streaming`, the counters in
`metrics`, and the problem answered for each upstream failure in `errors`.
"""

from __future__ import annotations

import time

import httpx
import structlog
from fastapi import APIRouter
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from pos_gateway.config import GatewaySettings
from pos_gateway.errors import upstream_failure
from pos_gateway.headers import upstream_request_headers
from pos_gateway.metrics import record_upstream_call
from pos_gateway.routes import ROUTE_TABLE, RouteTable
from pos_gateway.sending import send_upstream
from pos_gateway.streaming import UpstreamResponse, request_body
from pos_gateway.upstreams import Upstreams
from pos_kit.errors import NotFound, ServiceUnavailable

log = structlog.get_logger("pos_gateway.proxy")

PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class UpstreamProxy:
    """Forwards requests to the upstream services of a route table, one client per service."""

    def __init__(self, settings: GatewaySettings, routes: RouteTable = ROUTE_TABLE) -> None:
        self._settings = settings
        self._routes = routes
        self.upstreams = Upstreams(settings)
        missing = sorted(routes.services - self.upstreams.services)
        if missing:
            raise ValueError(f"no upstream URL configured for {missing}")

    def router(self) -> APIRouter:
        """A catch-all route; include it after every route the gateway answers itself."""
        router = APIRouter(include_in_schema=False)
        router.add_api_route("/{path:path}", self.forward, methods=PROXIED_METHODS)
        return router

    async def forward(self, request: Request) -> Response:
        route = self._routes.match(request.scope["path"])
        if route is None:
            raise NotFound(f"No API is served at {request.scope['path']}.")
        service = route.service
        settings = self._settings
        client = self.upstreams.clients.get(service)
        if client is None:
            raise ServiceUnavailable(
                "The gateway is starting.", retry_after_seconds=settings.retry_after_seconds
            )

        content = request_body(request)
        upstream_request = httpx.Request(
            request.method,
            self.upstreams.request_url(service, request.scope),
            headers=upstream_request_headers(
                request.headers.raw,
                client_host=request.client.host if request.client else "unknown",
                scheme=request.scope["scheme"],
                trust_forwarded=settings.trust_forwarded_headers,
            ),
            content=content,
            extensions={"timeout": client.timeout.as_dict()},
        )

        started = time.perf_counter()
        try:
            upstream = await send_upstream(
                client,
                upstream_request,
                service=service,
                read_timeout=settings.read_timeout_seconds,
                has_body=content is not None,
            )
        except httpx.HTTPError as exc:
            problem, outcome = upstream_failure(exc, service=service, settings=settings)
            record_upstream_call(service, outcome, started=started)
            log.warning(
                "upstream_failed",
                upstream=service,
                outcome=outcome,
                error=type(exc).__name__,
                detail=str(exc),
            )
            raise problem from exc
        except ClientDisconnect:
            record_upstream_call(service, "client_gone", started=started)
            # Nobody is left to read it; 499 is the conventional "client closed request".
            return Response(status_code=499)

        record_upstream_call(service, str(upstream.status_code), started=started)
        return UpstreamResponse(
            upstream, service=service, read_timeout=settings.read_timeout_seconds
        )
