"""One HTTP client per upstream service, each with a connection pool of its own (a bulkhead).

Requests to a slow or flooded service (the chatbot's long LLM calls) can fill only
that service's pool, and calls to the others (order taking) never wait behind them.
A request that finds its service's pool full waits at most the pool timeout.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import urllib.parse
from collections.abc import Mapping
from types import MappingProxyType

import httpx
from starlette.types import Scope

from pos_gateway.config import GatewaySettings


class Upstreams:
    """The upstream services by name: their base URLs, and clients open from `start` to `stop`."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self._base_urls = {
            service: httpx.URL(url)
            for service, url in settings.upstream_urls.items()
            if service in settings.routed_services
        }
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._exit_stack: contextlib.AsyncExitStack | None = None

    @property
    def services(self) -> frozenset[str]:
        return frozenset(self._base_urls)

    @property
    def clients(self) -> Mapping[str, httpx.AsyncClient]:
        """The open client of each service; empty before `start` and after `stop`."""
        return MappingProxyType(self._clients)

    @property
    def ready(self) -> bool:
        return bool(self._clients) and not any(c.is_closed for c in self._clients.values())

    async def start(self) -> None:
        async with contextlib.AsyncExitStack() as stack:
            clients = {
                service: await stack.enter_async_context(self._new_client(service))
                for service in self._base_urls
            }
            # Opened: keep them until `stop` (on an error above, those opened are closed).
            self._exit_stack = stack.pop_all()
        self._clients = clients

    async def stop(self) -> None:
        """Close every upstream client (each one, even if closing another fails)."""
        stack, self._exit_stack = self._exit_stack, None
        self._clients = {}
        if stack is not None:
            await stack.aclose()

    def request_url(self, service: str, scope: Scope) -> httpx.URL:
        """Where `service` gets the request of `scope`: its base URL, then the path as sent."""
        base = self._base_urls[service]
        raw_path: bytes = scope.get("raw_path") or b""
        if not raw_path.isascii() or not raw_path:
            raw_path = urllib.parse.quote(scope["path"]).encode("ascii")
        query: bytes = scope.get("query_string", b"")
        target = base.raw_path.rstrip(b"/") + raw_path + (b"?" + query if query else b"")
        return base.copy_with(raw_path=target)

    def _new_client(self, service: str) -> httpx.AsyncClient:
        settings = self._settings
        max_connections = settings.upstream_connection_limits[service]
        return httpx.AsyncClient(
            # No read timeout here: `send_upstream` bounds the wait for response headers
            # and `UpstreamResponse` the pauses in a body that is not an event stream.
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_seconds,
                read=None,
                write=settings.read_timeout_seconds,
                pool=settings.upstream_pool_timeout_seconds,
            ),
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=min(100, max_connections),
                keepalive_expiry=settings.upstream_keepalive_seconds,
            ),
            cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
            follow_redirects=False,
            trust_env=False,  # no HTTP_PROXY detour for calls inside the platform
        )


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """A client must never keep one caller's cookies and send them for another."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False
