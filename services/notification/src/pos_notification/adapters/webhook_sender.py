"""Sending one webhook call over HTTP, to an address that was checked a moment before.

The request goes to the checked address itself (the Host header and, for https,
the TLS server name carry the webhook's host), so a second DNS answer cannot send
it somewhere else. Redirects are not followed, proxies from the environment are
not used, and the receiver's answer body is not read.
"""

from __future__ import annotations

import httpx

from pos_notification.domain.targets import IPAddress, WebhookTarget


class WebhookSender:
    def __init__(
        self, *, timeout_seconds: float, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            # No pooling: a pooled TLS connection to one address could carry another
            # host's call whose certificate it never checked.
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    async def post(
        self,
        *,
        target: WebhookTarget,
        address: IPAddress,
        body: bytes,
        headers: dict[str, str],
    ) -> int:
        """POST and return the status code; raises `httpx.HTTPError` when no answer came."""
        path, _, query = target.path.partition("?")
        url = httpx.URL(scheme=target.scheme, host=str(address), port=target.port, path=path)
        if query:
            # Only then: an empty query would still put a "?" on the URL, and a receiver
            # matching its path exactly would not know the call.
            url = url.copy_with(query=query.encode())
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        async with self._client.stream(
            "POST",
            url,
            content=body,
            headers={**headers, "Host": target.host_header},
            extensions=extensions,
        ) as response:
            return response.status_code

    async def aclose(self) -> None:
        await self._client.aclose()
